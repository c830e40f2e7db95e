"""Run a crawl of some sources in this process: one Scrapy crawler for all, one store, a result per source.

Scrapy's reactor cannot restart in a process, so this runs once per process; the scheduler starts a
`newsdesk crawl` subprocess for each crawl. Scrapy is imported only after the page pool's workers are forked
(crawler/crawl/page_pool.py): they build their classifiers on the other cores while this process loads it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from crawler.articles import PageWork
from crawler.classify.encoder import check_encoder
from crawler.classify.home_classifier import classifier_builder
from crawler.configuration.home import Home
from crawler.configuration.sections import Newsletter
from crawler.configuration.sources import Source, SourcesConfig
from crawler.crawl.context import CrawlContext
from crawler.crawl.interruption import Interruption, interruptible
from crawler.crawl.items import RunTally
from crawler.crawl.page_pool import PagePool, worker_count
from crawler.crawl.runs import SourceRun
from crawler.crawl.settings import scrapy_settings
from crawler.errors import NewsdeskError
from db import Store, StoreError, run_status

if TYPE_CHECKING:
    from crawler.crawl.progress import CrawlProgress
    from crawler.crawl.queue import SourceQueue
    from crawler.crawl.recorder import RunRecorder

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


def select_sources(config: SourcesConfig, names: list[str] | None, *, include_disabled: bool = False) -> list[Source]:
    if not names:
        return [s for s in config.sources if s.enabled]
    chosen = [config.get(name) for name in names]
    disabled = [s.name for s in chosen if not s.enabled]
    if disabled and not include_disabled:
        raise NewsdeskError(f"source '{disabled[0]}' is disabled; run `newsdesk sources enable {disabled[0]}` first")
    return chosen


def run_crawl(home: Home, sources: list[Source], *, config: SourcesConfig | None = None,
              newsletter: Newsletter | None = None, dry_run: bool = False, max_items: int | None = None,
              progress: CrawlProgress | None = None, log_level: str = "CRITICAL",
              scheduled: bool = False) -> list[SourceResult]:
    """Crawl the sources (concurrently, politely) and return what each run did.

    Every source's run is bounded (crawler/configuration/settings.py) and recorded, whatever fails; SIGINT or SIGTERM
    stops the crawl within seconds, and the results say which signal did. A source whose site asked us
    to come back later is not crawled until then; in a scheduled crawl, neither is a failing source before its
    next try (db's backoffs: one rule for both). config and newsletter: the home's sources.yaml and sections.yaml
    as the caller read them (read here when not given; 10,000 sources take a second to parse).
    Scrapy's own log stays quiet unless asked for (-v): every failure is in the run records and the summary.
    """
    with interruptible() as interruption, contextlib.ExitStack() as stack:
        config = config or home.sources()
        newsletter = newsletter or home.sections()  # a broken sections.yaml stops the crawl here, in one line
        if progress is not None:
            progress.loading(str(newsletter.classifier["encoder"]))
        check_encoder(newsletter)  # so does a named encoder that is not installed
        settings = scrapy_settings(config.settings)
        settings["LOG_LEVEL"] = log_level
        if max_items is not None:
            settings["NEWSDESK_MAX_ITEMS"] = max_items
        settings["NEWSDESK_TIMEZONE"] = newsletter.timezone   # dates without an offset, times in run messages
        try:
            context = stack.enter_context(CrawlContext.opened(home.database, dry_run=dry_run))
            # Retrained first when due, the model read (a damaged one is said per source); the page pool's
            # workers build the classifier itself (crawler/crawl/page_pool.py).
            context.build_classifier = classifier_builder(home.path, newsletter, store=context.writable_store)
        except (NewsdeskError, StoreError) as error:   # a damaged model, a busy database: said per source
            return _not_started(stack, home, dry_run, sources, error)
        return _crawl(settings, context, stack, sources, int(config.settings["max_sites_at_once"]), progress,
                      interruption, scheduled)


def _crawl(settings: dict[str, Any], context: CrawlContext, stack: contextlib.ExitStack, sources: list[Source],
           sites_at_once: int, progress: CrawlProgress | None, interruption: Interruption,
           scheduled: bool) -> list[SourceResult]:
    zone = settings["NEWSDESK_TIMEZONE"]
    backoffs = context.store.backoffs(scheduled=scheduled) if context.store is not None else {}
    to_run = [s for s in sources if s.name not in backoffs]
    if to_run:
        _start_pool(settings, context, stack)
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.crawl.queue import CrawlQueue, SourceQueue
    from crawler.crawl.retry_after import backing_off_note

    results = {s.name: SourceResult(s, RunTally(), not_run=backing_off_note(*backoffs[s.name], zone))
               for s in sources if s.name in backoffs}
    store = context.writable_store

    def begin(source: Source) -> SourceRun:
        """The run's record starts when the source's turn comes, before anything is fetched for it."""
        return context.runs.start(source, store.start_run(source.name) if store is not None else None)

    if to_run:
        process = CrawlerProcess(Settings(settings))
        if progress is not None:
            progress.starting(len(to_run))
        crawler = process.create_crawler("sources")
        if progress is not None:
            progress.watch(crawler)
        queue = SourceQueue(to_run, sites_at_once=sites_at_once, begin=begin)
        # A run closes only after its downloads (or when the spider closes, when nothing starts any more).
        context.runs.on_downloaded = queue.turn_over
        crawl = CrawlQueue(process, crawler, queue, interruption=interruption, context=context)
        gc.freeze()   # Scrapy and the crawler, loaded since the fork: kept for the crawl's life, like the rest
        crawl.run()
        recorder = _recorder(crawler)
        for source in to_run:
            results[source.name] = _result(source, context, queue, crawl.failure, recorder, store)
    for result in results.values():
        result.stopped_by = interruption.signum
    return [results[s.name] for s in sources]


def _start_pool(settings: dict[str, Any], context: CrawlContext, stack: contextlib.ExitStack) -> None:
    """The page pool, its workers forked now: before Scrapy is imported, let alone started, so that they build
    their classifiers while this process loads it (crawler/crawl/page_pool.py). A dry run (`sources test`) works
    in its own process."""
    work = PageWork(build_classifier=context.build_classifier,
                    max_text_chars=int(settings["NEWSDESK_MAX_TEXT_CHARS"]), zone=settings["NEWSDESK_TIMEZONE"])
    workers = 0 if context.dry_run else worker_count(int(settings["NEWSDESK_WORKERS"]))
    # What the process loaded lives as long as it: frozen, the collector no longer walks it at each full
    # collection, here or in the workers (whose memory pages it then stays shared with).
    gc.freeze()
    context.pool = PagePool(work, workers)
    stack.callback(context.pool.close)


def _result(source: Source, context: CrawlContext, queue: SourceQueue, failure: BaseException | None,
            recorder: RunRecorder | None, store: Store | None) -> SourceResult:
    """A source's result, its run's record closed whatever happened: a run that could not begin, one the crawl
    stopped too hard to close itself, one the crawler never reached."""
    run = context.runs.get(source.name)
    if source.name not in queue.started or (run is None and source.name not in queue.failures and failure is None):
        return SourceResult(source, RunTally(), not_run="not run: the crawl was interrupted")
    if run is None:   # it could not begin, or the crawler could not be built
        tally = RunTally()
        reason = could_not_start(queue.failures.get(source.name) or failure)
        tally.error(None, reason)
        if store is not None:
            try:
                store.finish_run(store.start_run(source.name), pages=0, duplicates=0, errors=tally.errors,
                                 summary=reason)
            except StoreError as exc:
                tally.error(None, f"the run could not be recorded: {exc}")
        return SourceResult(source, tally)
    if not run.closed:
        from crawler.crawl.run_stop import SHUTDOWN

        if failure is not None:
            run.tally.error(None, f"could not run: {_one_line(failure)}")
        if recorder is not None:
            recorder.close(run, SHUTDOWN)
    return SourceResult(source, run.tally)


def _not_started(stack: contextlib.ExitStack, home: Home, dry_run: bool, sources: list[Source],
                 error: BaseException) -> list[SourceResult]:
    """Every source failed before the crawler was built: each gets its run record (when the database can
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


def _recorder(crawler) -> RunRecorder | None:
    from crawler.crawl.recorder import RunRecorder

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
    from crawler.crawl.progress import CrawlProgress

    return CrawlProgress.to_stream(stream) if stream.isatty() else None
