"""Crawls that keep to the schedule and the locks: `newsdesk crawl` (every source, or those named), `crawl --due`
(those due: cron's and the daemon's), and the desk's "crawl now" (a crawl of one source in a process of its own).

Every crawl locks its sources and their sites in the database before it starts, so that no source (and no site)
is ever crawled by two processes at once, and moves each source's schedule on when its run is done.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass

from crawler.configuration.home import Home
from crawler.crawl.items import RunTally
from crawler.crawl.progress import CrawlProgress
from crawler.crawl.runner import SourceResult, run_crawl, select_sources
from crawler.errors import NewsdeskError
from crawler.formats.canonical import site_of
from db import Claim, Store, clock, source_lock
from scheduler.due import iso
from scheduler.launch import crawl_command, crawl_environment
from scheduler.plan import Plan, move_on, sync


def crawl(home: Home, names: list[str] | None = None, *, due: bool = False, progress: CrawlProgress | None = None,
          log_level: str = "CRITICAL") -> list[SourceResult]:
    """Crawl the sources named (every enabled one without names); with due, only those whose time has come.

    A source another process is crawling (it, or another source of its site) is not run, and says so; a due
    crawl leaves out, silently, the sources not due. Each source that ran gets its next due time.
    """
    chosen = select_sources(home, names)
    plan = Plan.read(home)
    with Store(home.database) as store:
        sync(store, plan, clock.now())
        claim = store.claim_sources({s.name: site_of(s.url) for s in chosen},
                                    due_by=iso(clock.now()) if due else None)
    if not claim.claimed:   # nothing to do: not even Scrapy and the classifier are loaded
        return [result for result in _busy_results(chosen, claim, plan.zone).values()]
    try:
        ran = run_crawl(home, [s for s in chosen if s.name in claim.claimed], progress=progress,
                        log_level=log_level, scheduled=due)
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


@dataclass(frozen=True)
class CrawlNow:
    """What asking for a crawl now did: started (with the crawl's pid), or not, and a line saying so."""

    started: bool
    message: str
    pid: int | None = None


def crawl_now(home: Home, name: str) -> CrawlNow:
    """Crawl one source now, in a process of its own that outlives the caller (the desk's "crawl now"): the same
    `newsdesk crawl --source NAME` an operator types, taking the source's lock like every crawl. Returns at once;
    the run shows in the source's runs and health when it is done."""
    source = home.sources().get(name)
    if not source.enabled:
        raise NewsdeskError(f"source '{name}' is disabled; run `newsdesk sources enable {name}` first")
    with Store(home.database) as store:
        holder = store.crawl_locks().get(source_lock(name))
    if holder is not None:
        return CrawlNow(False, f"{name} is being crawled already (pid {holder[0]}, since "
                               f"{clock.local_time(holder[1], home.sections().timezone)})")
    process = subprocess.Popen(crawl_command(home, ["crawl", "--source", name]), env=crawl_environment(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    # Reaped when it ends, so that a long-lived caller (the desk) leaves no zombie behind.
    threading.Thread(target=process.wait, name=f"crawl-now-{name}", daemon=True).start()
    return CrawlNow(True, f"crawling {name} now (pid {process.pid}); its run shows in `newsdesk sources health` "
                          "when it is done", process.pid)
