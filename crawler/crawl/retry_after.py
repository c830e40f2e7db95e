"""Retry-After on 429 and 503: the retry waits as long as the site asked, or, past max_retry_after, the
source is left alone until the time the site asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from crawler.crawl.context import runs_of, writable_store_of
from crawler.crawl.failures import SiteAskedToWait
from crawler.crawl.run_stop import SITE_ASKED_TO_WAIT
from db import clock

# The statuses whose Retry-After asks us to come back later (RFC 9110 for 503, RFC 6585 for 429).
ASKING_STATUSES = (429, 503)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After value asks for (delay-seconds or an HTTP date), None when absent or unreadable."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfter:
    """Read Retry-After before RetryMiddleware decides: within the cap, the retry waits that long (RetryBackoff
    sleeps it); beyond it, no retry, the source backs off until then and its run stops."""

    def __init__(self, crawler, cap: float, store) -> None:
        self.crawler = crawler
        self.cap = cap
        self.store = store           # None in a dry run: the backoff is reported, not recorded
        self.runs = runs_of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("NEWSDESK_MAX_RETRY_AFTER"), writable_store_of(crawler))

    def process_response(self, request, response, spider=None):
        request.meta.pop("retry_after", None)   # a retry's wait is what its own answer asked for
        if response.status not in ASKING_STATUSES:
            return response
        now = clock.now()
        header = response.headers.get("Retry-After")
        seconds = retry_after_seconds(header.decode("latin-1") if header else None, now)
        if seconds is None:
            return response
        if seconds <= self.cap:
            request.meta["retry_after"] = seconds
            return response
        until = (now + timedelta(seconds=seconds)).astimezone(UTC).isoformat(timespec="seconds")
        self._back_off(request, until, f"the site asked us to (Retry-After on HTTP {response.status})")
        zone = self.crawler.settings.get("NEWSDESK_TIMEZONE", clock.DEFAULT_ZONE)
        raise SiteAskedToWait(
            f"HTTP {response.status} with Retry-After: the site asked us to wait until {clock.local_time(until, zone)}, "
            f"longer than max_retry_after ({self.cap:g} s); not retried, and the source is left alone until then")

    def _back_off(self, request, until: str, reason: str) -> None:
        """Record the backoff, and end the run: the rest of it would ask the same site again."""
        run = self.runs.of_request(request) if self.runs is not None else None
        if run is None or run.stop_reason == SITE_ASKED_TO_WAIT:
            return
        run.stop(SITE_ASKED_TO_WAIT)
        if self.store is not None:
            self.store.set_backoff(run.name, until, reason)


def backing_off_note(until: str, reason: str, zone: str) -> str:
    """'backing off until 2026-11-20 18:00 CST: the site asked us to (Retry-After on HTTP 503)'."""
    return f"backing off until {clock.local_time(until, zone)}: {reason}"
