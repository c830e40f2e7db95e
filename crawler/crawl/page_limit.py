"""Every fetch of a source's run counts toward max_pages_per_run: feeds, sitemaps, listing pages, articles,
robots.txt, redirects and retries alike."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.crawl.run_stop import PAGE_LIMIT, RunStopped, stop_run


class PageLimit:
    """Counts the requests about to be downloaded (the last downloader middleware before the network);
    at the limit the run stops, and a request that still comes is refused."""

    def __init__(self, crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.fetches = 0

    @classmethod
    def from_crawler(cls, crawler):
        limit = crawler.settings.getint("NEWSDESK_MAX_PAGES")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def process_request(self, request, spider=None):
        if self.fetches >= self.limit:
            raise RunStopped(f"not fetched: the run made its {self.limit} requests (max_pages_per_run)")
        self.fetches += 1
        if self.fetches == self.limit:
            stop_run(self.crawler, PAGE_LIMIT)
        return None
