"""Stories and the decisions that belong to them: status, section, the editor's title and summary.

A story is the set of copies one story has (candidates.cluster_id names it). Editors decide on the
story, whichever copy they were looking at, so a copy that joins later, or becomes the representative,
changes nothing of what was decided. Every change bumps the story's version, and is logged in
status_log in the same transaction; a writer that read an older version is refused (editors) or
skipped (the classifier), so an editor's decision always wins over anything automatic.
"""

import logging
import sqlite3

from .clock import utc_now
from .errors import NotFound, StoreError

logger = logging.getLogger(__name__)

STATUSES = ("pending", "approved", "rejected", "filtered")

# Actors that are not editors: their log rows are the machine's own choices, never decisions or labels.
MACHINE_ACTORS = ("crawler", "classifier")
MACHINE_SQL = ", ".join(f"'{actor}'" for actor in MACHINE_ACTORS)

STORY_FIELDS = ("status", "section", "title", "summary", "decided_by", "version", "merged_into")


class Conflict(StoreError):
    """The story changed since the writer read it; the message says who changed it."""


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise StoreError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")


def create(conn: sqlite3.Connection, *, status: str, section: str | None, candidate_id: int, actor: str,
           note: str | None = None) -> int:
    """A new story, its first status logged against the copy that founded it (caller's transaction)."""
    check_status(status)
    now = utc_now()
    story_id = conn.execute(
        "INSERT INTO stories (status, section, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
        [status, section, now, now],
    ).fetchone()[0]
    log(conn, story_id, candidate_id, (None, None), (status, section), actor, note)
    return story_id


def story_of(conn: sqlite3.Connection, candidate_id: int) -> int:
    row = conn.execute("SELECT cluster_id FROM candidates WHERE id = ?", [candidate_id]).fetchone()
    if row is None:
        raise NotFound(f"no candidate with id {candidate_id}")
    return row[0]


def get(conn: sqlite3.Connection, story_id: int) -> dict:
    row = conn.execute(f"SELECT id, {', '.join(STORY_FIELDS)} FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None:
        raise NotFound(f"no story with id {story_id}")
    return dict(zip(("id", *STORY_FIELDS), row, strict=True))


def decide(conn: sqlite3.Connection, story_id: int, *, candidate_id: int, actor: str, status: str | None = None,
           section: str | None = None, note: str | None = None, version: int | None = None) -> bool:
    """An editor's decision on a story; False when it changes nothing (a repeated click, not logged).

    With `version`, the decision is refused when the story changed since the editor read that version.
    """
    if actor in MACHINE_ACTORS:
        raise StoreError(f"'{actor}' is not an editor; the classifier writes through classify()")
    if status is not None:
        check_status(status)
    old = get(conn, story_id) if version is None else _current(conn, story_id, version)
    new = (status or old["status"], old["section"] if section is None else section)
    if new == (old["status"], old["section"]) and not note:
        return False
    conn.execute(
        "UPDATE stories SET status = ?, section = ?, decided_by = ?, version = version + 1, updated_at = ? "
        "WHERE id = ?",
        [*new, actor, utc_now(), story_id],
    )
    log(conn, story_id, candidate_id, (old["status"], old["section"]), new, actor, note)
    return True


def classify(conn: sqlite3.Connection, story_id: int, *, version: int, candidate_id: int, status: str,
             section: str | None, classified_by: str) -> bool:
    """The classifier's new verdict, written only if no editor has decided and nothing changed the story
    since `version` was read; False when skipped."""
    check_status(status)
    old = conn.execute("SELECT status, section FROM stories WHERE id = ? AND version = ? AND decided_by IS NULL",
                       [story_id, version]).fetchone()
    if old is None:
        return False
    if (status, section) != tuple(old):
        conn.execute("UPDATE stories SET status = ?, section = ?, version = version + 1, updated_at = ? "
                     "WHERE id = ?", [status, section, utc_now(), story_id])
        log(conn, story_id, candidate_id, tuple(old), (status, section), "classifier",
            f"re-sectioned by {classified_by}")
    return True


def take_decision(conn: sqlite3.Connection, into: int, other: int, *, candidate_id: int, actor: str) -> str:
    """When story `other` is folded into `into`: an undecided `into` takes `other`'s decision (status,
    section, editor's title and summary); a decided one keeps its own. Logged; says what happened."""
    kept, absorbed = get(conn, into), get(conn, other)
    if absorbed["decided_by"] is None:
        return "kept its own decision" if kept["decided_by"] else "both undecided"
    if kept["decided_by"] is not None:
        log(conn, into, candidate_id, (kept["status"], kept["section"]), (kept["status"], kept["section"]), actor,
            f"merged story {other} ({absorbed['status']} {absorbed['section'] or ''}); kept this story's decision")
        return "kept its own decision"
    conn.execute(
        "UPDATE stories SET status = ?, section = ?, title = COALESCE(title, ?), summary = COALESCE(summary, ?), "
        "decided_by = ?, version = version + 1, updated_at = ? WHERE id = ?",
        [absorbed["status"], absorbed["section"], absorbed["title"], absorbed["summary"], absorbed["decided_by"],
         utc_now(), into],
    )
    log(conn, into, candidate_id, (kept["status"], kept["section"]), (absorbed["status"], absorbed["section"]),
        actor, f"merged story {other}: took its decision by {absorbed['decided_by']}")
    return f"took story {other}'s decision"


def log(conn: sqlite3.Connection, story_id: int, candidate_id: int, old: tuple, new: tuple, actor: str,
        note: str | None) -> None:
    """One row of status_log (append-only): the story, the copy acted on, (status, section) before and after."""
    conn.execute(
        "INSERT INTO status_log (story_id, candidate_id, old_status, old_section, new_status, new_section, "
        "actor, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [story_id, candidate_id, *old, *new, actor, note, utc_now()],
    )


def edit(conn: sqlite3.Connection, story_id: int, *, title: str | None, summary: str | None, actor: str,
         version: int) -> None:
    """The editor's title and summary for the newsletter (empty or None: the representative's stand)."""
    old = _current(conn, story_id, version)
    title, summary = (title or "").strip() or None, (summary or "").strip() or None
    if (title, summary) == (old["title"], old["summary"]):
        return
    conn.execute("UPDATE stories SET title = ?, summary = ?, version = version + 1, updated_at = ? WHERE id = ?",
                 [title, summary, utc_now(), story_id])
    changed = [name for name, new in (("title", title), ("summary", summary)) if new != old[name]]
    log(conn, story_id, _representative(conn, story_id), (old["status"], old["section"]),
        (old["status"], old["section"]), actor, f"edited the {' and '.join(changed)}")


def add_note(conn: sqlite3.Connection, story_id: int, text: str, *, actor: str) -> int:
    """An editor's note on the story (append-only); returns its id."""
    get(conn, story_id)
    if not text.strip():
        raise StoreError("a note needs some text")
    return conn.execute("INSERT INTO story_notes (story_id, actor, text, at) VALUES (?, ?, ?, ?) RETURNING id",
                        [story_id, actor, text.strip(), utc_now()]).fetchone()[0]


def undo(conn: sqlite3.Connection, story_id: int, *, actor: str, version: int) -> str:
    """Take back the actor's last decision on the story, when nothing changed it since; says what it did.

    The story goes back to the status and section it had, and to whoever had decided it before (so an
    undone first decision leaves the story to the classifier again); the undo is logged like any decision."""
    _current(conn, story_id, version)
    last = conn.execute(
        f"SELECT id, actor, old_status, old_section, new_status, new_section FROM status_log "
        f"WHERE story_id = ? AND old_status IS NOT NULL AND actor NOT IN ({MACHINE_SQL}) ORDER BY id DESC LIMIT 1",
        [story_id],
    ).fetchone()
    if last is None or last[1] != actor:
        raise StoreError(f"nothing of yours to undo on story {story_id}: the last decision on it is "
                         f"{'not yours' if last else 'none'}")
    log_id, _, old_status, old_section, new_status, new_section = last
    before = conn.execute(
        f"SELECT actor FROM status_log WHERE story_id = ? AND id < ? AND old_status IS NOT NULL "
        f"AND actor NOT IN ({MACHINE_SQL}) ORDER BY id DESC LIMIT 1", [story_id, log_id],
    ).fetchone()
    conn.execute("UPDATE stories SET status = ?, section = ?, decided_by = ?, version = version + 1, updated_at = ? "
                 "WHERE id = ?", [old_status, old_section, before[0] if before else None, utc_now(), story_id])
    log(conn, story_id, _representative(conn, story_id), (new_status, new_section), (old_status, old_section),
        actor, f"undo of decision #{log_id}")
    return f"back to {old_status}" + (f" in {old_section}" if old_section else "")


def _current(conn: sqlite3.Connection, story_id: int, version: int) -> dict:
    """The story as it is, or Conflict when it is not at the version the editor saw."""
    story = get(conn, story_id)
    if version != story["version"]:
        raise Conflict(f"story {story_id} changed since you read it (version {version}, now {story['version']}, "
                       f"last by {story['decided_by'] or 'the classifier'}: {story['status']} "
                       f"{story['section'] or ''}); reload it and try again".replace("  ", " "))
    return story


def _representative(conn: sqlite3.Connection, story_id: int) -> int:
    row = conn.execute("SELECT representative_id FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None or row[0] is None:
        raise NotFound(f"story {story_id} has no copies")
    return row[0]
