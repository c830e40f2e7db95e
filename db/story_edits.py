"""Editors' corrections of the clustering: split a copy out of its story, merge two stories; each logged.

A crawl never moves a stored candidate to another story (a new one joins a story, nothing more), so
what an editor split or merged stays that way; story_edits keeps who did what, append-only.
"""

import logging
import sqlite3

from .clock import utc_now
from .errors import NotFound, StoreError

logger = logging.getLogger(__name__)


def _cluster_of(conn: sqlite3.Connection, candidate_id: int) -> int:
    row = conn.execute("SELECT cluster_id FROM candidates WHERE id = ?", [candidate_id]).fetchone()
    if row is None:
        raise NotFound(f"no candidate with id {candidate_id}")
    return row[0]


def split(conn: sqlite3.Connection, candidate_id: int, actor: str) -> dict:
    """Make the candidate a story of its own; the caller holds the write transaction."""
    old = _cluster_of(conn, candidate_id)
    others = [row[0] for row in conn.execute(
        "SELECT id FROM candidates WHERE cluster_id = ? AND id != ? ORDER BY id", [old, candidate_id]
    )]
    if not others:
        raise StoreError(f"candidate {candidate_id} is a story of its own already; nothing to split")
    now = utc_now()
    if old == candidate_id:
        # The story was named after this copy: the copies that stay take the lowest remaining id.
        conn.execute("UPDATE candidates SET cluster_id = ?, updated_at = ? WHERE cluster_id = ? AND id != ?",
                     [others[0], now, old, candidate_id])
        remaining = others[0]
    else:
        conn.execute("UPDATE candidates SET cluster_id = ?, updated_at = ? WHERE id = ?",
                     [candidate_id, now, candidate_id])
        remaining = old
    _log(conn, "split", candidate_id, others[0], old, candidate_id, 1, actor, now)
    return {"candidate_id": candidate_id, "story": candidate_id, "left_story": remaining, "copies_left": len(others)}


def merge(conn: sqlite3.Connection, candidate_id: int, other_id: int, actor: str) -> dict:
    """Fold other_id's story into candidate_id's; the caller holds the write transaction."""
    into, old = _cluster_of(conn, candidate_id), _cluster_of(conn, other_id)
    if into == old:
        raise StoreError(f"candidates {candidate_id} and {other_id} are in one story already (story {into})")
    now = utc_now()
    moved = conn.execute("UPDATE candidates SET cluster_id = ?, updated_at = ? WHERE cluster_id = ?",
                         [into, now, old]).rowcount
    _log(conn, "merge", candidate_id, other_id, old, into, moved, actor, now)
    copies = conn.execute("SELECT COUNT(*) FROM candidates WHERE cluster_id = ?", [into]).fetchone()[0]
    return {"story": into, "moved": moved, "copies": copies}


def _log(conn: sqlite3.Connection, action: str, candidate_id: int, other_id: int, old_cluster: int,
         new_cluster: int, moved: int, actor: str, at: str) -> None:
    conn.execute(
        "INSERT INTO story_edits (action, candidate_id, other_id, old_cluster_id, new_cluster_id, moved, "
        "actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [action, candidate_id, other_id, old_cluster, new_cluster, moved, actor, at],
    )
