"""The scheduler daemon's row: which process runs it, since when, its last heartbeat; one daemon per home."""

import sqlite3

from .clock import utc_now
from .connection import fetch_rows
from .errors import StoreError
from .runs import process_alive, process_identity


def take(conn: sqlite3.Connection, note: str) -> None:
    """Record this process as the home's scheduler, inside the caller's transaction; refused while another
    live process is it."""
    rows = fetch_rows(conn, "SELECT process, started_at, stopped_at FROM scheduler WHERE id = 1")
    me = process_identity()
    if rows and rows[0]["stopped_at"] is None and rows[0]["process"] != me and process_alive(rows[0]["process"]):
        pid = rows[0]["process"].split(":", 1)[0]
        raise StoreError(f"a scheduler is running for this home already (pid {pid}, since {rows[0]['started_at']}); "
                         f"stop it first (kill {pid}, or systemctl stop newsdesk-schedule)")
    now = utc_now()
    conn.execute("INSERT OR REPLACE INTO scheduler (id, process, started_at, beat_at, stopped_at, note) "
                 "VALUES (1, ?, ?, ?, NULL, ?)", [me, now, now, note])


def beat(conn: sqlite3.Connection, note: str, *, stopped: bool = False) -> None:
    """This scheduler's heartbeat and what it is doing (stopped: its last one)."""
    conn.execute("UPDATE scheduler SET beat_at = ?, note = ?, stopped_at = ? WHERE id = 1 AND process = ?",
                 [utc_now(), note, utc_now() if stopped else None, process_identity()])


def state(conn: sqlite3.Connection) -> dict | None:
    """The scheduler's row (process, started_at, beat_at, stopped_at, note) and whether it runs ("running"),
    None when no scheduler ever ran for this home."""
    rows = fetch_rows(conn, "SELECT process, started_at, beat_at, stopped_at, note FROM scheduler WHERE id = 1")
    if not rows:
        return None
    row = rows[0]
    return {**row, "pid": row["process"].split(":", 1)[0],
            "running": row["stopped_at"] is None and process_alive(row["process"])}
