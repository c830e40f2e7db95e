"""Opening newsdesk.db for several processes at once, and one write transaction per change."""

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import StoreError

logger = logging.getLogger(__name__)

# The crawler, the CLI and the web UI share one file; a writer waits this long for another.
BUSY_TIMEOUT_SECONDS = 10.0


def open_connection(path: str | os.PathLike, *, readonly: bool = False, durable: bool = True) -> sqlite3.Connection:
    """Connect with the pragmas every user of the file needs; the caller owns transactions.

    durable=False is for a crawl's own writes, which can be fetched again (see below)."""
    target = str(path)
    if readonly:
        if not Path(target).is_file():
            raise StoreError(f"no database at {target}: run a crawl first, or check --home")
        target, uri = Path(target).resolve().as_uri() + "?mode=ro", True
    else:
        uri = target.startswith("file:")
        if target != ":memory:" and not uri:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit BEGINs; writes go through write_transaction().
    try:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, uri=uri)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the database {path}: {error}") from error
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            _use_wal(conn)
        # FULL: a commit is on disk before it is answered, so a power cut cannot take back an editor's
        # decision. A crawl writes one commit per article, and an fsync can take 4 ms on a busy disk:
        # there NORMAL (WAL, no fsync per commit) keeps the file consistent through any crash and loses
        # nothing to a killed process; a power cut may take back its last articles, fetched again next run.
        conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(f"cannot open the database {path}: {error}") from error
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    # A read first, so journal_mode reports the file's mode rather than the default.
    conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    # Switching modes does not wait on the busy handler: another process may be switching
    # this new file at the same moment, so retry until the busy timeout is spent.
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One IMMEDIATE transaction: committed whole or rolled back whole."""
    # IMMEDIATE takes the write lock up front, so a concurrent writer waits on the busy
    # timeout instead of failing when a read-then-write transaction cannot be upgraded.
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise StoreError(
            f"the database is busy ({error}) after waiting {BUSY_TIMEOUT_SECONDS:.0f} s: "
            "another newsdesk process is writing; try again"
        ) from error
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def fetch_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """The rows of a query as dicts keyed by column name."""
    cursor = conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]
