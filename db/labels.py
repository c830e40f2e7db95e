"""Editors' decisions read back as labels for the classifier, and the classifier's verdicts written down."""

import logging
import sqlite3

from .clock import utc_now
from .errors import NotFound

logger = logging.getLogger(__name__)

# Actors that are not editors: their log rows are the machine's own choices, never labels.
MACHINE_ACTORS = ("crawler", "classifier")
CLASSIFICATION_FIELDS = ("section_confidence", "relevance", "explanation", "classified_by")

_MACHINE = ", ".join(f"'{actor}'" for actor in MACHINE_ACTORS)


def decided_candidates(conn: sqlite3.Connection) -> list[dict]:
    """Every candidate an editor has decided on, with what they did.

    Each row: id, title, text, summary, url, status, section (as they are now), last_log_id
    (the newest editor row), moved (an editor changed its section), restored (an editor took
    it out of filtered).
    """
    cursor = conn.execute(
        f"""
        SELECT c.id, c.title, c.text, c.summary, c.url, c.status, c.section,
               MAX(l.id) AS last_log_id,
               MAX(l.new_section IS NOT l.old_section) AS moved,
               MAX(l.old_status = 'filtered' AND l.new_status != 'filtered') AS restored
        FROM candidates c JOIN status_log l ON l.candidate_id = c.id
        WHERE l.actor NOT IN ({_MACHINE})
        GROUP BY c.id
        ORDER BY c.id
        """
    )
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def decisions_since(conn: sqlite3.Connection, log_id: int) -> int:
    """Editor decisions logged after status_log row log_id."""
    return conn.execute(
        f"SELECT COUNT(*) FROM status_log WHERE id > ? AND actor NOT IN ({_MACHINE})", [log_id]
    ).fetchone()[0]


def undecided_candidates(conn: sqlite3.Connection, statuses: tuple[str, ...]) -> list[dict]:
    """Candidates in these statuses that no editor has touched: the ones a new model may re-section."""
    marks = ", ".join("?" * len(statuses))
    cursor = conn.execute(
        f"""
        SELECT id, title, text, summary, url, status, section FROM candidates c
        WHERE status IN ({marks}) AND NOT EXISTS (
            SELECT 1 FROM status_log l WHERE l.candidate_id = c.id AND l.actor NOT IN ({_MACHINE}))
        ORDER BY id
        """,
        list(statuses),
    )
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def write_classification(
    conn: sqlite3.Connection,
    id: int,
    *,
    section: str,
    status: str,
    section_confidence: float,
    relevance: float,
    explanation: str,
    classified_by: str,
) -> None:
    """Record a new verdict on a stored candidate (inside the caller's transaction); a changed
    section or status is logged under the actor 'classifier'."""
    old = conn.execute("SELECT status, section FROM candidates WHERE id = ?", [id]).fetchone()
    if old is None:
        raise NotFound(f"no candidate with id {id}")
    now = utc_now()
    conn.execute(
        "UPDATE candidates SET section = ?, status = ?, section_confidence = ?, relevance = ?, "
        "explanation = ?, classified_by = ?, updated_at = ? WHERE id = ?",
        [section, status, section_confidence, relevance, explanation, classified_by, now, id],
    )
    if (status, section) != tuple(old):
        conn.execute(
            "INSERT INTO status_log (candidate_id, old_status, new_status, old_section, new_section, "
            "actor, note, at) VALUES (?, ?, ?, ?, ?, 'classifier', ?, ?)",
            [id, old[0], status, old[1], section, f"re-sectioned by {classified_by}", now],
        )
