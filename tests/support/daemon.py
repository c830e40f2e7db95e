"""The scheduler daemon run for real in tests: started as an operator starts it, its runs read from the store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import REPO

# A failsafe, not a measure: a daemon test waits for what it expects for at most this long, then fails.
PATIENCE_SECONDS = 180


def start_daemon(home: Path) -> subprocess.Popen:
    """`newsdesk --home HOME schedule` in a session of its own (its crawl processes in its process group), on the
    real clock: the daemon refuses a fixed NEWSDESK_NOW, as time must pass for it."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDESK_HOME", "NEWSDESK_NOW")}
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "schedule"], cwd=REPO,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def stop_daemon(daemon: subprocess.Popen) -> str:
    """SIGTERM, as systemd stops it; returns its log (stderr) once it has exited."""
    daemon.send_signal(signal.SIGTERM)
    _, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    return log


def kill_daemon_group(daemon: subprocess.Popen) -> None:
    """kill -9 of the daemon and the crawl processes it started (a power cut, an OOM kill of the unit)."""
    os.killpg(daemon.pid, signal.SIGKILL)
    daemon.communicate(timeout=PATIENCE_SECONDS)


def runs(home: Path) -> list[dict]:
    """Every run in the store, oldest first, read without writing (the daemon's crawls write meanwhile)."""
    return rows(home, "SELECT * FROM runs ORDER BY id")


def rows(home: Path, sql: str, parameters: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(f"file:{home / 'newsdesk.db'}?mode=ro", uri=True, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, parameters)]
    finally:
        conn.close()


def wait_for(daemon: subprocess.Popen, home: Path, done: Callable[[list[dict]], bool]) -> list[dict]:
    """Poll the store's runs until done(runs) holds; fail with the daemon's log if it exits or takes too long."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        if (home / "newsdesk.db").exists():
            current = runs(home)
            if done(current):
                return current
        if daemon.poll() is not None:
            raise AssertionError(f"the daemon exited ({daemon.returncode}): {daemon.communicate()[1]}")
        time.sleep(0.3)
    log = stop_daemon(daemon)
    raise AssertionError(f"not seen within {PATIENCE_SECONDS} s; runs: {runs(home)}\n{log}")


def of(all_runs: list[dict], source: str) -> list[dict]:
    return [run for run in all_runs if run["source"] == source]


def closed(all_runs: list[dict], source: str) -> list[dict]:
    return [run for run in of(all_runs, source) if run["status"] != "running"]


def real_clock_cli(*args: str) -> "subprocess.CompletedProcess[str]":
    """`newsdesk ARGS` on the real clock, as the daemon runs: commands beside it see the times it writes."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDESK_HOME", "NEWSDESK_NOW")}
    return subprocess.run([sys.executable, "-m", "newsdesk.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=PATIENCE_SECONDS)
