"""A store fed candidates through the crawl's own dedup and store stages, as a crawl would."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from crawler.crawl.items import Candidate
from crawler.crawl.pipelines import DuplicatePipeline, StorePipeline
from crawler.dedup.exact import text_hash
from db import Store, clock

TODAY = clock.today() - dt.timedelta(days=17)
CHINA = dt.timezone(dt.timedelta(hours=8))


class Desk:
    """A store and the crawl's own dedup and store stages on it, fed candidates as a crawl would."""

    def __init__(self, path: Path, window_days: int = 30) -> None:
        self.store = Store(path)
        self.dedup = DuplicatePipeline(self.store, window_days)
        self.numbers = itertools.count(1)
        self.today = clock.today(CHINA) - dt.timedelta(days=10)

    def add(self, text: str, *, day: int = 0, source: str = "wire", authority: float = 1.0,
            url: str | None = None) -> Candidate:
        url = url or f"https://{source}.example.cn/{next(self.numbers)}.html"
        # Days count from ten days ago: the store reads a date later than the crawl as the crawl's.
        published = dt.datetime.combine(self.today + dt.timedelta(days=day), dt.time(0, 30), CHINA).isoformat()
        candidate = Candidate(source=source, url=url, fetched_url=url, title="t", text=text,
                              published_at=published, outlet=source, text_hash=text_hash(text))
        return StorePipeline(self.store, authority).process_item(self.dedup.process_item(candidate))

    def cluster(self, candidate: Candidate) -> int:
        return self.store.get_candidate(candidate.id)["cluster_id"]
