"""Crawls that keep to the schedule and the locks: `newsdesk crawl` (every source, or those named), `crawl --due`
(those due: cron's and the daemon's).

Every crawl locks its sources and their sites in the database before it starts, so that no source (and no site)
is ever crawled by two processes at once, and moves each source's schedule on when its run is done.
"""

from __future__ import annotations

from crawler.configuration.home import Home
from crawler.configuration.shards import in_shard
from crawler.crawl.items import RunTally
from crawler.crawl.progress import CrawlProgress
from crawler.crawl.runner import SourceResult, run_crawl, select_sources
from crawler.formats.canonical import site_of
from db import Claim, Store, clock, source_lock
from scheduler.due import iso
from scheduler.plan import Plan, move_on, sync


def crawl(home: Home, names: list[str] | None = None, *, due: bool = False, shard: tuple[int, int] | None = None,
          progress: CrawlProgress | None = None, log_level: str = "CRITICAL") -> list[SourceResult]:
    """Crawl the sources named (every enabled one without names); with due, only those whose time has come.

    A source another process is crawling (it, or another source of its site) is not run, and says so; a due
    crawl leaves out, silently, the sources not due; a shard (i, N) keeps the sources whose site hashes to it.
    Each source that ran gets its next due time.
    """
    config, newsletter = home.sources(), home.sections()   # read once: 10,000 sources take a second to parse
    chosen = in_shard(select_sources(config, names), shard)
    plan = Plan.of(config, newsletter)
    with Store(home.database) as store:
        sync(store, plan, clock.now())
        claim = store.claim_sources({s.name: site_of(s.url) for s in chosen},
                                    due_by=iso(clock.now()) if due else None)
    if not claim.claimed:   # nothing to do: not even Scrapy and the classifier are loaded
        return [result for result in _busy_results(chosen, claim, plan.zone).values()]
    try:
        ran = run_crawl(home, [s for s in chosen if s.name in claim.claimed], config=config, newsletter=newsletter,
                        progress=progress, log_level=log_level, scheduled=due)
        with Store(home.database) as store:
            # Sources not reached because a signal stopped the crawl stay due; the others move on.
            move_on(store, plan, [r.source.name for r in ran if r.not_run is None or r.stopped_by is None],
                    clock.now())
    finally:
        with Store(home.database) as store:
            store.release_claims()
    by_name = {r.source.name: r for r in ran} | _busy_results(chosen, claim, plan.zone)
    return [by_name[s.name] for s in chosen if s.name in by_name]


def _busy_results(chosen, claim: Claim, zone: str) -> dict[str, SourceResult]:
    results = {}
    for source in chosen:
        if source.name in claim.busy:
            lock, pid, since = claim.busy[source.name]
            what = "it" if lock == source_lock(source.name) else f"its site {lock.split(':', 1)[1]}"
            results[source.name] = SourceResult(source, RunTally(), not_run=(
                f"not run: another crawl (pid {pid}) has been crawling {what} since "
                f"{clock.local_time(since, zone)}; it is tried again next time"))
    return results
