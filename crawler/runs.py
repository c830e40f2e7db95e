"""Record every run of a source: start, end, pages, new, duplicates, errors; previews in a dry run."""

from __future__ import annotations

import logging

from scrapy import signals

from crawler.pipelines import Duplicate, Skipped
from crawler.shared_store import store_for

logger = logging.getLogger(__name__)


def preview(candidate, state: str) -> dict:
    return {"state": state, "title": candidate.title, "url": candidate.url, "outlet": candidate.outlet,
            "published_at": candidate.published_at, "chars": len(candidate.text),
            "cluster_id": candidate.cluster_id}


class RunRecorder:
    """Counts what happens to a source's items and errors, and writes the run record when it closes."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = store_for(crawler.settings)
        self.dry_run = crawler.settings.getbool("NEWSDESK_DRY_RUN")
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        for handler, signal in (
            (recorder.spider_opened, signals.spider_opened),
            (recorder.spider_closed, signals.spider_closed),
            (recorder.item_scraped, signals.item_scraped),
            (recorder.item_dropped, signals.item_dropped),
            (recorder.item_error, signals.item_error),
            (recorder.spider_error, signals.spider_error),
        ):
            crawler.signals.connect(handler, signal=signal)
        return recorder

    def spider_opened(self, spider) -> None:
        if not self.dry_run:
            self.run_id = self.store.start_run(spider.source.name)

    def item_scraped(self, item, response, spider) -> None:
        spider.tally.new += 1
        if self.dry_run:
            spider.tally.previews.append(preview(item, "copy" if item.cluster_id else "new"))

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, Duplicate):
            spider.tally.duplicates += 1
            if self.dry_run:
                spider.tally.previews.append(preview(exception.candidate, "already stored"))
        elif isinstance(exception, Skipped):
            spider.tally.skipped += 1
        else:
            spider.tally.error(getattr(item, "url", None), str(exception))

    def item_error(self, item, response, spider, failure) -> None:
        url = getattr(item, "fetched_url", None) or getattr(item, "url", None)
        spider.tally.error(url, f"could not process the page: {type(failure.value).__name__}: {failure.value}")

    def spider_error(self, failure, response, spider) -> None:
        url = getattr(response, "url", None)
        spider.tally.error(url, f"could not parse: {type(failure.value).__name__}: {failure.value}")

    def spider_closed(self, spider, reason) -> None:
        tally = spider.tally
        if reason not in ("finished",):
            tally.error(None, f"run ended early: {reason}")
        if self.dry_run or self.run_id is None:
            return
        summary, status = None, None
        if tally.not_modified and not tally.errors:
            summary, status = "not modified since the last run", "ok"
        if tally.skipped:
            summary = f"{tally.skipped} pages without article text skipped"
        self.store.finish_run(self.run_id, pages=tally.pages, new=tally.new, duplicates=tally.duplicates,
                              errors=tally.errors, status=status, summary=summary)
