"""One crawl process started by the scheduler: `newsdesk crawl --due --source ...`, watched until it ends, stopped
when the scheduler stops, and killed when one of its runs passes the hard time limit (the run is then recorded as
timed out). A crash inside it cannot reach the scheduler: it is another process."""

from __future__ import annotations

import logging
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

import psutil

from crawler.configuration.home import Home
from db import Store, StoreError, process_identity
from scheduler.launch import crawl_command, crawl_environment

logger = logging.getLogger(__name__)

# How often the process and its runs are looked at.
POLL_SECONDS = 0.5
# After SIGTERM a crawl stops within seconds (its runs close as interrupted); one that has not after this long
# is killed.
STOP_WAIT_SECONDS = 10.0
# A run gets max_run_minutes (Scrapy then closes it as timed_out), and this much more to close, before its process
# is killed: a quarter of its time, at least a few seconds.
GRACE_SHARE = 0.25
GRACE_MINIMUM_SECONDS = 5.0


def hard_limit(settings: dict[str, Any]) -> float | None:
    """Seconds a run may last before its crawl process is killed; None when max_run_minutes is 0 (no limit)."""
    seconds = float(settings["max_run_minutes"]) * 60
    return seconds + max(GRACE_MINIMUM_SECONDS, seconds * GRACE_SHARE) if seconds else None


@dataclass
class Ended:
    """How a crawl process ended: its exit status, why we killed it (None if we did not), its last error line."""

    returncode: int
    killed: str | None
    error: str
    stopped: bool = False      # we asked it to stop (SIGTERM)

    @property
    def crashed(self) -> bool:
        """It ended by itself without a clean exit (0, or 1 when a source failed): a crash, said in the log."""
        return not self.killed and not self.stopped and self.returncode not in (0, 1)


def run_crawl_process(home: Home, names: list[str], *, config, limit: float | None,
                      stopping: threading.Event) -> Ended:
    """Crawl the sources named (those due among them) in a process of their own, until it ends."""
    arguments = ["crawl", "--due", *(f"--source={name}" for name in names)]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(crawl_command(home, arguments), env=crawl_environment(config),
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            killed = _watch(home, child, limit, stopping)
        finally:
            if child.poll() is None:   # the scheduler itself failed while watching: leave nothing behind
                child.kill()
                child.wait()
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return Ended(child.returncode, killed, lines[-1].strip() if lines else "", stopping.is_set())


def _watch(home: Home, child: subprocess.Popen, limit: float | None, stopping: threading.Event) -> str | None:
    try:
        identity = process_identity(child.pid)
    except psutil.Error:   # it ended already
        identity = None
    first_seen: dict[int, float] = {}
    asked_to_stop_at = None
    with Store(home.database) as store:
        while child.poll() is None:
            time.sleep(POLL_SECONDS)
            if stopping.is_set() and asked_to_stop_at is None:
                child.send_signal(signal.SIGTERM)
                asked_to_stop_at = time.monotonic()
            if asked_to_stop_at is not None and time.monotonic() - asked_to_stop_at > STOP_WAIT_SECONDS:
                return _kill(store, child, identity, None, "the scheduler was stopping")
            if limit is None or identity is None:
                continue
            for run in _running(store, identity):
                seen = first_seen.setdefault(run["id"], time.monotonic())
                if time.monotonic() - seen > limit:
                    return _kill(store, child, identity, run, f"the run of {run['source']} passed the hard time "
                                                              f"limit ({limit:.0f} s)")
    return None


def _running(store: Store, identity: str) -> list[dict]:
    try:
        return store.running_runs_of(identity)
    except StoreError as error:   # a busy database: look again next time
        logger.debug("reading the crawl's runs: %s", error)
        return []


def _kill(store: Store, child: subprocess.Popen, identity: str | None, culprit: dict | None, why: str) -> str:
    """Kill the crawl process and close its runs: the one past its limit as timed out, the others interrupted."""
    child.kill()
    child.wait()
    if identity is not None:
        closing = {}
        for run in store.running_runs_of(identity):
            if culprit is not None and run["id"] == culprit["id"]:
                closing[run["id"]] = ("timed_out", f"timed out: {why}; its crawl process (pid {child.pid}) was "
                                                   "killed; what it stored is kept")
            else:
                closing[run["id"]] = ("interrupted", f"interrupted: its crawl process (pid {child.pid}) was "
                                                     f"killed because {why}; what it stored is kept")
        store.close_cut_short(closing)
    return why
