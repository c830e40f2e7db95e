"""The near-duplicate index inside newsdesk.db: each candidate's sampled shingle hashes, found by hash and day.

The rows are written in the transaction that inserts their candidate, so the index can never disagree
with the candidates after a crash. What the hashes are is the caller's business (crawler/); this module
only stores them and answers "which candidates, dated near this day, have this hash".
"""

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from . import clock

logger = logging.getLogger(__name__)

EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Fingerprints:
    """What the index keeps of one text: the sampling level, the sampled hashes (signed 64-bit ints), and
    the size of the text less its template, in shingles (what a comparison with it divides by)."""

    level: int
    hashes: Sequence[int]
    content: int


def story_day(published_at: str | None, first_seen_at: str | None = None) -> int:
    """Days since 1970-01-01 (UTC) of the article's own date; the day it was first seen when it has no
    readable date or a date later than that (a page cannot be published after we fetched it)."""
    seen = _instant(first_seen_at) or clock.now()
    published = _instant(published_at)
    when = published if published is not None and published <= seen else seen
    return when.astimezone(UTC).date().toordinal() - EPOCH_ORDINAL


def _instant(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    # An article date without an offset was read as local time by extraction; any zone is within a day.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def write(conn: sqlite3.Connection, candidate_id: int, day: int, fingerprints: Fingerprints) -> None:
    """Index one candidate; the caller holds the write transaction."""
    conn.execute(
        "INSERT OR REPLACE INTO fingerprinted (candidate_id, cluster_id, level, content, day) "
        "SELECT id, cluster_id, ?, ?, ? FROM candidates WHERE id = ?",
        [fingerprints.level, fingerprints.content, day, candidate_id],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO fingerprints (fingerprint, day, candidate_id) VALUES (?, ?, ?)",
        [(int(value), day, candidate_id) for value in fingerprints.hashes],
    )


def postings(
    conn: sqlite3.Connection, hashes: Iterable[int], first_day: int, last_day: int, per_hash: int
) -> dict[int, list[tuple[int, int]]]:
    """For each hash, up to per_hash (candidate_id, cluster_id) dated first_day..last_day, newest first.

    The cap keeps the cost of a lookup independent of how many articles share a common phrase.
    """
    found: dict[int, list[tuple[int, int]]] = {}
    query = (
        "SELECT f.candidate_id, g.cluster_id FROM fingerprints f "
        "JOIN fingerprinted g ON g.candidate_id = f.candidate_id "
        "WHERE f.fingerprint = ? AND f.day BETWEEN ? AND ? ORDER BY f.day DESC LIMIT ?"
    )
    for value in hashes:
        rows = conn.execute(query, [int(value), first_day, last_day, per_hash]).fetchall()
        if rows:
            found[int(value)] = rows
    return found


def unindexed(conn: sqlite3.Connection, limit: int) -> list[tuple[int, str, str | None, str]]:
    """(id, text, published_at, first_seen_at) of candidates not in the index yet, oldest first."""
    return conn.execute(
        "SELECT c.id, c.text, c.published_at, c.first_seen_at FROM candidates c "
        "WHERE NOT EXISTS (SELECT 1 FROM fingerprinted f WHERE f.candidate_id = c.id) ORDER BY c.id LIMIT ?",
        [limit],
    ).fetchall()
