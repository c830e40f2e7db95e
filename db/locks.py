"""Locks in the database: a source (or a site) is crawled by one process at a time, whichever started it.

A lock names its holder as process_identity() ("pid:start time"); a lock whose holder is gone (killed, crashed,
the machine rebooted) is free, so nothing is ever left locked. A process takes the locks of all the sources it
will crawl, and their sites', in one transaction, and frees them all when it is done.
"""

import sqlite3
from dataclasses import dataclass, field

from .clock import utc_now
from .runs import process_alive, process_identity


@dataclass
class Claim:
    """What a claim got: the sources now ours; those another live process is crawling (source -> (the lock, its
    holder's pid, since when)); those not due yet (source -> due_at)."""

    claimed: list[str] = field(default_factory=list)
    busy: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    not_due: dict[str, str] = field(default_factory=dict)


def source_lock(source: str) -> str:
    return f"source:{source}"


def site_lock(site: str) -> str:
    return f"site:{site}"


def claim(conn: sqlite3.Connection, sites: dict[str, str], *, due_by: str | None = None) -> Claim:
    """Lock each source of {source: its site} and its site for this process, inside the caller's transaction.
    A source is skipped when another live process holds its lock or its site's; with due_by (UTC ISO 8601),
    also when it is not due by then (read under the same lock, so two crawls never both find it due)."""
    me = process_identity()
    holders = {name: (holder, taken_at) for name, holder, taken_at in conn.execute(
        "SELECT name, holder, taken_at FROM crawl_locks")}
    due = {source: due_at for source, due_at in conn.execute("SELECT source, due_at FROM source_state")}
    result = Claim()
    for source, site in sites.items():
        names = (source_lock(source), site_lock(site))
        taken = next(((name, *holders[name]) for name in names
                      if name in holders and holders[name][0] != me and process_alive(holders[name][0])), None)
        if taken is not None:
            name, holder, since = taken
            result.busy[source] = (name, holder.split(":", 1)[0], since)
            continue
        if due_by is not None and due.get(source) is not None and due[source] > due_by:
            result.not_due[source] = due[source]
            continue
        now = utc_now()
        for name in names:
            conn.execute("INSERT INTO crawl_locks (name, holder, taken_at) VALUES (?, ?, ?) ON CONFLICT (name) "
                         "DO UPDATE SET holder = excluded.holder, taken_at = excluded.taken_at "
                         "WHERE crawl_locks.holder != excluded.holder", [name, me, now])
            holders[name] = (me, now)
        result.claimed.append(source)
    return result


def release(conn: sqlite3.Connection, holder: str | None = None) -> int:
    """Free every lock of a process (this one by default); returns how many."""
    return conn.execute("DELETE FROM crawl_locks WHERE holder = ?", [holder or process_identity()]).rowcount


def held(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """{lock name: (holder's pid, since when)} of the locks whose holder is alive."""
    return {name: (holder.split(":", 1)[0], taken_at) for name, holder, taken_at in
            conn.execute("SELECT name, holder, taken_at FROM crawl_locks ORDER BY name") if process_alive(holder)}
