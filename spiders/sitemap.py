"""Sitemaps: indexes, urlsets, gzip and Google News sitemaps, within the source's age window."""

from __future__ import annotations

import scrapy
from scrapy.http import Response

from crawler.fetch_rules import FOLLOW
from crawler.sitemaps import SitemapError, parse_sitemap
from spiders.base import SourceSpider

MAX_INDEX_DEPTH = 3


class SitemapSpider(SourceSpider):
    """No conditional GET here: an unchanged index can still point at regenerated child sitemaps."""

    name = "sitemap"

    def parse_start(self, response: Response, depth: int = 0):
        self.tally.pages += 1
        if response.url.endswith("/robots.txt"):
            yield from self._sitemaps_in_robots(response)
            return
        try:
            sitemap = parse_sitemap(response.body, response.url,
                                    max_age_days=self.source.max_age_days,
                                    max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as exc:
            self.tally.error(response.url, str(exc))
            return
        if sitemap.kind == "index":
            if depth >= MAX_INDEX_DEPTH:
                self.tally.error(response.url, f"sitemap indexes nested deeper than {MAX_INDEX_DEPTH}; stopped")
                return
            for child in sitemap.children:
                yield self._sitemap_request(child, depth + 1)
            return
        for entry in sitemap.urls:
            hints = {"published_at": entry.published_at, "title": entry.title}
            request = self.article_request(entry.url, {k: v for k, v in hints.items() if v})
            if request is not None:
                yield request

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        """A child sitemap (of an index or robots.txt): it must not redirect off its site."""
        return scrapy.Request(url, callback=self.parse_start, errback=self.start_failed,
                              cb_kwargs={"depth": depth}, meta={"role": FOLLOW}, dont_filter=True)

    def _sitemaps_in_robots(self, response: Response):
        urls = [line.split(":", 1)[1].strip() for line in response.text.splitlines()
                if line.lower().startswith("sitemap:")]
        if not urls:
            self.tally.error(response.url, "robots.txt names no Sitemap:; give the sitemap's URL instead")
        for url in urls:
            yield self._sitemap_request(response.urljoin(url), 1)
