"""What editors look through: the review queue and search, with how the newsletter wants them shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.configuration.sections import Newsletter
from db import Store

DEFAULT_PAGE = 50


@dataclass(frozen=True)
class Listing:
    """Rows (queue rows, db.Store.queue) and what showing them needs from sections.yaml."""

    rows: list[dict]
    zone: str                 # the newsletter's time zone: dates and times are shown there
    low_confidence: float     # a classifier's section below this is marked as unsure
    next_cursor: str | None = None   # where the next page starts (keyset paging); None after the last


def _listing(newsletter: Newsletter, rows: list[dict], next_cursor: str | None = None) -> Listing:
    return Listing(rows, newsletter.timezone, float(newsletter.classifier["low_confidence"]), next_cursor)


def queue(store: Store, newsletter: Newsletter, *, status: str | None = "pending", section: str | None = None,
          all_copies: bool = False, limit: int | None = None, after: str | None = None) -> Listing:
    """One page of the queue, one row per story, newest first (DEFAULT_PAGE stories unless `limit`); with
    all_copies every copy (at most `limit`); status None: every status."""
    if all_copies:
        return _listing(newsletter, store.queue(status=status, section=section, all_copies=True, limit=limit))
    return page(store, newsletter, QueueFilter(status=status, section=section), cursor=after,
                limit=limit or DEFAULT_PAGE)


@dataclass(frozen=True)
class QueueFilter:
    """Which stories a page of the queue lists, and in what order."""

    status: str | None = "pending"     # None: every status
    section: str | None = None
    source: str | None = None          # the representative copy's source
    low_confidence: bool = False       # only stories whose classifier section is below classifier.low_confidence
    since: date | None = None          # the representative's own date, in the newsletter's zone, inclusive
    until: date | None = None          # inclusive
    q: str | None = None               # full-text search: every term, Chinese of any length
    sort: str = "date"                 # date (newest first), relevance (highest first), outlets (most first)


def page(store: Store, newsletter: Newsletter, filter: QueueFilter, *, cursor: str | None = None,
         limit: int | None = DEFAULT_PAGE) -> Listing:
    """One page of stories (keyset paging: `cursor` is the previous page's next_cursor)."""
    zone = ZoneInfo(newsletter.timezone)
    threshold = float(newsletter.classifier["low_confidence"])
    rows, following = store.page(
        status=filter.status, section=filter.section, source=filter.source,
        low_confidence_below=threshold if filter.low_confidence else None,
        since_day=_julian_day(filter.since, zone), until_day=_julian_day(filter.until, zone, next_day=True),
        query=filter.q, sort=filter.sort, after=cursor, limit=limit)
    return _listing(newsletter, rows, following)


def counts(store: Store) -> dict[str, dict[str | None, int]]:
    """{status: {section: stories}}: the numbers on the desk's tabs."""
    return store.story_counts()


def _julian_day(day: date | None, zone: ZoneInfo, *, next_day: bool = False) -> float | None:
    """The Julian day (SQLite's julianday) of the start of `day` (or of the day after) in the zone."""
    if day is None:
        return None
    start = datetime.combine(day + timedelta(days=1 if next_day else 0), datetime.min.time(), zone)
    return start.timestamp() / 86400 + 2440587.5


def search(store: Store, newsletter: Newsletter, terms: list[str], *, limit: int = 50) -> Listing:
    """Stored copies whose title or text contains every term, newest first."""
    return _listing(newsletter, store.search(" ".join(terms), limit=limit))
