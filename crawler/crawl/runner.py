"""Run a crawl of some sources in this process: one Scrapy crawler per source, one store, a result per source.

Scrapy's reactor cannot restart in a process, so this runs once per process; the scheduler starts a
`newsdesk crawl` subprocess for each crawl.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass
from typing import TextIO

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.classify.encoder import encoder_for
from crawler.classify.home_classifier import home_classifier
from crawler.configuration.home import Home
from crawler.configuration.sources import Source
from crawler.crawl.context import CrawlContext
from crawler.crawl.items import RunTally
from crawler.crawl.progress import CrawlProgress
from crawler.crawl.queue import CrawlQueue, Interruption, interruptible
from crawler.crawl.recorder import ENDED_EARLY, RunRecorder
from crawler.crawl.retry_after import backing_off_note
from crawler.crawl.run_stop import SHUTDOWN
from crawler.crawl.settings import scrapy_settings
from crawler.errors import NewsdeskError
from db import Store, StoreError, run_status

logger = logging.getLogger(__name__)


@dataclass
class SourceResult:
    source: Source
    tally: RunTally
    not_run: str | None = None      # why the source was not crawled: backing off, the crawl was interrupted
    stopped_by: int | None = None   # the signal that stopped the crawl, if one did

    @property
    def status(self) -> str:
        """The run's status by the rule its record follows (db.run_status); "not run" when it was not."""
        if self.not_run:
            return "not run"
        return run_status(new=self.tally.new, duplicates=self.tally.duplicates, error_count=len(self.tally.errors),
                          not_modified=self.tally.not_modified, cut_short=self.tally.cut_short)


def select_sources(home: Home, names: list[str] | None, *, include_disabled: bool = False) -> list[Source]:
    config = home.sources()
    if not names:
        return [s for s in config.sources if s.enabled]
    chosen = [config.get(name) for name in names]
    disabled = [s.name for s in chosen if not s.enabled]
    if disabled and not include_disabled:
        raise NewsdeskError(f"source '{disabled[0]}' is disabled; run `newsdesk sources enable {disabled[0]}` first")
    return chosen


def run_crawl(home: Home, sources: list[Source], *, dry_run: bool = False, max_items: int | None = None,
              progress: CrawlProgress | None = None, log_level: str = "CRITICAL",
              scheduled: bool = False) -> list[SourceResult]:
    """Crawl the sources (concurrently, politely) and return what each run did.

    Every source's run is bounded (crawler/configuration/settings.py) and recorded, whatever fails; SIGINT or SIGTERM
    stops the crawl within seconds, and the results say which signal did. A source whose site asked us
    to come back later is not crawled until then; in a scheduled crawl, neither is a failing source before its
    next try (db's backoffs: one rule for both).
    Scrapy's own log stays quiet unless asked for (-v): every failure is in the run records and the summary.
    """
    with interruptible() as interruption, contextlib.ExitStack() as stack:
        config = home.sources()
        newsletter = home.sections()  # a broken sections.yaml stops the crawl here, with its one-line error
        if progress is not None:
            progress.loading(str(newsletter.classifier["encoder"]))
        encoder_for(newsletter)  # so does a named encoder that is not installed
        settings = Settings(scrapy_settings(config.settings))
        settings.set("LOG_LEVEL", log_level)
        if max_items is not None:
            settings.set("NEWSDESK_MAX_ITEMS", max_items)
        settings.set("NEWSDESK_TIMEZONE", newsletter.timezone)   # dates without an offset, times in run messages
        try:
            context = stack.enter_context(CrawlContext.opened(home.database, dry_run=dry_run))
            # Built once, before any source starts (every crawler shares it); retrained first when due.
            context.classifier = home_classifier(home.path, newsletter, store=context.writable_store,
                                                 may_train=True)
        except (NewsdeskError, StoreError) as error:   # a damaged model, a busy database: said per source
            return _not_started(stack, home, dry_run, sources, error)
        return _crawl(settings, context, sources, int(config.settings["max_sites_at_once"]), progress, interruption,
                      scheduled)


def _crawl(settings: Settings, context: CrawlContext, sources: list[Source], sites_at_once: int,
           progress: CrawlProgress | None, interruption: Interruption, scheduled: bool) -> list[SourceResult]:
    backoffs = context.store.backoffs(scheduled=scheduled) if context.store is not None else {}
    results = {s.name: SourceResult(s, RunTally(), not_run=backing_off_note(*backoffs[s.name], settings.get("NEWSDESK_TIMEZONE")))
               for s in sources if s.name in backoffs}
    to_run = [s for s in sources if s.name not in backoffs]
    store = context.writable_store
    run_ids: dict[str, int] = {}

    def begin(source: Source) -> dict:
        """The run's record starts before its crawler is built, so that a failure to build is recorded."""
        if store is not None:
            run_ids[source.name] = store.start_run(source.name)
        return {"run_id": run_ids.get(source.name), "context": context}

    crawlers = []
    if to_run:
        process = CrawlerProcess(settings)
        if progress is not None:
            progress.starting(len(to_run))
        for source in to_run:
            crawler = process.create_crawler(source.kind)
            if progress is not None:
                progress.watch(crawler)
            crawlers.append((source, crawler))
        queue = CrawlQueue(process, crawlers, sites_at_once=sites_at_once, begin=begin, interruption=interruption)
        queue.run()
        for source, crawler in crawlers:
            if id(crawler) not in queue.started:
                results[source.name] = SourceResult(source, RunTally(), not_run="not run: the crawl was interrupted")
                continue
            tally = _close_run(crawler, queue.failures.get(id(crawler)), store, run_ids.get(source.name))
            results[source.name] = SourceResult(source, tally)
    for result in results.values():
        result.stopped_by = interruption.signum
    return [results[s.name] for s in sources]


def _not_started(stack: contextlib.ExitStack, home: Home, dry_run: bool, sources: list[Source],
                 error: BaseException) -> list[SourceResult]:
    """Every source failed before any crawler was built: each gets its run record (when the database can
    be written at all) and its summary line."""
    reason, results = could_not_start(error), []
    store = None
    if not dry_run:
        try:
            store = stack.enter_context(Store(home.database))
        except StoreError as exc:
            reason = f"{reason} (and the run could not be recorded: {exc})"
    for source in sources:
        tally = RunTally()
        tally.error(None, reason)
        if store is not None:
            store.finish_run(store.start_run(source.name), pages=0, duplicates=0, errors=tally.errors,
                             summary=reason)
        results.append(SourceResult(source, tally))
    return results


def _close_run(crawler, failure: BaseException | None, store: Store | None, run_id: int | None) -> RunTally:
    """The run's tally, its record closed whatever happened: a crawler that could not be built, or one
    stopped too hard (crawler.crawl.queue) to close its own run."""
    spider = getattr(crawler, "spider", None)
    tally = spider.tally if spider is not None else RunTally()
    recorder = _recorder(crawler)
    try:
        if recorder is not None and recorder.opened:
            recorder.close(spider, SHUTDOWN)   # nothing to do when it closed itself
            if failure is not None:
                tally.error(None, f"could not run: {_one_line(failure)}")
            return tally
        # Never opened: it could not be built, or the crawl was stopped while it was being built.
        if failure is not None:
            reason = could_not_start(failure)
        else:
            tally.cut_short, reason = ENDED_EARLY[SHUTDOWN]
        tally.error(None, reason)
        if store is not None and run_id is not None:
            store.finish_run(run_id, pages=0, duplicates=0, errors=[(None, reason)], cut_short=tally.cut_short,
                             summary=reason)
    except StoreError as exc:
        tally.error(None, f"the run could not be recorded: {exc}")
    return tally


def _recorder(crawler) -> RunRecorder | None:
    try:
        return crawler.get_extension(RunRecorder)
    except (AttributeError, RuntimeError):   # the crawler was not built that far
        return None


def could_not_start(error: BaseException) -> str:
    """'could not start: <what>; <what to do>' for an error that kept a source's crawler from starting."""
    ours = isinstance(error, (NewsdeskError, StoreError))   # their messages say what to do
    return f"could not start: {_one_line(error)}" + ("" if ours else "; run `newsdesk crawl -v` to see where")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, (NewsdeskError, StoreError)):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def exit_code(results: list[SourceResult]) -> int:
    """128 + the signal that stopped the crawl (130 for Ctrl-C, 143 for SIGTERM), as shells do; else non-zero
    when a source failed outright, so cron and monitors notice; the others still ran."""
    stopped_by = next((r.stopped_by for r in results if r.stopped_by), None)
    if stopped_by:
        return 128 + stopped_by
    return 1 if any(r.status == "failed" for r in results) else 0


def configure_progress(stream: TextIO = sys.stderr) -> CrawlProgress | None:
    """A line per source and per article on a terminal; nothing for cron (the summary says it all)."""
    return CrawlProgress.to_stream(stream) if stream.isatty() else None
