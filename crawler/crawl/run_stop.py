"""Ending a source's run early from inside Scrapy: the reasons, and the gate that holds back its requests."""

from __future__ import annotations

import logging

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.crawl.context import runs_of

logger = logging.getLogger(__name__)

# Why a run ended (crawler.crawl.recorder.ENDED_EARLY says what each means for the run's record).
FINISHED = "finished"                      # nothing of it left in flight
TIME_LIMIT = "time_limit"                  # max_run_minutes (crawler.crawl.recorder watches the clock)
PAGE_LIMIT = "page_limit"                  # crawler.crawl.page_limit
SITE_ASKED_TO_WAIT = "site_asked_to_wait"  # crawler.crawl.retry_after
SHUTDOWN = "shutdown"                      # Scrapy's own, when the crawl is stopped (crawler.crawl.queue)


class RunStopped(IgnoreRequest):
    """A request refused because its run is ending; the run's record says why, once, not per request."""


def refuse_if_stopped(runs, request) -> None:
    """RunStopped for a request of a run that was stopped (a limit, a site asking us to wait)."""
    run = runs.of_request(request) if runs is not None else None
    if run is not None and run.stop_reason is not None:
        raise RunStopped(f"not fetched: the run stopped ({run.stop_reason})")


def count_fetch(run, limit: int) -> None:
    """Count one download of the run about to go on the network toward max_pages_per_run: feeds, sitemaps,
    listing pages, articles, robots.txt, redirects and retries alike. At the limit the run stops, and a request
    of it that still comes is refused."""
    if run is None or limit <= 0:
        return
    if run.fetches >= limit:
        raise RunStopped(f"not fetched: the run made its {limit} requests (max_pages_per_run)")
    run.fetches += 1
    if run.fetches == limit:
        run.stop(PAGE_LIMIT)


class RunGate:
    """The first downloader middleware: a request of a stopped run is refused before it waits in its site's
    queue; the run closes once its downloads in flight end."""

    def __init__(self, runs) -> None:
        self.runs = runs

    @classmethod
    def from_crawler(cls, crawler):
        runs = runs_of(crawler)
        if runs is None:
            raise NotConfigured
        return cls(runs)

    def process_request(self, request, spider=None):
        refuse_if_stopped(self.runs, request)
        return None


class GatedDownloads(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, but a request that waited in its site's queue while its run was stopped is
    not sent, and each one sent counts toward its run's page limit. One crawler serves every source, so requests
    wait in their site's queue after the downloader middlewares: only here is what is really fetched known."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.page_limit = crawler.settings.getint("NEWSDESK_MAX_PAGES")

    async def download_request(self, request):
        runs = runs_of(self.crawler)
        refuse_if_stopped(runs, request)
        if runs is not None:
            count_fetch(runs.of_request(request), self.page_limit)
        return await super().download_request(request)
