"""Each run's visited set: Scrapy's duplicate filter, kept per source's run rather than per crawl."""

from __future__ import annotations

from collections import defaultdict

from scrapy.dupefilters import BaseDupeFilter

from crawler.crawl.runs import RUN, run_closed


class RunVisited(BaseDupeFilter):
    """A URL is fetched once per run (a sitemap listing itself, pagination leading back, a redirect to a page
    fetched already); two sources of one crawl may each fetch it. A run's set goes when the run closes."""

    def __init__(self, fingerprinter) -> None:
        self.fingerprinter = fingerprinter
        self.seen: defaultdict[str | None, set[bytes]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler):
        visited = cls(crawler.request_fingerprinter)
        crawler.signals.connect(visited.run_closed, signal=run_closed)
        return visited

    def request_seen(self, request) -> bool:
        seen = self.seen[request.meta.get(RUN)]
        fingerprint = self.fingerprinter.fingerprint(request)
        if fingerprint in seen:
            return True
        seen.add(fingerprint)
        return False

    def run_closed(self, run, reason: str) -> None:
        self.seen.pop(run.name, None)
