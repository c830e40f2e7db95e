"""Crawl settings, declared once with their defaults and help, and the Scrapy settings built from them.

Operators set them under `settings:` in sources.yaml; a test checks the README documents each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler import __version__


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    minimum: float = 0      # the smallest value that makes sense (numbers only)


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
    Setting("max_sites_at_once", 8, "Sites crawled side by side; sources of one site always run one after another."),
    Setting("max_items_per_source", 200, "Article pages fetched from one source in one run."),
    Setting("max_sitemaps_per_run", 50, "Sitemaps and sitemap indexes fetched for one source in one run."),
    Setting("max_pages_per_run", 500, "Responses of every kind (feeds, sitemaps, listing pages, articles, redirects, "
                                      "retries) one source's run may receive; the run stops there (0: no limit)."),
    Setting("max_run_minutes", 10.0, "Minutes one source's run may take; it then stops as timed_out and keeps what "
                                     "it stored (0: no limit)."),
    Setting("max_retry_after", 60, "Seconds of Retry-After (on 429 or 503) waited for before a retry; a site asking "
                                   "for longer is left alone until the time it asked for."),
    Setting("dedup_window_days", 30, "A new article is compared with stories dated within this many days of it."),
)

DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
MINIMUMS: dict[str, float] = {s.name: s.minimum for s in SETTINGS}


def user_agent(contact: str) -> str:
    """An honest user agent: who we are and how to reach the operator."""
    reach = contact or "operator contact not configured"
    return f"Newsdesk/{__version__} (news aggregator for newsletters; +{reach})"


def scrapy_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate Newsdesk's crawl settings into Scrapy's, with politeness always on."""
    s = {**DEFAULTS, **settings}
    return {
        "USER_AGENT": user_agent(s["contact"]),
        "ROBOTSTXT_OBEY": True,
        # One crawler per source, mostly one site: no more in flight than the site's share. More would wait in
        # Scrapy's downloader, where a run that stops (a limit, a signal) cannot take them back.
        "CONCURRENT_REQUESTS": max(1, int(s["per_domain_concurrency"])),
        "CONCURRENT_REQUESTS_PER_DOMAIN": int(s["per_domain_concurrency"]),
        "DOWNLOAD_DELAY": float(s["per_domain_delay"]),
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "DOWNLOAD_TIMEOUT": float(s["timeout"]),
        "DOWNLOAD_MAXSIZE": int(float(s["max_page_mb"]) * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": int(s["retries"]),
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "NEWSDESK_RETRY_BACKOFF": float(s["retry_backoff"]),
        "NEWSDESK_MAX_ITEMS": int(s["max_items_per_source"]),
        "NEWSDESK_MAX_SITEMAPS": int(s["max_sitemaps_per_run"]),
        "NEWSDESK_MAX_RETRY_AFTER": float(s["max_retry_after"]),
        "NEWSDESK_MAX_PAGES": int(s["max_pages_per_run"]),
        # Scrapy's CloseSpider extension: one crawler per source, so this bounds each source's run.
        "CLOSESPIDER_TIMEOUT": float(s["max_run_minutes"]) * 60,
        "NEWSDESK_DEDUP_WINDOW_DAYS": int(s["dedup_window_days"]),
        "NEWSDESK_MAX_TEXT_CHARS": int(s["max_text_chars"]),
        "REDIRECT_MAX_TIMES": int(s["max_redirects"]),
        "COOKIES_ENABLED": False,
        # Only http and https are fetched: no handler for file:, data:, s3: or ftp: (crawler/fetch_rules.py
        # refuses them with a reason before they get here).
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "s3": None, "ftp": None},
        # Only the extensions a crawl uses: no telnet console, no remote control (an HTTP endpoint that runs
        # Python for whoever holds its token), no feed export, log stats, memory watch or spider state.
        "EXTENSIONS_BASE": {"scrapy.extensions.corestats.CoreStats": 0,
                            "scrapy.extensions.closespider.CloseSpider": 0},
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,   # Scrapy's server that runs code sent to it: never for a crawler
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "HTTPERROR_ALLOW_ALL": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.FetchRules": 10,
            "crawler.middlewares.TryClock": 20,
            "crawler.middlewares.KnownUrlFilter": 50,
            "crawler.middlewares.ConditionalGet": 60,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.robots.RobotsRule": 100,
            "crawler.retry_after.RetryAfter": 555,   # its responses before RetryMiddleware's (550)
            "crawler.middlewares.RetryBackoff": 560,
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "crawler.middlewares.SafeRedirects": 600,
            "crawler.page_limit.PageLimit": 950,     # last before the network: counts what is really fetched
        },
        "SPIDER_MODULES": ["spiders"],
        "ITEM_PIPELINES": {
            "crawler.pipelines.ExtractPipeline": 100,
            "crawler.pipelines.CanonicalPipeline": 200,
            "crawler.pipelines.DuplicatePipeline": 300,
            "crawler.classify.ClassifyPipeline": 400,
            "crawler.pipelines.StorePipeline": 900,
        },
        "EXTENSIONS": {"crawler.runs.RunRecorder": 100},
    }
