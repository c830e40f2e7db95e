"""Editors' decisions read back as labels for the classifier, and the classifier's verdicts written down.

A label is a decided story, read through its representative copy's text. The classifier writes a
verdict only on a story no editor has decided and that nothing changed since the verdict's version
was read: an editor's decision always wins, whatever runs beside it.
"""

import logging
import sqlite3

from . import listing, stories
from .stories import MACHINE_SQL

logger = logging.getLogger(__name__)

CLASSIFICATION_FIELDS = ("section_confidence", "relevance", "explanation", "classified_by")

# A decision: a status_log row by an editor that changes a story (a story's first row founds it).
_DECISION = f"l.actor NOT IN ({MACHINE_SQL}) AND l.old_status IS NOT NULL"


def decided_stories(conn: sqlite3.Connection) -> list[dict]:
    """Every story an editor has decided on, with what they did.

    Each row: id (the representative copy's), story_id, title, text, summary, url (the
    representative's), status, section (the story's, now), last_log_id (the newest decision),
    moved (an editor changed its section), restored (an editor took it out of filtered).
    """
    cursor = conn.execute(
        f"""
        SELECT c.id, s.id AS story_id, c.title, c.text, c.summary, c.url, s.status, s.section,
               MAX(l.id) AS last_log_id,
               MAX(l.new_section IS NOT l.old_section) AS moved,
               MAX(l.old_status = 'filtered' AND l.new_status != 'filtered') AS restored
        FROM stories s
        JOIN status_log l ON l.story_id = s.id AND {_DECISION}
        JOIN candidates c ON c.id = s.representative_id
        GROUP BY s.id
        ORDER BY s.id
        """
    )
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def decisions_since(conn: sqlite3.Connection, log_id: int) -> int:
    """Editor decisions logged after status_log row log_id."""
    return conn.execute(f"SELECT COUNT(*) FROM status_log l WHERE l.id > ? AND {_DECISION}", [log_id]).fetchone()[0]


def undecided_stories(conn: sqlite3.Connection, statuses: tuple[str, ...]) -> list[dict]:
    """Stories in these statuses that no editor has decided: the ones a new model may re-section.

    Each row: id (the representative copy's), story_id, version, title, text, summary, url, status, section.
    """
    marks = ", ".join("?" * len(statuses))
    cursor = conn.execute(
        f"""
        SELECT c.id, s.id AS story_id, s.version, c.title, c.text, c.summary, c.url, s.status, s.section
        FROM stories s
        JOIN candidates c ON c.id = s.representative_id
        WHERE s.status IN ({marks}) AND s.decided_by IS NULL
        ORDER BY s.id
        """,
        list(statuses),
    )
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def write_classification(
    conn: sqlite3.Connection,
    id: int,
    *,
    story_id: int,
    version: int,
    section: str,
    status: str,
    section_confidence: float,
    relevance: float,
    explanation: str,
    classified_by: str,
) -> bool:
    """Record a new verdict on a story through its representative copy `id` (inside the caller's
    transaction); skipped (False) when an editor decided or the story changed since `version`."""
    if not stories.classify(conn, story_id, version=version, candidate_id=id, status=status, section=section,
                            classified_by=classified_by):
        return False
    conn.execute(
        "UPDATE candidates SET suggested_section = ?, section_confidence = ?, relevance = ?, explanation = ?, "
        "classified_by = ? WHERE id = ?",
        [section, section_confidence, relevance, explanation, classified_by, id],
    )
    listing.refresh(conn, story_id)
    return True
