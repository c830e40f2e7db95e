"""What is done with one fetched page before the store: extract, canonical URL, fingerprint, classify.

Plain functions on plain data, with no Scrapy and no database, so that a crawl runs them in a pool of worker
processes (crawler/crawl/page_pool.py) or, for one small run, in its own process; the store's lookups and
writes stay with the crawl (crawler/crawl/pipelines.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from crawler.classify.classifier import Classifier
from crawler.configuration.settings import DEFAULTS
from crawler.dedup.exact import text_hash
from crawler.dedup.fingerprints import fingerprint
from crawler.extraction import extract_bytes
from crawler.extraction.text_sanity import cut_to_limit, not_text_reason
from crawler.formats.canonical import accepted_canonical, clean_url, same_site
from db import CANDIDATE_FIELDS, clock

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 40   # less than this is a stub, an index page or a paywall, not an article
DEFAULT_MAX_TEXT_CHARS = DEFAULTS["max_text_chars"]


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
    text_fingerprint: Any = None             # crawler.dedup.fingerprints.TextFingerprint of the text, made once
    section_confidence: float | None = None  # the classifier's: how sure it is of the section, 0..1
    relevance: float | None = None           # how close the story is to the newsletter's topic, 0..1
    explanation: str | None = None           # why, in words: the terms that decided it
    classified_by: str | None = None         # "rules" or "rules+classifier-0003"
    run_id: int | None = None                # the run that stored it
    charset: str | None = None               # the codec the page's bytes were read with

    def store_fields(self) -> dict[str, Any]:
        """The fields the store keeps (db.CANDIDATE_FIELDS); the others are for the pipeline only."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in CANDIDATE_FIELDS}


class Refusal(Exception):
    """A page that is not stored, and why: `kind` is skipped (no article text: not an error), not_text, or
    refused (a page a redirect brought from another site)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):
        # It comes back from a worker process by pickle, which would call __init__ with the message alone.
        return Refusal, (self.kind, str(self))


@dataclass
class Worked:
    """What the work made of a page: the candidate (None when refused), the refusal, notes for the run."""

    candidate: Candidate | None
    refusal: Refusal | None = None
    notes: list[tuple[str | None, str]] = field(default_factory=list)


def extract_candidate(page: FetchedPage, *, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
                      zone: str = clock.DEFAULT_ZONE, notes: list | None = None) -> Candidate:
    """FetchedPage -> Candidate: decode, extract, fill gaps from the feed or sitemap's hints, refuse what is
    not text (Refusal), and cut text longer than max_text_chars (saying so in `notes`). `zone` is the
    newsletter's: where a date that names no offset is read."""
    article = extract_bytes(page.body, page.url, page.content_type, page.encoding, default_tz=zone)
    hints = page.hints
    text, charset = article.text.strip(), article.charset
    if len(text) < MIN_TEXT_CHARS and hints.get("content") and not page.from_feed:
        fallback = extract_bytes(f"<html><body><article>{hints['content']}</article></body></html>"
                                 .encode("utf-8"), page.url, "text/html; charset=utf-8", default_tz=zone)
        if fallback.text.strip():
            text, charset = fallback.text.strip(), fallback.charset
    if len(text) < MIN_TEXT_CHARS:
        # A page that lists several posts says so: its posts are reached through their own links.
        raise Refusal("skipped", f"{article.note or 'no article text found'} at {page.url}")
    kept = cut_to_limit(text, max_text_chars)
    reason = not_text_reason(kept)
    if reason:
        raise Refusal("not_text", f"not text: {reason}; not stored")
    if len(kept) < len(text):
        message = f"text cut to {max_text_chars:,} characters (max_text_chars)"
        logger.warning("%s: %s", page.url, message)
        if notes is not None:
            notes.append((page.url, message))
    return Candidate(
        source=page.source,
        url=page.url,
        fetched_url=page.url,
        title=hints.get("title") if page.from_feed else (article.title or hints.get("title")),
        text=kept,
        # A feed or news sitemap states the date outright; the page's own date fills in otherwise.
        published_at=hints.get("published_at") or article.published_at,
        author=article.author or hints.get("author"),
        outlet=article.outlet,
        summary=hints.get("summary"),
        language=article.language,
        declared_canonical=article.canonical_url,
        charset=charset,
        requested_url=page.requested_url,
    )


def canonicalise(candidate: Candidate) -> Candidate:
    """One address per article: rel=canonical when it is sane, tracking and fragments dropped; its text hash.

    A page reached by a redirect from another site is kept only when it names its own canonical URL on
    its own site: a link on one site never files another site's page under an address of its choosing.
    """
    declared = accepted_canonical(candidate.fetched_url, candidate.declared_canonical)
    requested = candidate.requested_url or candidate.fetched_url
    if declared is None and not same_site(requested, candidate.fetched_url):
        raise Refusal("refused", f"redirected here from {requested} (another site) and names no rel=canonical "
                                 "on its own site; not stored")
    candidate.url = clean_url(declared or candidate.fetched_url)
    candidate.text_hash = text_hash(candidate.text)
    return candidate


def classify(candidate: Candidate, classifier: Classifier) -> Candidate:
    """Section, confidence, relevance and explanation; status filtered when off-topic."""
    decision = classifier.classify(candidate.title, candidate.text, summary=candidate.summary, url=candidate.url)
    candidate.section = decision.section
    candidate.section_confidence = decision.confidence
    candidate.relevance = decision.relevance
    candidate.explanation = decision.explanation()
    candidate.classified_by = decision.by
    if decision.filtered and candidate.status == "pending":
        candidate.status = "filtered"
    return candidate


@dataclass
class PageWork:
    """Everything done with a fetched page that needs no store, with what it needs loaded once: the classifier
    (its rules, jieba, the encoder and the learned model) and the crawl's settings. One per process.

    Given build_classifier instead of a classifier, it builds one where it works (prepare): each worker of a
    crawl's pool loads its own while the crawl's process starts fetching."""

    classifier: Classifier | None = None
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    zone: str = clock.DEFAULT_ZONE
    build_classifier: Callable[[], Classifier] | None = None

    def prepare(self) -> None:
        if self.classifier is None and self.build_classifier is not None:
            self.classifier = self.build_classifier()

    def __call__(self, page: FetchedPage) -> Worked:
        self.prepare()
        notes: list[tuple[str | None, str]] = []
        try:
            candidate = canonicalise(extract_candidate(page, max_text_chars=self.max_text_chars, zone=self.zone,
                                                       notes=notes))
        except Refusal as refusal:
            return Worked(None, refusal, notes)
        candidate.text_fingerprint = fingerprint(candidate.text)
        if self.classifier is not None:
            classify(candidate, self.classifier)
        return Worked(candidate, None, notes)
