"""The one spider of a crawl: fed the sources' runs lazily, it reads each with the reader of its kind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.context import CrawlContext
from crawler.crawl.runs import RunBook, SourceRun, run_opened
from spiders.base import ERRBACK, SourceReader
from spiders.feed import FeedReader
from spiders.listing import ListingReader
from spiders.sitemap import SitemapReader

READERS: dict[str, type[SourceReader]] = {"feed": FeedReader, "listing": ListingReader, "sitemap": SitemapReader}


class SourcesSpider(scrapy.Spider):
    """Every source of a crawl, each as its turn comes (the crawl's queue decides: a site's sources one after
    another, a few sites side by side); each answer goes to the reader of the run that asked for it."""

    name = "sources"

    def __init__(self, runs: AsyncIterator[SourceRun] | None = None, context: CrawlContext | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runs = runs           # the crawl's queue: each source's run, started when its turn comes
        self.context = context     # the store, the classifier and the runs the crawl's components share

    @property
    def book(self) -> RunBook:
        return self.context.runs

    async def start(self):
        if self.runs is None:
            return
        async for run in self.runs:
            run.reader = READERS[run.source.kind](self, run)
            self.crawler.signals.send_catch_log(run_opened, run=run)
            for request in run.reader.start_requests():
                run.requests += 1
                yield request
            self.book.settle(run)

    def answered(self, response: Response, step: str, **kwargs: Any) -> Iterable[Any]:
        """The answer to a request, read by its run's reader (`step` names the method)."""
        run = self.book.of_request(response.request)
        if run is None or run.reader is None:
            return ()
        return self.book.counted(run, getattr(run.reader, step)(response, **kwargs))

    def failed(self, failure: Failure) -> Iterable[Any]:
        run = self.book.of_request(failure.request)
        if run is None or run.reader is None:
            return ()
        return self.book.counted(run, getattr(run.reader, failure.request.meta[ERRBACK])(failure))

    def stored(self, urls: list[str]) -> set[str]:
        """Those of these (clean) URLs stored already; none in a dry run, which shows every article."""
        return self.context.stored(urls) if self.context is not None else set()
