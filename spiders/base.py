"""What every Newsdesk spider shares: its source, its tally, article requests and failure handling."""

from __future__ import annotations

import logging
from typing import Any, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.configuration.sources import Source
from crawler.crawl.context import CrawlContext
from crawler.crawl.failures import AlreadyStored, describe_failure
from crawler.crawl.items import FetchedPage, RunTally
from crawler.crawl.robots import RobotsUnreadable
from crawler.crawl.run_stop import RunStopped
from crawler.formats.canonical import same_site
from crawler.formats.fetch_rules import ARTICLE, SOURCE, first_url, scheme_refusal

logger = logging.getLogger(__name__)


class SourceSpider(scrapy.Spider):
    """A spider for one configured source. Subclasses parse the source's start page into article requests.

    No request of a run is dont_filter: Scrapy's duplicate filter is the run's visited set, so no URL
    (a sitemap listing itself, pagination leading back, a redirect to a page already fetched) is fetched twice.
    """

    conditional = False  # whether the source's URL is fetched with conditional GET (feeds)

    def __init__(self, source: Source, run_id: int | None = None, context: CrawlContext | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.tally = RunTally()
        self.run_id = run_id                   # the run record's, started by the crawl (none in a dry run)
        self.context = context                 # the store and classifier the crawl's components share
        self.articles_requested = 0
        self.seen_articles: set[str] = set()

    async def start(self):
        for request in self.start_requests_for_source():
            yield request

    def start_requests_for_source(self) -> Iterator[scrapy.Request]:
        meta = {"role": SOURCE}
        if self.conditional:
            meta.update(conditional=True, handle_httpstatus_list=[304])
        yield scrapy.Request(self.source.url, callback=self.parse_source, errback=self.start_failed, meta=meta)

    def parse_source(self, response: Response):
        """The source's own page; when it redirected to another site, the operator hears that it moved."""
        if not same_site(response.url, self.source.url):
            self.tally.note(self.source.url, f"moved to {response.url} (redirect); "
                                              "update the source's url in sources.yaml")
        yield from self.parse_start(response)

    # -- article pages ---------------------------------------------------------------

    @property
    def zone(self) -> str:
        """The newsletter's time zone (sections.yaml, set by the crawl): a date that names no offset is read there."""
        return self.settings["NEWSDESK_TIMEZONE"]

    @property
    def max_items(self) -> int:
        return self.settings.getint("NEWSDESK_MAX_ITEMS")

    def article_request(self, url: str, hints: dict[str, Any] | None = None,
                        errback=None) -> scrapy.Request | None:
        """A request for one article page, or None: already asked for, the run's article budget is spent,
        or a URL Newsdesk never fetches (said once for the run, under that URL)."""
        if url in self.seen_articles or self.articles_requested >= self.max_items:
            return None
        self.seen_articles.add(url)
        refusal = scheme_refusal(url)
        if refusal:
            self.tally.error(url, refusal)
            return None
        self.articles_requested += 1
        return scrapy.Request(
            url, callback=self.parse_article, errback=errback or self.article_failed,
            meta={"role": ARTICLE, "hints": hints or {}},
        )

    def parse_article(self, response: Response):
        self.tally.pages += 1
        yield self.page_from(response)

    def page_from(self, response: Response) -> FetchedPage:
        content_type = response.headers.get("Content-Type")
        return FetchedPage(
            source=self.source.name,
            url=response.url,
            requested_url=first_url(response.request),
            body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            encoding=self.source.encoding,
            hints=response.meta.get("hints", {}),
        )

    # -- failures ----------------------------------------------------------------------

    def describe(self, failure: Failure) -> str:
        return describe_failure(failure, self.settings)

    def report_failure(self, failure: Failure) -> None:
        """Count a stored article as a duplicate; report anything else on one line under the URL asked for
        (a host whose robots.txt could not be read: once a run)."""
        if failure.check(RunStopped):
            return   # the run's record says once why it stopped
        if failure.check(AlreadyStored):
            self.tally.duplicates += 1
        elif failure.check(RobotsUnreadable):
            if (None, str(failure.value)) not in self.tally.errors:
                self.tally.error(None, str(failure.value))
        else:
            self.tally.error(first_url(failure.request), self.describe(failure))

    start_failed = article_failed = report_failure
