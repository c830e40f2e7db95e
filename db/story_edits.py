"""Editors' corrections of the clustering: split a copy out of its story, merge two stories; each logged.

A crawl never moves a stored candidate to another story (a new one joins a story, nothing more), so
what an editor split or merged stays that way; story_edits keeps who did what, append-only. What
happens to decisions: a split-off copy starts a story of its own, pending in the section suggested
for it; a merge keeps the decided story's decision (db/stories.py take_decision) and logs it.
"""

import logging
import sqlite3

from . import listing, stories
from .clock import utc_now
from .errors import StoreError

logger = logging.getLogger(__name__)


def split(conn: sqlite3.Connection, candidate_id: int, actor: str) -> dict:
    """Make the candidate a story of its own; the caller holds the write transaction."""
    old = stories.story_of(conn, candidate_id)
    others = conn.execute("SELECT COUNT(*) FROM candidates WHERE cluster_id = ? AND id != ?",
                          [old, candidate_id]).fetchone()[0]
    if not others:
        raise StoreError(f"candidate {candidate_id} is a story of its own already; nothing to split")
    suggested = conn.execute("SELECT suggested_section FROM candidates WHERE id = ?", [candidate_id]).fetchone()[0]
    new = stories.create(conn, status="pending", section=suggested, candidate_id=candidate_id, actor=actor,
                         note=f"split off story {old}")
    conn.execute("UPDATE candidates SET cluster_id = ?, updated_at = ? WHERE id = ?", [new, utc_now(), candidate_id])
    listing.refresh(conn, old)
    listing.refresh(conn, new)
    _log(conn, "split", candidate_id, None, old, new, 1, actor)
    return {"candidate_id": candidate_id, "story": new, "left_story": old, "copies_left": others}


def merge(conn: sqlite3.Connection, candidate_id: int, other_id: int, actor: str) -> dict:
    """Fold other_id's story into candidate_id's; the caller holds the write transaction."""
    into, old = stories.story_of(conn, candidate_id), stories.story_of(conn, other_id)
    if into == old:
        raise StoreError(f"candidates {candidate_id} and {other_id} are in one story already (story {into})")
    decision = stories.take_decision(conn, into, old, candidate_id=candidate_id, actor=actor)
    moved = conn.execute("UPDATE candidates SET cluster_id = ?, updated_at = ? WHERE cluster_id = ?",
                         [into, utc_now(), old]).rowcount
    conn.execute("UPDATE stories SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
                 [into, utc_now(), old])
    listing.refresh(conn, into)
    listing.refresh(conn, old)
    _log(conn, "merge", candidate_id, other_id, old, into, moved, actor)
    copies = conn.execute("SELECT COUNT(*) FROM candidates WHERE cluster_id = ?", [into]).fetchone()[0]
    return {"story": into, "moved": moved, "copies": copies, "decision": decision}


def _log(conn: sqlite3.Connection, action: str, candidate_id: int, other_id: int | None, old_story: int,
         new_story: int, moved: int, actor: str) -> None:
    conn.execute(
        "INSERT INTO story_edits (action, candidate_id, other_id, old_cluster_id, new_cluster_id, moved, "
        "actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [action, candidate_id, other_id, old_story, new_story, moved, actor, utc_now()],
    )
