"""The desk's editors: their accounts (name, password hash, enabled) and their failed sign-ins, dated."""

import sqlite3
from datetime import datetime, timedelta

from .clock import utc_now
from .connection import fetch_rows
from .errors import NotFound, StoreError

USER_FIELDS = ("id", "name", "password_hash", "enabled", "version", "created_at", "updated_at", "last_login_at")
# Failed sign-ins older than this are of no use to any rate limit: pruned as new ones are written.
KEEP_FAILURES = timedelta(days=1)


def add(conn: sqlite3.Connection, name: str, password_hash: str) -> dict:
    """A new enabled account; a name taken already is refused (the caller's transaction)."""
    if conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise StoreError(f"an editor named '{name}' exists already; change the password with "
                         f"`newsdesk users passwd {name}`")
    now = utc_now()
    conn.execute("INSERT INTO users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
                 [name, password_hash, now, now])
    return get(conn, name)


def get(conn: sqlite3.Connection, name: str) -> dict:
    rows = fetch_rows(conn, f"SELECT {', '.join(USER_FIELDS)} FROM users WHERE name = ?", [name])
    if not rows:
        raise NotFound(f"no editor named '{name}'; see `newsdesk users list`")
    return rows[0]


def listing(conn: sqlite3.Connection) -> list[dict]:
    return fetch_rows(conn, f"SELECT {', '.join(USER_FIELDS)} FROM users ORDER BY name")


def update(conn: sqlite3.Connection, name: str, **fields) -> dict:
    """Change password_hash and/or enabled; bumps the account's version, which ends its sessions."""
    get(conn, name)
    assignments = ", ".join(f"{column} = ?" for column in fields)
    conn.execute(f"UPDATE users SET {assignments}, version = version + 1, updated_at = ? WHERE name = ?",
                 [*fields.values(), utc_now(), name])
    return get(conn, name)


def record_login(conn: sqlite3.Connection, name: str, password_hash: str | None = None) -> None:
    """A successful sign-in (and the hash upgraded to the KDF's current parameters, when given)."""
    conn.execute("UPDATE users SET last_login_at = ?, password_hash = COALESCE(?, password_hash) WHERE name = ?",
                 [utc_now(), password_hash, name])


def record_failure(conn: sqlite3.Connection, name: str, address: str) -> None:
    now = utc_now()
    cutoff = (datetime.fromisoformat(now) - KEEP_FAILURES).isoformat(timespec="seconds")
    conn.execute("DELETE FROM login_failures WHERE at < ?", [cutoff])
    conn.execute("INSERT INTO login_failures (name, address, at) VALUES (?, ?, ?)", [name, address, now])


def failures(conn: sqlite3.Connection, *, name: str, name_since: str, address: str, address_since: str
             ) -> tuple[int, int]:
    """(failed sign-ins as name after name_since, failed sign-ins from address after address_since)."""
    by_name = conn.execute("SELECT COUNT(*) FROM login_failures WHERE name = ? AND at > ?",
                           [name, name_since]).fetchone()[0]
    by_address = conn.execute("SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?",
                              [address, address_since]).fetchone()[0]
    return by_name, by_address
