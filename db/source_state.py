"""What outlives a source's run: to be left alone until a time (its site asked, or it keeps failing), and when it
is due next (the schedule scheduler/ computes, kept here so that it survives a restart)."""

import sqlite3

from .clock import utc_now
from .connection import fetch_rows

SCHEDULE_FIELDS = ("slot_at", "due_at", "retry_at", "retry_reason", "schedule")


def set_backoff(conn: sqlite3.Connection, source: str, until: str, reason: str) -> None:
    """Leave source alone until `until` (ISO 8601 with offset), for `reason` (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO source_state (source, backoff_until, backoff_reason, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET backoff_until = excluded.backoff_until, "
        "backoff_reason = excluded.backoff_reason, updated_at = excluded.updated_at",
        [source, until, reason, utc_now()],
    )


def backoffs(conn: sqlite3.Connection, *, scheduled: bool = False) -> dict[str, tuple[str, str]]:
    """{source: (until, reason)} for every source to be left alone still, by the clock's now: the one rule for
    both kinds of backoff. A site's request (Retry-After) holds for every crawl; a failing source's wait before
    its next try holds for scheduled crawls (the daemon's, `crawl --due`): a crawl someone asks for tries it now.
    When both hold, the later one is given."""
    now = utc_now()
    found: dict[str, tuple[str, str]] = {}
    kinds = [("backoff_until", "backoff_reason")] + ([("retry_at", "retry_reason")] if scheduled else [])
    for until_column, reason_column in kinds:
        for source, until, reason in conn.execute(
            f"SELECT source, {until_column}, {reason_column} FROM source_state "
            f"WHERE {until_column} IS NOT NULL AND julianday({until_column}) > julianday(?)", [now]):
            if source not in found or until > found[source][0]:
                found[source] = (until, reason)
    return found


def schedule_states(conn: sqlite3.Connection) -> dict[str, dict]:
    """{source: {slot_at, due_at, retry_at, retry_reason, schedule, backoff_until, backoff_reason}} of every
    source with a state (times UTC ISO 8601; a source never scheduled has due_at None)."""
    return {row.pop("source"): row for row in fetch_rows(
        conn, f"SELECT source, {', '.join(SCHEDULE_FIELDS)}, backoff_until, backoff_reason FROM source_state")}


def save_schedule(conn: sqlite3.Connection, source: str, **fields: str | None) -> None:
    """Write a source's schedule state (the SCHEDULE_FIELDS given), inside the caller's transaction."""
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValueError(f"not a schedule field: {', '.join(sorted(unknown))}")
    columns = list(fields)
    conn.execute(
        f"INSERT INTO source_state (source, {', '.join(columns)}, updated_at) "
        f"VALUES (?, {', '.join('?' * len(columns))}, ?) ON CONFLICT (source) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in [*columns, "updated_at"]),
        [source, *fields.values(), utc_now()],
    )
