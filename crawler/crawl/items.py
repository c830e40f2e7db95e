"""What flows through the pipeline (a fetched page, then the candidate: crawler/articles.py) and each run's tally."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.articles import Candidate, FetchedPage

__all__ = ["Candidate", "FetchedPage", "RunTally"]


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
