"""Downloader middlewares: the fetch rules, timing of tries, skip articles already stored, conditional GET
for feeds, retries with backoff, redirects Newsdesk follows, meta refreshes read from a page's head."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from w3lib.url import safe_url_string

from crawler.crawl.context import runs_of, writable_store_of
from crawler.crawl.failures import FIRST_TRY_AT, AlreadyStored, Refused
from crawler.crawl.run_stop import FINISHED
from crawler.crawl.runs import run_closed
from crawler.formats.canonical import clean_url, site_of
from crawler.formats.fetch_rules import (
    ARTICLE,
    first_url,
    redirect_refusal,
    scheme_refusal,
)

logger = logging.getLogger(__name__)

# The bytes that hold the 4,096 characters Scrapy's meta refresh reads, in any encoding (4 bytes a character at most).
META_REFRESH_HEAD_BYTES = 4 * 4096


class FetchRules:
    """Refuse, before robots.txt or any download handler sees it, a request Newsdesk does not make:
    a scheme other than http and https, or a redirect (meta refresh included) where its kind may not go."""

    def process_request(self, request, spider=None):
        refusal = scheme_refusal(request.url)
        if refusal is None and request.meta.get("redirect_urls"):
            refusal = redirect_refusal(request.meta.get("role"), first_url(request), request.url)
        if refusal:
            raise Refused(refusal)
        return None


class TryClock:
    """Note when a request was first tried, so a failure after retries can say how long they all took."""

    def process_request(self, request, spider=None):
        request.meta.setdefault(FIRST_TRY_AT, time.monotonic())
        return None


class SafeRedirects(RedirectMiddleware):
    """Scrapy's redirects, but a redirect Newsdesk does not follow fails with its reason (Scrapy hands
    back the 3xx response of a redirect to file:// or ftp://, which read as a puzzling "HTTP 302")."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if (location and response.status in (301, 302, 303, 307, 308) and not request.meta.get("dont_redirect")
                and response.status not in request.meta.get("handle_httpstatus_list", ())):
            target = urljoin(request.url, safe_url_string(location))
            refusal = redirect_refusal(request.meta.get("role"), first_url(request), target)
            if refusal:
                raise Refused(refusal)
        followed = super().process_response(request, response)
        if followed is not response and "download_slot" in followed.meta:
            followed.meta["download_slot"] = site_of(followed.url)   # the politeness of the site it leads to
        return followed


class HeadMetaRefresh(MetaRefreshMiddleware):
    """Scrapy's meta refresh, read from the page's head. Scrapy reads the first 4,096 characters of the page's
    text, and so decodes the whole page and keeps the text on the response while the page waits for the page
    pool: 0.25 ms and two to four times the page's bytes of the crawl's process, for every page. (A page that
    declares no charset has it guessed from its head alone: it decides only how a refresh URL is read.)"""

    def process_response(self, request, response, spider=None):
        if not isinstance(response, HtmlResponse) or len(response.body) <= META_REFRESH_HEAD_BYTES:
            return super().process_response(request, response)
        head = response.replace(body=response.body[:META_REFRESH_HEAD_BYTES])
        followed = super().process_response(request, head)
        return response if followed is head else followed


class KnownUrlFilter:
    """Do not download an article page whose URL is stored already (the spider counts it as a duplicate)."""

    def __init__(self, store) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler):
        store = writable_store_of(crawler)
        if store is None:
            raise NotConfigured  # a dry run shows every article, stored or not
        return cls(store)

    def process_request(self, request, spider=None):
        if request.meta.get("role") == ARTICLE and self.store.known_urls([clean_url(request.url)]):
            raise AlreadyStored(f"already stored: {request.url}")
        return None


class ConditionalGet:
    """Send the stored ETag/Last-Modified with feed and sitemap requests; keep new ones once the run finished.

    Validators are saved only when the run ends normally, so a crash mid-run never hides entries
    behind a 304 on the next run. Dry runs neither send nor save them.
    """

    def __init__(self, store, runs) -> None:
        self.store = store
        self.runs = runs

    @classmethod
    def from_crawler(cls, crawler):
        store, runs = writable_store_of(crawler), runs_of(crawler)
        if store is None or runs is None:
            raise NotConfigured
        middleware = cls(store, runs)
        crawler.signals.connect(middleware.run_closed, signal=run_closed)
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
        run = self.runs.of_request(request)
        if request.meta.get("conditional") and response.status == 200 and run is not None:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                run.validators[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def run_closed(self, run, reason: str) -> None:
        if reason != FINISHED or run.tally.errors:
            return
        for url, (etag, modified) in run.validators.items():
            self.store.save_http_validators(url, etag, modified)


class RetryBackoff:
    """Wait before each retry: as long as the site asked (Retry-After, see crawler.crawl.retry_after), else
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
