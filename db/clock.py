"""Now, for every part of Newsdesk: the wall clock, or the instant NEWSDESK_NOW names.

One clock, so that tests, demos and replays can fix "now" for a whole process and its children
(the test suite sets it; a test runs the date-dependent tests a year ahead to prove nothing reads
the wall clock behind its back). It lives in db/ because db/ is the package everything may import.
"""

import os
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from .errors import StoreError

NOW_VARIABLE = "NEWSDESK_NOW"
# Where the newsletter is made when its sections.yaml names no zone (newsletter: timezone).
DEFAULT_ZONE = "Asia/Shanghai"


def now() -> datetime:
    """The current instant, timezone-aware (UTC unless NEWSDESK_NOW names an offset)."""
    fixed = os.environ.get(NOW_VARIABLE, "").strip()
    if not fixed:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
    except ValueError:
        raise StoreError(f"{NOW_VARIABLE}={fixed!r} is not an ISO 8601 time like 2026-11-20T09:00:00+08:00; "
                         "fix or unset it") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def utc_now() -> str:
    """The current time as UTC ISO 8601 with its offset, to the second (how the store records times)."""
    return now().astimezone(UTC).isoformat(timespec="seconds")


def local_time(iso: str | None, zone: str = DEFAULT_ZONE) -> str:
    """`2026-11-03 09:30 CST`: a stored time (any offset) as people read it in a zone, saying which zone."""
    if not iso:
        return "date unknown"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def today(zone: str | tzinfo = DEFAULT_ZONE) -> date:
    """Today's date where the newsletter is made (DEFAULT_ZONE unless told otherwise)."""
    return now().astimezone(_zone(zone)).date()


def in_zone(moment: datetime, zone: str | tzinfo = DEFAULT_ZONE) -> datetime:
    """A moment as it stands when it names its offset; else read as the wall-clock time of zone. The rule
    for a date that names no offset (a feed's, a sitemap's, a page's): it is the newsletter's zone's."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_zone(zone))


def _zone(zone: str | tzinfo) -> tzinfo:
    return zone if isinstance(zone, tzinfo) else ZoneInfo(zone)
