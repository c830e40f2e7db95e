"""Record every run of a source: start, end, pages, new, duplicates, errors; previews in a dry run."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from twisted.internet.task import LoopingCall

from crawler.crawl.context import context_of, store_of
from crawler.crawl.pipelines import Duplicate, Skipped
from crawler.crawl.run_stop import FINISHED, PAGE_LIMIT, SHUTDOWN, SITE_ASKED_TO_WAIT, TIME_LIMIT
from crawler.crawl.runs import SourceRun, run_closed, run_opened
from crawler.formats.fetch_rules import ARTICLE
from db import StoreError

logger = logging.getLogger(__name__)

# How often a running run's counts and new errors are written, so a killed crawl's record is current.
PROGRESS_EVERY_SECONDS = 2.0
# How often the runs in progress are checked against their time limit (max_run_minutes).
DEADLINE_CHECK_SECONDS = 0.5

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
    """Counts what happens to each source's items and errors, writes them into its run record as it goes and
    closes the record when nothing of the run is left in flight (or the crawl stops). The crawl starts the
    record when the source's turn comes (crawler.crawl.runner), so a source that cannot start has one too."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = store_of(crawler)
        context = context_of(crawler)
        self.dry_run = context is None or context.dry_run
        self.runs = context.runs if context is not None else None
        self.seconds = crawler.settings.getfloat("NEWSDESK_MAX_RUN_SECONDS")
        self.deadlines = LoopingCall(self._stop_runs_past_their_time)

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
            (recorder.run_opened, run_opened),
        ):
            crawler.signals.connect(handler, signal=signal)
        if recorder.runs is not None:
            recorder.runs.on_idle = recorder.run_idle
        return recorder

    def spider_opened(self, spider) -> None:
        if self.seconds > 0:
            self.deadlines.start(DEADLINE_CHECK_SECONDS, now=False)

    def run_opened(self, run: SourceRun) -> None:
        run.deadline = time.monotonic() + self.seconds if self.seconds > 0 else None

    def _stop_runs_past_their_time(self) -> None:
        now = time.monotonic()
        for run in list(self.runs.open):
            if run.deadline is not None and now >= run.deadline:
                run.stop(TIME_LIMIT)

    def _run(self, name: str | None) -> SourceRun | None:
        return self.runs.get(name) if self.runs is not None else None

    # -- items and requests ------------------------------------------------------------------

    def item_scraped(self, item, response, spider) -> None:
        run = self._run(getattr(item, "source", None))
        if run is None:
            return
        run.tally.new += 1
        if self.dry_run:
            run.tally.previews.append(preview(item, "copy" if item.cluster_id else "new"))
        self._done_with_item(run)

    def item_dropped(self, item, response, exception, spider) -> None:
        run = self._run(getattr(item, "source", None))
        if run is None:
            return
        if isinstance(exception, Duplicate):
            run.tally.duplicates += 1
            if self.dry_run:
                run.tally.previews.append(preview(exception.candidate, "already stored"))
        elif isinstance(exception, Skipped):
            run.tally.skipped += 1
        else:
            run.tally.error(getattr(item, "url", None), str(exception))
        self._done_with_item(run)

    def item_error(self, item, response, spider, failure) -> None:
        run = self._run(getattr(item, "source", None))
        if run is None:
            return
        url = getattr(item, "fetched_url", None) or getattr(item, "url", None)
        run.tally.error(url, f"could not process the page: {type(failure.value).__name__}: {failure.value}")
        self._done_with_item(run)

    def _done_with_item(self, run: SourceRun) -> None:
        self._write_progress(run)
        self.runs.item_done(run)

    def request_dropped(self, request, spider) -> None:
        """The run's visited set (crawler.crawl.visited) dropped a request for a page this run fetched: an
        article reached by another URL is a duplicate; a redirect back to a sitemap or listing page is
        a loop; a page the spider was led back to (a sitemap listing itself, pagination) is nothing."""
        run = self.runs.of_request(request) if self.runs is not None else None
        if run is None:
            return
        hops = request.meta.get("redirect_urls")
        if request.meta.get("role") == ARTICLE:
            run.tally.duplicates += 1
        elif hops:
            run.tally.error(hops[0], f"redirects to {request.url}, which this run fetched already; "
                                     "a redirect loop?")
        self.runs.request_answered(run)

    def spider_error(self, failure, response, spider) -> None:
        request = getattr(response, "request", None) or getattr(failure, "request", None)
        run = self.runs.of_request(request) if self.runs is not None and request is not None else None
        if run is None:
            logger.error("%s", failure.getTraceback())
            return
        url = getattr(response, "url", None)
        run.tally.error(url, f"could not parse: {type(failure.value).__name__}: {failure.value}")

    def _write_progress(self, run: SourceRun) -> None:
        """The run's counts and new errors into its record, every few seconds."""
        if run.run_id is None or self.dry_run or time.monotonic() - run.written_at < PROGRESS_EVERY_SECONDS:
            return
        tally = run.tally
        try:
            self.store.run_progress(run.run_id, pages=tally.pages, duplicates=tally.duplicates,
                                    errors=_unwritten_errors(run), notes=_unwritten_notes(run))
        except StoreError as exc:
            logger.warning("%s: the run's progress could not be recorded: %s", run.name, exc)
        run.written_at = time.monotonic()

    # -- closing -----------------------------------------------------------------------------

    def run_idle(self, run: SourceRun) -> None:
        self.close(run, run.stop_reason or FINISHED)

    def spider_closed(self, spider, reason) -> None:
        if self.deadlines.running:
            self.deadlines.stop()
        for run in list(self.runs.open if self.runs is not None else ()):
            self.close(run, reason)

    def close(self, run: SourceRun, reason: str) -> None:
        """End the run for this reason, once: its status, its last counts and errors."""
        if run.closed:
            return
        self.runs.closed(run)
        tally = run.tally
        default = (None, None if reason == FINISHED else f"run ended early: {reason}")
        tally.cut_short, ended = ENDED_EARLY.get(reason, default)
        if ended:
            tally.error(None, ended)
        if not self.dry_run and run.run_id is not None:
            summary = ended if reason in ENDED_EARLY else None
            if tally.not_modified and not tally.errors:
                summary = "not modified since the last run"
            if tally.skipped:
                summary = f"{summary}; " if summary else ""
                summary += f"{tally.skipped} pages without article text skipped"
            try:
                self.store.finish_run(run.run_id, pages=tally.pages, duplicates=tally.duplicates,
                                      errors=_unwritten_errors(run), notes=_unwritten_notes(run),
                                      summary=summary, not_modified=tally.not_modified, cut_short=tally.cut_short)
            except StoreError as exc:
                tally.error(None, f"the run could not be recorded: {exc}")
        self.crawler.signals.send_catch_log(run_closed, run=run, reason=reason)


def _unwritten_errors(run: SourceRun) -> list:
    errors = run.tally.errors[run.errors_written:]
    run.errors_written = len(run.tally.errors)
    return errors


def _unwritten_notes(run: SourceRun) -> list:
    notes = run.tally.notes[run.notes_written:]
    run.notes_written = len(run.tally.notes)
    return notes
