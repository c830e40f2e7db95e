"""Run a crawl of some sources in this process: one Scrapy crawler per source, one store, one summary.

Scrapy's reactor cannot restart in a process, so this runs once per process; the scheduler starts a
`newsdesk crawl` subprocess for each crawl.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TextIO

from scrapy.crawler import CrawlerProcess

from crawler.canonical import site_of
from crawler.classify.pipeline import home_classifier
from crawler.config import Source
from crawler.crawl_progress import CrawlProgress
from crawler.errors import NewsdeskError
from crawler.home import Home
from crawler.items import RunTally
from crawler.settings import scrapy_settings
from crawler.shared_store import close_stores
from db import Store
from db.runs import run_status

logger = logging.getLogger(__name__)


@dataclass
class SourceResult:
    source: Source
    tally: RunTally

    @property
    def status(self) -> str:
        if self.tally.not_modified and not self.tally.errors:
            return "ok"
        return run_status(new=self.tally.new, duplicates=self.tally.duplicates,
                          error_count=len(self.tally.errors))


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
              progress: CrawlProgress | None = None, log_level: str = "CRITICAL") -> list[SourceResult]:
    """Crawl the sources (concurrently, politely) and return what each run did.

    Scrapy's own log stays quiet unless asked for (-v): every failure is in the run records and the summary.
    """
    config = home.sources()
    newsletter = home.sections()  # a broken sections.yaml stops the crawl here, with its one-line error
    if progress is not None:
        progress.loading(str(newsletter.classifier["encoder"]))
    _load_classifier(home, dry_run)  # so does a named encoder that is not installed
    settings = scrapy_settings(config.settings)
    settings["LOG_LEVEL"] = log_level
    if max_items is not None:
        settings["NEWSDESK_MAX_ITEMS"] = max_items
    settings["NEWSDESK_DATABASE"] = str(home.database)
    settings["NEWSDESK_DRY_RUN"] = dry_run
    process = CrawlerProcess(settings)
    crawlers = []
    if progress is not None:
        progress.starting(len(sources))
    for source in sources:
        crawler = process.create_crawler(source.kind)
        if progress is not None:
            progress.watch(crawler)
        crawlers.append((source, crawler))
    try:
        failures = _start_by_site(process, crawlers, int(config.settings["max_sites_at_once"]))
        process.start()
    finally:
        close_stores()
    return [SourceResult(source, _tally(crawler, failures.get(id(crawler)))) for source, crawler in crawlers]


def _load_classifier(home: Home, dry_run: bool) -> None:
    """Build the run's classifier before any source starts (its crawlers share it), retrained first when enough
    editor decisions are waiting; in a real crawl, create and migrate the database before crawlers share it."""
    if dry_run:
        home_classifier(home.path)
        return
    with Store(home.database) as store:
        home_classifier(home.path, store, may_train=True)


def _start_by_site(process: CrawlerProcess, crawlers: list, sites_at_once: int) -> dict[int, str]:
    """Sources of one site run one after another, so per-domain limits hold across sources;
    different sites run side by side, a few at a time. Returns, filled in as crawls end, why a
    crawler failed to run (by id of the crawler)."""
    failures: dict[int, str] = {}
    by_site: dict[str, deque] = defaultdict(deque)
    for source, crawler in crawlers:
        by_site[site_of(source.url)].append((source, crawler))
    waiting = deque(by_site.values())

    def run(site: deque) -> None:
        if not site:
            if waiting:
                run(waiting.popleft())
            return
        source, crawler = site.popleft()
        crawl = process.crawl(crawler, source=source)
        crawl.addErrback(lambda failure: failures.setdefault(
            id(crawler), f"could not run: {type(failure.value).__name__}: {failure.value}"))
        crawl.addBoth(lambda _: run(site))

    for _ in range(min(sites_at_once, len(waiting))):
        run(waiting.popleft())
    return failures


def _tally(crawler, failure: str | None) -> RunTally:
    spider = getattr(crawler, "spider", None)
    tally = spider.tally if spider is not None else RunTally()
    if failure:
        tally.error(None, failure)
    return tally


def summary_lines(results: list[SourceResult]) -> list[str]:
    """One line per source, then its errors indented beneath it."""
    if not results:
        return ["no sources to crawl; add one with `newsdesk sources add`"]
    width = max(len(r.source.name) for r in results)
    lines = [f"{'source':<{width}}  {'kind':<8} {'status':<8} {'pages':>5} {'new':>5} {'dup':>5} {'errors':>6}"]
    for result in results:
        t = result.tally
        lines.append(f"{result.source.name:<{width}}  {result.source.kind:<8} {result.status:<8} "
                     f"{t.pages:>5} {t.new:>5} {t.duplicates:>5} {len(t.errors):>6}")
        for url, message in t.errors[:10]:
            lines.append(f"    ! {url + ': ' if url else ''}{message}")
        if len(t.errors) > 10:
            lines.append(f"    ! ... and {len(t.errors) - 10} more (see `newsdesk sources health`)")
    return lines


def exit_code(results: list[SourceResult]) -> int:
    """Non-zero when a source failed outright, so cron and monitors notice; the others still ran."""
    return 1 if any(r.status == "failed" for r in results) else 0


def configure_progress(stream: TextIO = sys.stderr) -> CrawlProgress | None:
    """A line per source and per article on a terminal; nothing for cron (the summary says it all)."""
    return CrawlProgress.to_stream(stream) if stream.isatty() else None
