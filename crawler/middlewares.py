"""Downloader middlewares: skip articles already stored, conditional GET for feeds, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import random

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.canonical import clean_url
from crawler.shared_store import crawl_store
from crawler.failures import AlreadyStored

logger = logging.getLogger(__name__)


class KnownUrlFilter:
    """Do not download an article page whose URL is stored already (the spider counts it as a duplicate)."""

    def __init__(self, store) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler):
        store = crawl_store(crawler.settings)
        if store is None:
            raise NotConfigured  # a dry run shows every article, stored or not
        return cls(store)

    def process_request(self, request, spider=None):
        if request.meta.get("article") and self.store.known_urls([clean_url(request.url)]):
            raise AlreadyStored(f"already stored: {request.url}")
        return None


class ConditionalGet:
    """Send the stored ETag/Last-Modified with feed and sitemap requests; keep new ones once the run finished.

    Validators are saved only when the run ends normally, so a crash mid-run never hides entries
    behind a 304 on the next run. Dry runs neither send nor save them.
    """

    def __init__(self, store) -> None:
        self.store = store
        self.pending: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        store = crawl_store(crawler.settings)
        if store is None:
            raise NotConfigured
        middleware = cls(store)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request, spider=None):
        if request.meta.get("conditional"):
            etag, last_modified = self.store.http_validators(request.url)
            if etag:
                request.headers.setdefault("If-None-Match", etag)
            if last_modified:
                request.headers.setdefault("If-Modified-Since", last_modified)
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("conditional") and response.status == 200:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                self.pending[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def spider_closed(self, spider, reason):
        if reason != "finished" or spider.tally.errors:
            return
        for url, (etag, modified) in self.pending.items():
            self.store.save_http_validators(url, etag, modified)


class RetryBackoff:
    """Wait before each retry: as long as the site asked (Retry-After, see crawler.retry_after), else
    base * 2^(n-1) with jitter, so a struggling site is not hammered."""

    def __init__(self, base: float) -> None:
        self.base = base

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("NEWSDESK_RETRY_BACKOFF"))

    async def process_request(self, request, spider=None):
        attempt = request.meta.get("retry_times", 0)
        if attempt:
            delay = request.meta.get("retry_after", self.base * 2 ** (attempt - 1) * random.uniform(0.8, 1.2))
            if delay > 0:
                logger.info("retry %d of %s in %.1f s", attempt, request.url, delay)
                await asyncio.sleep(delay)
        return None
