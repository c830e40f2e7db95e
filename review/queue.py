"""What editors look through: the review queue and search, with how the newsletter wants them shown."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.configuration.sections import Newsletter
from db import Store


@dataclass(frozen=True)
class Listing:
    """Rows (queue rows, db.Store.queue) and what showing them needs from sections.yaml."""

    rows: list[dict]
    zone: str                 # the newsletter's time zone: dates and times are shown there
    low_confidence: float     # a classifier's section below this is marked as unsure


def _listing(newsletter: Newsletter, rows: list[dict]) -> Listing:
    return Listing(rows, newsletter.timezone, float(newsletter.classifier["low_confidence"]))


def queue(store: Store, newsletter: Newsletter, *, status: str | None = "pending", section: str | None = None,
          all_copies: bool = False, limit: int | None = None) -> Listing:
    """One row per story, newest first (every copy with all_copies); status None: every status."""
    return _listing(newsletter, store.queue(status=status, section=section, all_copies=all_copies, limit=limit))


def search(store: Store, newsletter: Newsletter, terms: list[str], *, limit: int = 50) -> Listing:
    """Stored copies whose title or text contains every term, newest first."""
    return _listing(newsletter, store.search(" ".join(terms), limit=limit))
