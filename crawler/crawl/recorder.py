"""Record every run of a source: start, end, pages, new, duplicates, errors; previews in a dry run."""

from __future__ import annotations

import logging
import time

from scrapy import signals

from crawler.crawl.context import context_of, store_of
from crawler.crawl.pipelines import Duplicate, Skipped
from crawler.crawl.run_stop import PAGE_LIMIT, SHUTDOWN, SITE_ASKED_TO_WAIT, TIME_LIMIT
from crawler.formats.fetch_rules import ARTICLE

logger = logging.getLogger(__name__)

# How often a running run's counts and new errors are written, so a killed crawl's record is current.
PROGRESS_EVERY_SECONDS = 2.0

# Why a run was closed early -> (how it was cut short, None when db.run_status()'s rule decides; the error it records).
ENDED_EARLY = {
    TIME_LIMIT: ("timed_out", "stopped at the time limit for one source's run (max_run_minutes)"),
    PAGE_LIMIT: (None, "stopped at the page limit for one source's run (max_pages_per_run)"),
    SHUTDOWN: ("interrupted", "interrupted: the crawl was stopped (Ctrl-C or a signal)"),
    SITE_ASKED_TO_WAIT: (None, None),   # the request that was told to wait has said so
}


def preview(candidate, state: str) -> dict:
    return {"state": state, "title": candidate.title, "url": candidate.url, "outlet": candidate.outlet,
            "published_at": candidate.published_at, "chars": len(candidate.text),
            "cluster_id": candidate.cluster_id}


class RunRecorder:
    """Counts what happens to a source's items and errors, writes them into its run record as it goes and
    closes the record when the run ends. The crawl starts the record before it builds the crawler
    (crawler.crawl.runner), so that a crawler that cannot be built has its record too."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = store_of(crawler)
        context = context_of(crawler)
        self.dry_run = context is None or context.dry_run
        self.run_id: int | None = None
        self.opened = False
        self.closed = False
        self.errors_written = 0
        self.notes_written = 0
        self.written_at = time.monotonic()

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
            (recorder.request_dropped, signals.request_dropped),
        ):
            crawler.signals.connect(handler, signal=signal)
        return recorder

    def spider_opened(self, spider) -> None:
        self.opened = True
        self.run_id = spider.run_id

    @property
    def running(self) -> bool:
        """Opened and not closed yet: a stop that could not wait for Scrapy leaves the crawl to close it."""
        return self.opened and not self.closed

    def item_scraped(self, item, response, spider) -> None:
        spider.tally.new += 1
        if self.dry_run:
            spider.tally.previews.append(preview(item, "copy" if item.cluster_id else "new"))
        self._write_progress(spider)

    def _write_progress(self, spider) -> None:
        """The run's counts and new errors into its record, every few seconds."""
        if self.run_id is None or time.monotonic() - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        tally = spider.tally
        self.store.run_progress(self.run_id, pages=tally.pages, duplicates=tally.duplicates,
                                errors=self._unwritten_errors(tally), notes=self._unwritten_notes(tally))
        self.written_at = time.monotonic()

    def _unwritten_errors(self, tally) -> list:
        errors = tally.errors[self.errors_written:]
        self.errors_written = len(tally.errors)
        return errors

    def _unwritten_notes(self, tally) -> list:
        notes = tally.notes[self.notes_written:]
        self.notes_written = len(tally.notes)
        return notes

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, Duplicate):
            spider.tally.duplicates += 1
            if self.dry_run:
                spider.tally.previews.append(preview(exception.candidate, "already stored"))
        elif isinstance(exception, Skipped):
            spider.tally.skipped += 1
        else:
            spider.tally.error(getattr(item, "url", None), str(exception))
        self._write_progress(spider)

    def item_error(self, item, response, spider, failure) -> None:
        url = getattr(item, "fetched_url", None) or getattr(item, "url", None)
        spider.tally.error(url, f"could not process the page: {type(failure.value).__name__}: {failure.value}")

    def request_dropped(self, request, spider) -> None:
        """Scrapy's duplicate filter (the run's visited set) dropped a request for a page this run fetched:
        an article reached by another URL is a duplicate; a redirect back to a sitemap or listing page is
        a loop; a page the spider was led back to (a sitemap listing itself, pagination) is nothing."""
        hops = request.meta.get("redirect_urls")
        if request.meta.get("role") == ARTICLE:
            spider.tally.duplicates += 1
        elif hops:
            spider.tally.error(hops[0], f"redirects to {request.url}, which this run fetched already; "
                                        "a redirect loop?")

    def spider_error(self, failure, response, spider) -> None:
        url = getattr(response, "url", None)
        spider.tally.error(url, f"could not parse: {type(failure.value).__name__}: {failure.value}")

    def spider_closed(self, spider, reason) -> None:
        self.close(spider, reason)

    def close(self, spider, reason: str) -> None:
        """End the run for Scrapy's close reason, once: its status, its last counts and errors."""
        if self.closed:
            return
        self.closed = True
        tally = spider.tally
        default = (None, None if reason == "finished" else f"run ended early: {reason}")
        tally.cut_short, ended = ENDED_EARLY.get(reason, default)
        if ended:
            tally.error(None, ended)
        if self.dry_run or self.run_id is None:
            return
        summary = ended if reason in ENDED_EARLY else None
        if tally.not_modified and not tally.errors:
            summary = "not modified since the last run"
        if tally.skipped:
            summary = f"{summary}; " if summary else ""
            summary += f"{tally.skipped} pages without article text skipped"
        self.store.finish_run(self.run_id, pages=tally.pages, duplicates=tally.duplicates,
                              errors=self._unwritten_errors(tally), notes=self._unwritten_notes(tally),
                              summary=summary, not_modified=tally.not_modified, cut_short=tally.cut_short)
