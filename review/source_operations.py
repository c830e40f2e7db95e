"""What operators do to sources from the desk: see how each is doing, enable, disable, test, crawl now.

A test or a crawl runs Scrapy, whose reactor runs once per process: both run as `newsdesk` commands in processes
of their own (a test waited for, with a timeout; a crawl started and left to run), never inside the web server.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from crawler.configuration.home import Home
from crawler.configuration.source_status import SourcesReport, sources_health
from crawler.configuration.sources import Source, set_enabled
from crawler.errors import NewsdeskError
from db import Store, clock, source_lock

TEST_TIMEOUT_SECONDS = 120
CRAWL_LOG = "desk-crawls.log"     # in the home: what crawls started from the desk printed


@dataclass(frozen=True)
class DryRun:
    """What `sources test NAME` found: the articles it would queue (title, url, outlet, published_at, state, chars)."""

    source: Source
    previews: list[dict]


def newsdesk_process(home: Home, *arguments: str) -> list[str]:
    """The command line of `newsdesk --home HOME ARGUMENTS` with this Python (the desk's own installation)."""
    return [sys.executable, "-m", "newsdesk", "--home", str(home.path), *arguments]


def source_statuses(home: Home) -> SourcesReport:
    """Every source with its recent runs, those needing an operator (failing, empty, backing off) first."""
    return sources_health(home)


def switch(home: Home, name: str, *, enabled: bool) -> Source:
    return set_enabled(home.require().sources_file, name, enabled)


def dry_run(home: Home, name: str, *, limit: int = 20, timeout: float = TEST_TIMEOUT_SECONDS) -> DryRun:
    """The dry run of `newsdesk sources test NAME`: writes nothing, marks nothing as seen."""
    source = home.sources().get(name)
    try:
        done = subprocess.run(newsdesk_process(home, "sources", "test", name, "--json", "--limit", str(limit)),
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise NewsdeskError(f"the test of {name} took longer than {timeout:.0f} s and was stopped; run "
                            f"`newsdesk sources test {name}` in a terminal to watch it") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["it printed nothing"]
        raise NewsdeskError(f"the test of {name} failed: {lines[-1].removeprefix('error: ')}")
    return DryRun(source, [json.loads(line) for line in done.stdout.splitlines() if line.strip()])


def crawl_now(home: Home, name: str) -> str:
    """Start `newsdesk crawl --source NAME` in the background (it takes the source's lock like every crawl); its
    run appears in the source's runs. Returns what was done, for the operator."""
    source = home.sources().get(name)
    if not source.enabled:
        raise NewsdeskError(f"source '{name}' is disabled; enable it first")
    with Store(home.database) as store:
        holder = store.crawl_locks().get(source_lock(name))
    if holder is not None:
        return (f"{name} is being crawled already (pid {holder[0]}, since "
                f"{clock.local_time(holder[1], home.sections().timezone)}); its run appears below when it is done")
    log_path: Path = home.path / CRAWL_LOG
    with open(log_path, "ab") as log:
        # A session of its own: the crawl outlives a restart of the desk and is not hit by the desk's Ctrl-C.
        process = subprocess.Popen(newsdesk_process(home, "crawl", "--source", name), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # Reaped when it ends, so that a long-running desk leaves no zombie processes behind.
    threading.Thread(target=process.wait, name=f"crawl {name}", daemon=True).start()
    return f"started a crawl of {name}; its run appears below when it begins (reload the page)"
