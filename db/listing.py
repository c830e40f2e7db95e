"""What the queue lists and sorts by, kept on each story: its representative and what it counts.

Refreshed in the transaction of every write that changes a story's copies or their verdicts (a copy
stored, a split, a merge, the classifier's new verdict), so the queue reads one row per story from an
index instead of ranking every copy of every story on each request.
"""

import logging
import sqlite3

from .clusters import REPRESENTATIVE_ORDER

logger = logging.getLogger(__name__)


def refresh(conn: sqlite3.Connection, story_id: int) -> None:
    """Recompute the story's representative, copies, outlets and sort keys from its copies."""
    representative = conn.execute(
        "SELECT id, source, relevance, section_confidence, julianday(published_at) FROM candidates "
        f"WHERE cluster_id = ? ORDER BY {REPRESENTATIVE_ORDER} LIMIT 1",
        [story_id],
    ).fetchone()
    copies, outlets = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT source || char(31) || COALESCE(outlet, '')) FROM candidates "
        "WHERE cluster_id = ?",
        [story_id],
    ).fetchone()
    id, source, relevance, confidence, day = representative or (None, None, None, None, None)
    conn.execute(
        "UPDATE stories SET representative_id = ?, copies = ?, outlets = ?, sort_day = ?, relevance = ?, "
        "confidence = ?, source = ? WHERE id = ?",
        [id, copies, outlets, -1 if day is None else day, -1 if relevance is None else relevance, confidence,
         source, story_id],
    )
