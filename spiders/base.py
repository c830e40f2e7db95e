"""What reading every kind of source shares: the run it reads for, article requests, failure handling."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.failures import AlreadyStored, describe_failure
from crawler.crawl.items import FetchedPage
from crawler.crawl.robots import RobotsUnreadable
from crawler.crawl.run_stop import RunStopped
from crawler.crawl.runs import RUN, SourceRun
from crawler.formats.canonical import clean_url, same_site, site_of
from crawler.formats.fetch_rules import ARTICLE, SOURCE, first_url, scheme_refusal

if TYPE_CHECKING:
    from spiders.sources import SourcesSpider

logger = logging.getLogger(__name__)

ERRBACK = "newsdesk_errback"   # request.meta: the reader's method that hears of the request's failure


class SourceReader:
    """Reads one source for its run. Subclasses (one per kind) parse the source's start page into requests.

    No request of a run is dont_filter: the crawl's duplicate filter is each run's visited set
    (crawler.crawl.visited), so no URL (a sitemap listing itself, pagination leading back, a redirect to a
    page already fetched) is fetched twice in a run.
    """

    conditional = False  # whether the source's URL is fetched with conditional GET (feeds)

    def __init__(self, spider: "SourcesSpider", run: SourceRun) -> None:
        self.spider = spider
        self.run = run
        self.source = run.source
        self.tally = run.tally
        self.articles_requested = 0
        self.seen_articles: set[str] = set()

    @property
    def settings(self):
        return self.spider.settings

    def request(self, url: str, callback: str, errback: str, *, meta: dict[str, Any] | None = None,
                cb_kwargs: dict[str, Any] | None = None) -> scrapy.Request:
        """A request of this run: its answer goes to the reader's `callback` method, a failure to `errback`;
        it is downloaded in its site's slot, so per-domain politeness holds across the sources of a site."""
        return scrapy.Request(url, callback=self.spider.answered, errback=self.spider.failed,
                              cb_kwargs={"step": callback, **(cb_kwargs or {})},
                              meta={RUN: self.source.name, ERRBACK: errback, "download_slot": site_of(url),
                                    **(meta or {})})

    def start_requests(self) -> Iterator[scrapy.Request]:
        meta = {"role": SOURCE}
        if self.conditional:
            meta.update(conditional=True, handle_httpstatus_list=[304])
        yield self.request(self.source.url, "parse_source", "start_failed", meta=meta)

    def parse_source(self, response: Response):
        """The source's own page; when it redirected to another site, the operator hears that it moved."""
        if not same_site(response.url, self.source.url):
            self.tally.note(self.source.url, f"moved to {response.url} (redirect); "
                                              "update the source's url in sources.yaml")
        yield from self.parse_start(response)

    def parse_start(self, response: Response, **kwargs: Any):
        """The source's own page (feed, listing or sitemap): each kind's reader (spiders/feed.py, listing.py,
        sitemap.py) says what it yields; this base has no kind of its own."""
        raise NotImplementedError

    # -- article pages ---------------------------------------------------------------

    @property
    def zone(self) -> str:
        """The newsletter's time zone (sections.yaml, set by the crawl): a date that names no offset is read there."""
        return self.settings["NEWSDESK_TIMEZONE"]

    @property
    def max_items(self) -> int:
        return self.settings.getint("NEWSDESK_MAX_ITEMS")

    def article_requests(self, links: Iterable[tuple[str, dict[str, Any] | None]],
                         errback: str = "article_failed") -> Iterator[scrapy.Request]:
        """Requests for the article pages linked, in order (see article_request)."""
        links = list(links)
        stored = self.stored_urls(url for url, _ in links)
        for url, hints in links:
            request = self.article_request(url, hints, errback, stored=stored)
            if request is not None:
                yield request

    def stored_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of these links whose page is stored already (as clean URLs), asked of the store at once."""
        return self.spider.stored([clean_url(url) for url in urls if url not in self.seen_articles
                                   and scheme_refusal(url) is None])

    def article_request(self, url: str, hints: dict[str, Any] | None = None, errback: str = "article_failed",
                        *, stored: set[str] = frozenset()) -> scrapy.Request | None:
        """A request for one article page, or None: already asked for, stored already (a duplicate, not
        counted toward the run's article budget), the budget (max_items_per_source) is spent, or a URL
        Newsdesk never fetches (said once for the run, under that URL)."""
        if url in self.seen_articles:
            return None
        if stored and clean_url(url) in stored:
            self.seen_articles.add(url)
            self.tally.duplicates += 1
            return None
        if self.articles_requested >= self.max_items:
            return None
        self.seen_articles.add(url)
        refusal = scheme_refusal(url)
        if refusal:
            self.tally.error(url, refusal)
            return None
        self.articles_requested += 1
        return self.request(url, "parse_article", errback, meta={"role": ARTICLE, "hints": hints or {}})

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
