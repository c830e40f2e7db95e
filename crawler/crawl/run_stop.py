"""Ending a source's run early from inside Scrapy: the reasons, and the one way to ask for it."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

# Close reasons (crawler.crawl.recorder.ENDED_EARLY says what each means for the run's record).
TIME_LIMIT = "closespider_timeout"         # Scrapy's CloseSpider extension, CLOSESPIDER_TIMEOUT
PAGE_LIMIT = "page_limit"                  # crawler.crawl.page_limit
SITE_ASKED_TO_WAIT = "site_asked_to_wait"  # crawler.crawl.retry_after
SHUTDOWN = "shutdown"                      # Scrapy's own, when the crawl is stopped (crawler.crawl.queue)


class RunStopped(IgnoreRequest):
    """A request refused because its run is ending; the run's record says why, once, not per request."""


def stop_run(crawler, reason: str) -> None:
    """Close the crawler's spider with this reason: nothing new starts, downloads in flight finish."""
    deferred_from_coro(crawler.engine.close_spider_async(reason=reason)).addErrback(
        lambda failure: logger.debug("closing the run (%s): %s", reason, failure.value))
