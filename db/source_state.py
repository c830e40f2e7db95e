"""What a source asked of us that outlives a run: to be left alone until a time (Retry-After)."""

import sqlite3

from .clock import utc_now


def set_backoff(conn: sqlite3.Connection, source: str, until: str, reason: str) -> None:
    """Leave source alone until `until` (ISO 8601 with offset), for `reason` (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO source_state (source, backoff_until, backoff_reason, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET backoff_until = excluded.backoff_until, "
        "backoff_reason = excluded.backoff_reason, updated_at = excluded.updated_at",
        [source, until, reason, utc_now()],
    )


def backoffs(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """{source: (until, reason)} for every source to be left alone still, by the clock's now."""
    rows = conn.execute(
        "SELECT source, backoff_until, backoff_reason FROM source_state "
        "WHERE backoff_until IS NOT NULL AND julianday(backoff_until) > julianday(?)",
        [utc_now()],
    )
    return {source: (until, reason) for source, until, reason in rows}
