"""Sitemaps: indexes, urlsets, gzip and Google News sitemaps, within the source's age window."""

from __future__ import annotations

from scrapy.http import Response

from crawler.formats.fetch_rules import FOLLOW
from crawler.formats.sitemaps import SitemapError, parse_sitemap
from spiders.base import SourceReader

MAX_INDEX_DEPTH = 3


class SitemapReader(SourceReader):
    """No conditional GET here: an unchanged index can still point at regenerated child sitemaps."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sitemaps_seen: set[str] = {self.source.url}   # the source's own: requested by SourceReader
        self.sitemap_limit_reached = False

    def parse_start(self, response: Response, depth: int = 0):
        self.tally.pages += 1
        if response.url.endswith("/robots.txt"):
            yield from self._sitemaps_in_robots(response)
            return
        try:
            sitemap = parse_sitemap(response.body, response.url,
                                    max_age_days=self.source.max_age_days,
                                    max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"), zone=self.zone)
        except SitemapError as exc:
            self.tally.error(response.url, str(exc))
            return
        if sitemap.kind == "index":
            if depth >= MAX_INDEX_DEPTH:
                self.tally.error(response.url, f"sitemap indexes nested deeper than {MAX_INDEX_DEPTH}; stopped")
                return
            children = list(self._sitemap_requests(sitemap.children, depth + 1))
            if not children and not self.sitemap_limit_reached:
                self.tally.error(response.url, "the sitemap index lists no sitemap this run has not read already "
                                               "(it lists itself?); nothing to fetch; check it in a browser")
            yield from children
            return
        yield from self.article_requests(
            (entry.url, {k: v for k, v in (("published_at", entry.published_at), ("title", entry.title)) if v})
            for entry in sitemap.urls)

    def _sitemap_requests(self, urls: list[str], depth: int):
        """Requests for the sitemaps not requested yet, as many as the run's max_sitemaps_per_run allows; a
        child sitemap (of an index or robots.txt) must not redirect off its site."""
        limit = self.settings.getint("NEWSDESK_MAX_SITEMAPS")
        for url in urls:
            if url in self.sitemaps_seen:
                continue
            if len(self.sitemaps_seen) >= limit:
                if not self.sitemap_limit_reached:
                    self.sitemap_limit_reached = True
                    self.tally.error(None, f"more than {limit} sitemaps; the rest were not fetched "
                                           "(max_sitemaps_per_run)")
                return
            self.sitemaps_seen.add(url)
            yield self.request(url, "parse_start", "start_failed", cb_kwargs={"depth": depth}, meta={"role": FOLLOW})

    def _sitemaps_in_robots(self, response: Response):
        urls = [line.split(":", 1)[1].strip() for line in response.text.splitlines()
                if line.lower().startswith("sitemap:")]
        if not urls:
            self.tally.error(response.url, "robots.txt names no Sitemap:; give the sitemap's URL instead")
        yield from self._sitemap_requests([response.urljoin(url) for url in urls], 1)
