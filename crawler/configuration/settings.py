"""Crawl settings, declared once with their defaults and help (crawler/crawl/settings.py makes Scrapy's of them).

Operators set them under `settings:` in sources.yaml; a test checks the README documents each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crawler.configuration.schedules import check_schedule


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    minimum: float = 0      # the smallest value that makes sense (numbers only)
    check: Callable[[Any], Any] | None = None   # a further check of the value; raises ValueError saying why


def _fraction(value: float) -> float:
    if value > 1:
        raise ValueError(f"must be a fraction from 0 to 1, not {value!r}")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("contact", "", "URL or mailto: that site owners can reach you at; sent in the user agent."),
    Setting("per_domain_concurrency", 2, "Requests in flight to one domain at a time, and in one source's run."),
    Setting("per_domain_delay", 1.0, "Seconds between requests to one domain (randomised 0.5-1.5x)."),
    Setting("timeout", 30, "Seconds a whole download may take before it is abandoned (catches trickling sources)."),
    Setting("retries", 2, "Times a failed request (timeout, connection error, 5xx, 429) is retried."),
    Setting("retry_backoff", 2.0, "Seconds before the first retry; doubled for each further retry, with jitter."),
    Setting("max_page_mb", 10, "Largest page, feed or sitemap downloaded, in megabytes; bigger ones are refused."),
    Setting("max_text_chars", 200_000, "Longest article text stored, in characters; a longer one is cut at a "
                                       "paragraph end, and the run record says so.", minimum=1000),
    Setting("max_redirects", 5, "Redirects followed for one request before it is given up as a loop."),
    Setting("max_sites_at_once", 8, "Sites fetched side by side; sources of one site always run one after another."),
    Setting("max_items_per_source", 200, "Article pages fetched from one source in one run."),
    Setting("max_sitemaps_per_run", 50, "Sitemaps and sitemap indexes fetched for one source in one run."),
    Setting("max_pages_per_run", 500, "Responses of every kind (feeds, sitemaps, listing pages, articles, redirects, "
                                      "retries) one source's run may receive; the run stops there (0: no limit)."),
    Setting("max_run_minutes", 10.0, "Minutes one source's run may take; it then stops as timed_out and keeps what "
                                     "it stored (0: no limit)."),
    Setting("max_retry_after", 60, "Seconds of Retry-After (on 429 or 503) waited for before a retry; a site asking "
                                   "for longer is left alone until the time it asked for."),
    Setting("workers", 0, "Processes that extract and classify pages beside the crawl's own (0: one per core)."),
    Setting("dedup_window_days", 30, "A new article is compared with stories dated within this many days of it."),
    Setting("default_schedule", "1h", "How often a source that sets neither every nor cron is crawled: an interval "
                                      "(30m, 2h) or five cron fields.", check=check_schedule),
    Setting("schedule_jitter", 0.1, "A scheduled run starts up to this fraction of its source's interval after its "
                                    "due time, at random (at most 15 minutes), so sources do not all fire at once.",
            check=_fraction),
    Setting("max_crawls_at_once", 2, "Crawl processes the scheduler runs side by side (each runs up to "
                                     "max_sites_at_once sites).", minimum=1),
)

DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
MINIMUMS: dict[str, float] = {s.name: s.minimum for s in SETTINGS}
CHECKS: dict[str, Callable[[Any], Any]] = {s.name: s.check for s in SETTINGS if s.check is not None}
