"""Scrapy's settings for a crawl, built from Newsdesk's crawl settings (crawler/configuration/settings.py)."""

from __future__ import annotations

from typing import Any

from crawler import __version__
from crawler.configuration.settings import DEFAULTS
from db import clock


def user_agent(contact: str) -> str:
    """An honest user agent: who we are and how to reach the operator."""
    reach = contact or "operator contact not configured"
    return f"Newsdesk/{__version__} (news aggregator for newsletters; +{reach})"


# The bytes of fetched pages the crawl's process holds while they wait to be worked on.
SCRAPER_BUDGET_BYTES = 32 * 1024 * 1024


def scrapy_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate Newsdesk's crawl settings into Scrapy's, with politeness always on."""
    s = {**DEFAULTS, **settings}
    return {
        "USER_AGENT": user_agent(s["contact"]),
        "ROBOTSTXT_OBEY": True,
        # One crawler serves every source; politeness is per site: each request's download slot is its site
        # (crawler.formats.canonical.site_of), so the per-domain concurrency and delay hold across the sources
        # of a site, and the downloader-aware queue takes the next request from the least busy site.
        "CONCURRENT_REQUESTS": max(1, int(s["per_domain_concurrency"])) * max(1, int(s["max_sites_at_once"])),
        "CONCURRENT_REQUESTS_PER_DOMAIN": int(s["per_domain_concurrency"]),
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DUPEFILTER_CLASS": "crawler.crawl.visited.RunVisited",
        "DOWNLOADER": "crawler.crawl.downloader.PoliteDownloader",
        # Scrapy starts this many tasks for every response's output, however little it yields (an article page
        # yields one item): its default, 100, cost the crawl's process 0.3 s of its 3 s of CPU on the benchmark's farm.
        "CONCURRENT_ITEMS": 8,
        # Responses whose pages wait for the page pool count toward this; past it the engine downloads nothing,
        # not even a new site's robots.txt or feed. Scrapy's 5 MB is a few dozen pages, so a crawl waiting on
        # its CPU stopped fetching, and a slow site started late held the crawl's end (crawler.crawl.queue).
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": SCRAPER_BUDGET_BYTES,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,   # Scrapy would parse each callback's source again per response
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
        # Each source's run has its own clock (crawler.crawl.recorder).
        "NEWSDESK_MAX_RUN_SECONDS": float(s["max_run_minutes"]) * 60,
        "NEWSDESK_WORKERS": int(s["workers"]),
        "NEWSDESK_DEDUP_WINDOW_DAYS": int(s["dedup_window_days"]),
        "NEWSDESK_MAX_TEXT_CHARS": int(s["max_text_chars"]),
        # The newsletter's time zone (sections.yaml; the crawl sets it): dates that name no offset are read there,
        # times in run messages are shown there.
        "NEWSDESK_TIMEZONE": clock.DEFAULT_ZONE,
        "REDIRECT_MAX_TIMES": int(s["max_redirects"]),
        "COOKIES_ENABLED": False,
        # Only http and https are fetched: no handler for file:, data:, s3: or ftp: (crawler/fetch_rules.py
        # refuses them with a reason before they get here).
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "s3": None, "ftp": None,
                              "http": "crawler.crawl.run_stop.GatedDownloads",
                              "https": "crawler.crawl.run_stop.GatedDownloads"},
        # Only the extensions a crawl uses: no telnet console, no remote control (an HTTP endpoint that runs
        # Python for whoever holds its token), no feed export, log stats, memory watch or spider state.
        "EXTENSIONS_BASE": {"scrapy.extensions.corestats.CoreStats": 0},
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,   # Scrapy's server that runs code sent to it: never for a crawler
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "HTTPERROR_ALLOW_ALL": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.crawl.run_stop.RunGate": 5,
            "crawler.crawl.middlewares.FetchRules": 10,
            "crawler.crawl.middlewares.TryClock": 20,
            "crawler.crawl.middlewares.KnownUrlFilter": 50,
            "crawler.crawl.middlewares.ConditionalGet": 60,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.crawl.robots.RobotsRule": 100,
            "crawler.crawl.retry_after.RetryAfter": 555,   # its responses before RetryMiddleware's (550)
            "crawler.crawl.middlewares.RetryBackoff": 560,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "crawler.crawl.middlewares.HeadMetaRefresh": 580,
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "crawler.crawl.middlewares.SafeRedirects": 600,
        },
        "SPIDER_MODULES": ["spiders"],
        "ITEM_PIPELINES": {
            "crawler.crawl.pipelines.PageWorkPipeline": 100,
            "crawler.crawl.pipelines.DuplicatePipeline": 300,
            "crawler.crawl.pipelines.StorePipeline": 900,
        },
        "EXTENSIONS": {"crawler.crawl.recorder.RunRecorder": 100},
    }
