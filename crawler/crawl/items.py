"""What flows through the pipeline: a fetched page from a spider, then the candidate built from it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from db import CANDIDATE_FIELDS


@dataclass
class FetchedPage:
    """A page a spider fetched (or a feed entry's own content when its page failed), not yet extracted."""

    source: str
    url: str                                 # where the body came from, after redirects
    body: bytes
    requested_url: str | None = None         # the URL asked for, before redirects (None: url itself)
    content_type: str | None = None
    encoding: str | None = None              # the operator's override from sources.yaml
    hints: dict[str, Any] = field(default_factory=dict)  # title, published_at, author, summary from a feed/sitemap
    from_feed: bool = False                  # body is the feed entry's content, the page itself failed


@dataclass
class Candidate:
    """One article ready to queue: extracted, canonicalised, checked for copies."""

    source: str
    url: str                                 # canonical
    fetched_url: str
    title: str | None
    text: str
    published_at: str | None = None
    author: str | None = None
    outlet: str | None = None
    summary: str | None = None
    language: str | None = None
    declared_canonical: str | None = None
    requested_url: str | None = None         # the URL asked for, before redirects; not stored
    text_hash: str | None = None
    cluster_id: int | None = None
    section: str | None = None
    status: str = "pending"
    id: int | None = None
    authority: float = 1.0                   # the source's, so the story's representative can prefer it
    fingerprints: Any = None                 # db.fingerprint_index.Fingerprints: for the index, not a column
    section_confidence: float | None = None  # the classifier's: how sure it is of the section, 0..1
    relevance: float | None = None           # how close the story is to the newsletter's topic, 0..1
    explanation: str | None = None           # why, in words: the terms that decided it
    classified_by: str | None = None         # "rules" or "rules+classifier-0003"
    run_id: int | None = None                # the run that stored it
    charset: str | None = None               # the codec the page's bytes were read with

    def store_fields(self) -> dict[str, Any]:
        """The fields the store keeps (db.CANDIDATE_FIELDS); the others are for the pipeline only."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in CANDIDATE_FIELDS}


@dataclass
class RunTally:
    """What one source's run did, kept on its spider and recorded when the run ends."""

    pages: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    not_modified: bool = False
    cut_short: str | None = None             # timed_out or interrupted: the run was ended before it was done
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    notes: list[tuple[str | None, str]] = field(default_factory=list)   # worth telling, not failures
    previews: list[dict[str, Any]] = field(default_factory=list)   # sources test: what would be queued

    def error(self, url: str | None, message: str) -> None:
        self.errors.append((url, message))

    def note(self, url: str | None, message: str) -> None:
        """Something the operator should hear that is not a failure: a source that moved, a text cut."""
        self.notes.append((url, message))
