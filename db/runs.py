"""Crawl runs: one row per run of a source, its counts written as it goes, its outcome decided by one rule.

A run records the process that runs it (pid and start time), so that a run whose process is gone
(killed, crashed, the machine rebooted) is closed as "interrupted" with what it stored, the next time
any command opens the store.
"""

import logging
import sqlite3
from collections.abc import Sequence

import psutil

from .clock import utc_now
from .connection import fetch_rows
from .errors import NotFound, StoreError

logger = logging.getLogger(__name__)

RUN_STATUSES = ("running", "ok", "empty", "failed", "partial", "timed_out", "interrupted")
# Ended on purpose before they were done; they keep what they stored.
CUT_SHORT = ("timed_out", "interrupted")
# A failed run, for backing off and for health: it failed, or it ran out of time having found nothing.
# An interrupted run (we stopped it) neither fails nor succeeds.
FAILED_RUN = "(status = 'failed' OR (status = 'timed_out' AND new + duplicates = 0))"


def run_status(*, new: int, duplicates: int, error_count: int, not_modified: bool = False,
               cut_short: str | None = None) -> str:
    """The one rule for a run's outcome, for its record and for the crawl's summary line.

    cut_short (timed_out, interrupted): the run was ended on purpose before it was done, whatever it yielded.
    Otherwise by what the run yielded (articles new or already stored), not by pages fetched: a feed URL that
    answers with an HTML page was fetched, yet the source failed.
    failed: errors and nothing yielded; partial: errors and something yielded;
    empty: no errors and nothing yielded; ok: no errors and something yielded, or a source that answered
    "not modified since your last visit" (HTTP 304).
    """
    if cut_short is not None:
        if cut_short not in CUT_SHORT:
            raise StoreError(f"unknown way for a run to be cut short {cut_short!r}; "
                             f"use one of: {', '.join(CUT_SHORT)}")
        return cut_short
    yielded = new + duplicates
    if error_count:
        return "partial" if yielded else "failed"
    return "ok" if yielded or not_modified else "empty"


def process_identity(pid: int | None = None) -> str:
    """'pid:start time' of a process (this one by default): a pid alone may be reused after a reboot."""
    process = psutil.Process(pid)
    return f"{process.pid}:{process.create_time():.2f}"


def process_alive(identity: str | None) -> bool:
    """Whether the process named by process_identity() still runs (False for a malformed identity).

    A killed process whose parent died too stays a zombie until something reaps it: it holds nothing."""
    try:
        pid = int(str(identity).split(":", 1)[0])
        return process_identity(pid) == identity and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (ValueError, psutil.Error):
        return False


def start(conn: sqlite3.Connection, source: str) -> int:
    """A new run of source, marked as this process's (inside the caller's transaction)."""
    return conn.execute(
        "INSERT INTO runs (source, started_at, process) VALUES (?, ?, ?) RETURNING id",
        [source, utc_now(), process_identity()],
    ).fetchone()[0]


def progress(conn: sqlite3.Connection, run_id: int, *, pages: int, duplicates: int,
             errors: Sequence[tuple[str | None, str]], notes: Sequence[tuple[str | None, str]] = ()) -> None:
    """Write a running run's counts and its new errors and notes; `new` is counted from the candidates it
    stored. A note (a source that moved, a text cut to size) is worth telling but is not a failure."""
    _check_running(conn, run_id)
    conn.executemany("INSERT INTO run_errors (run_id, url, message, level) VALUES (?, ?, ?, ?)",
                     [(run_id, url, message, "error") for url, message in errors]
                     + [(run_id, url, message, "note") for url, message in notes])
    conn.execute(
        "UPDATE runs SET pages = ?, duplicates = ?, new = (SELECT COUNT(*) FROM candidates WHERE run_id = ?), "
        "error_count = (SELECT COUNT(*) FROM run_errors WHERE run_id = ? AND level = 'error') WHERE id = ?",
        [pages, duplicates, run_id, run_id, run_id],
    )


def finish(conn: sqlite3.Connection, run_id: int, *, pages: int, duplicates: int,
           errors: Sequence[tuple[str | None, str]], summary: str | None, not_modified: bool = False,
           cut_short: str | None = None, notes: Sequence[tuple[str | None, str]] = ()) -> None:
    """Close a run with its final counts and errors not yet written (inside the caller's transaction);
    its status by run_status() on what it stored and the errors it recorded."""
    progress(conn, run_id, pages=pages, duplicates=duplicates, errors=errors, notes=notes)
    new, error_count = conn.execute("SELECT new, error_count FROM runs WHERE id = ?", [run_id]).fetchone()
    status = run_status(new=new, duplicates=duplicates, error_count=error_count, not_modified=not_modified,
                        cut_short=cut_short)
    conn.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                 [utc_now(), status, summary, run_id])


def run_failed(run: dict) -> bool:
    """FAILED_RUN for a run read from the store."""
    return run["status"] == "failed" or (run["status"] == "timed_out" and not run["new"] + run["duplicates"])


def close_orphaned(conn: sqlite3.Connection) -> int:
    """Close as interrupted every running run whose process is gone; returns how many."""
    orphans = [(run_id, process) for run_id, process in
               conn.execute("SELECT id, process FROM runs WHERE status = 'running'")
               if not process_alive(process)]
    for run_id, process in orphans:
        pid = str(process).split(":", 1)[0] if process else "unknown"
        close_cut_short(conn, run_id, "interrupted", f"interrupted: its crawl process (pid {pid}) ended before "
                                                     "the run was closed; what it stored is kept")
    return len(orphans)


def running_of(conn: sqlite3.Connection, process: str) -> list[dict]:
    """The runs the process named (process_identity()) has running: id, source, started_at."""
    return fetch_rows(conn, "SELECT id, source, started_at FROM runs WHERE status = 'running' AND process = ? "
                            "ORDER BY id", [process])


def close_cut_short(conn: sqlite3.Connection, run_id: int, status: str, summary: str) -> None:
    """Close a running run whose process can no longer close it (gone, or killed at a time limit) as cut short
    (timed_out or interrupted), counting what it stored and recording why as its error."""
    if status not in CUT_SHORT:
        raise StoreError(f"a run closed from outside is cut short; use one of: {', '.join(CUT_SHORT)}")
    updated = conn.execute(
        "UPDATE runs SET status = ?, finished_at = ?, new = (SELECT COUNT(*) FROM candidates WHERE run_id = runs.id), "
        "error_count = error_count + 1, summary = ? WHERE id = ? AND status = 'running'",
        [status, utc_now(), summary, run_id],
    ).rowcount
    if updated:
        conn.execute("INSERT INTO run_errors (run_id, url, message, level) VALUES (?, NULL, ?, 'error')",
                     [run_id, summary])


def failure_streak(conn: sqlite3.Connection, source: str) -> tuple[int, str | None, str | None]:
    """(failed runs in a row, when the first of them started, when the last ended) for a source; (0, None, None)
    when its last closed run did not fail. Interrupted runs neither break nor lengthen a streak."""
    count, since, last = conn.execute(
        f"SELECT COUNT(*), MIN(started_at), MAX(finished_at) FROM runs WHERE source = ? AND {FAILED_RUN} AND id > "
        "COALESCE((SELECT MAX(id) FROM runs WHERE source = ? AND status NOT IN ('running', 'interrupted') "
        f"AND NOT {FAILED_RUN}), 0)", [source, source]).fetchone()
    return count, since, last


def new_item_times(conn: sqlite3.Connection, source: str, limit: int) -> list[str]:
    """When the source's latest runs that stored new articles started, newest first."""
    return [row[0] for row in conn.execute(
        "SELECT started_at FROM runs WHERE source = ? AND new > 0 ORDER BY id DESC LIMIT ?", [source, limit])]


def _check_running(conn: sqlite3.Connection, run_id: int) -> None:
    row = conn.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise NotFound(f"no run with id {run_id}")
    if row[0] != "running":
        raise StoreError(f"run {run_id} is closed already ({row[0]}); a closed run is not written again")


def listing(conn: sqlite3.Connection, source: str | None, limit: int) -> list[dict]:
    """Runs newest first (of one source when given), each with its errors and notes."""
    where, params = ("WHERE source = ?", [source]) if source is not None else ("", [])
    return with_messages(conn, fetch_rows(conn, f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?",
                                          [*params, limit]))


def with_messages(conn: sqlite3.Connection, runs: list[dict]) -> list[dict]:
    """Each run with its "errors" and its "notes", [{url, message}] each, in the order they came."""
    found: dict[tuple[int, str], list[dict]] = {}
    if runs:
        marks = ", ".join("?" * len(runs))
        for row in fetch_rows(conn, f"SELECT run_id, level, url, message FROM run_errors WHERE run_id IN ({marks}) "
                                    "ORDER BY id", [run["id"] for run in runs]):
            found.setdefault((row.pop("run_id"), row.pop("level")), []).append(row)
    return [{**run, "errors": found.get((run["id"], "error"), []), "notes": found.get((run["id"], "note"), [])}
            for run in runs]
