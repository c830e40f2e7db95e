"""Issues of the newsletter: drafts of approved stories in order, and the published record of what was printed.

A story is in at most one issue. A draft reads its stories live (db/migrations.py m050_issues says which column
holds what); publishing writes what was printed into the issue and its stories, and from then on triggers keep
the issue as it is. Every change to a draft bumps its version, so a page that shows an issue can make its next
change conditional on what it showed (db.Conflict otherwise). The caller holds the write transaction.
"""

import json
import logging
import sqlite3
from collections.abc import Sequence

from .clock import utc_now
from .connection import fetch_rows
from .errors import NotFound, StoreError
from .stories import Conflict

logger = logging.getLogger(__name__)

ISSUE_COLUMNS = ("id, year, number, total, month, status, version, masthead, closing, created_by, created_at, "
                 "updated_at, updated_by, published_by, published_at")

# A story as an issue needs it: the story's decision and the editor's words, its representative copy's.
STORY_COLUMNS = ("s.id AS story_id, s.status, s.section, s.title AS edited_title, s.summary AS edited_summary, "
                 "s.version AS story_version, s.merged_into, s.sort_day, c.id AS representative_id, c.title, c.text, "
                 "c.outlet, c.published_at, c.url")

# What publishing writes for each story: the columns of issue_stories that hold what was printed.
PRINTED_FIELDS = ("position", "section", "title", "body", "outlet", "ran_on")


def label(issue: dict) -> str:
    """How messages name an issue: `issue 39 (2026年第11期)`, by its running number."""
    return f"issue {issue['total']} ({issue['year']}年第{issue['number']}期)"


def create(conn: sqlite3.Connection, *, year: int, number: int, total: int, month: int, story_ids: Sequence[int],
           actor: str) -> int:
    """A draft holding these stories in this order; returns its id."""
    taken = conn.execute("SELECT year, number, total FROM issues WHERE total = ? OR (year = ? AND number = ?)",
                         [total, year, number]).fetchone()
    if taken:
        raise StoreError(f"{label(dict(zip(('year', 'number', 'total'), taken, strict=True)))} exists already; "
                         "choose another number and total")
    now = utc_now()
    issue_id = conn.execute(
        "INSERT INTO issues (year, number, total, month, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", [year, number, total, month, actor, now, now]).fetchone()[0]
    for story_id in story_ids:
        _insert(conn, issue_id, story_id, actor)
    return issue_id


def get(conn: sqlite3.Connection, issue_id: int) -> dict:
    rows = fetch_rows(conn, f"SELECT {ISSUE_COLUMNS} FROM issues WHERE id = ?", [issue_id])
    if not rows:
        raise NotFound(f"no issue with id {issue_id}")
    return _with_closing(rows[0])


def find(conn: sqlite3.Connection, *, total: int | None = None, year: int | None = None,
         number: int | None = None) -> dict:
    """The issue with this running number (总第M期), or this number within its year."""
    if total is not None:
        rows = fetch_rows(conn, f"SELECT {ISSUE_COLUMNS} FROM issues WHERE total = ?", [total])
        wanted = f"issue {total} (总第{total}期)"
    else:
        rows = fetch_rows(conn, f"SELECT {ISSUE_COLUMNS} FROM issues WHERE year = ? AND number = ?", [year, number])
        wanted = f"issue {year}年第{number}期"
    if not rows:
        known = conn.execute("SELECT total FROM issues ORDER BY total DESC LIMIT 5").fetchall()
        raise NotFound(f"no {wanted}; " + (f"the latest are {', '.join(str(t) for t, in known)}" if known
                                             else "there is none yet: start one with `newsdesk issue new`"))
    return _with_closing(rows[0])


def listing(conn: sqlite3.Connection) -> list[dict]:
    """Every issue, the latest first, with how many stories it holds."""
    rows = fetch_rows(conn, f"SELECT {ISSUE_COLUMNS}, (SELECT COUNT(*) FROM issue_stories i WHERE i.issue_id = "
                            "issues.id) AS stories FROM issues ORDER BY total DESC")
    return [_with_closing(row) for row in rows]


def latest(conn: sqlite3.Connection) -> dict | None:
    """The issue with the highest running number, if any."""
    rows = fetch_rows(conn, f"SELECT {ISSUE_COLUMNS} FROM issues ORDER BY total DESC LIMIT 1")
    return _with_closing(rows[0]) if rows else None


def entries(conn: sqlite3.Connection, issue_id: int) -> list[dict]:
    """The issue's stories in their stored order, each with the story, its representative copy and what the
    issue holds for it (printed_*: the editor's corrections in a draft, what was printed once published)."""
    return fetch_rows(
        conn,
        f"SELECT i.position, {', '.join(f'i.{name} AS printed_{name}' for name in PRINTED_FIELDS[1:])}, "
        f"{STORY_COLUMNS} FROM issue_stories i JOIN stories s ON s.id = i.story_id "
        "LEFT JOIN candidates c ON c.id = s.representative_id WHERE i.issue_id = ? ORDER BY i.position, s.id",
        [issue_id])


def offered(conn: sqlite3.Connection) -> list[dict]:
    """Approved stories in no issue yet, newest first (by their representative's date)."""
    return fetch_rows(
        conn,
        f"SELECT {STORY_COLUMNS} FROM stories s JOIN candidates c ON c.id = s.representative_id "
        "WHERE s.status = 'approved' AND s.merged_into IS NULL "
        "AND s.id NOT IN (SELECT story_id FROM issue_stories) ORDER BY s.sort_day DESC, s.id DESC")


def add(conn: sqlite3.Connection, issue_id: int, story_id: int, *, actor: str, version: int | None) -> None:
    """Put an approved story that is in no issue at the end of a draft."""
    _draft(conn, issue_id, version)
    _insert(conn, issue_id, story_id, actor)
    _changed(conn, issue_id, actor)


def remove(conn: sqlite3.Connection, issue_id: int, story_id: int, *, actor: str, version: int | None) -> None:
    """Take a story out of a draft: it is offered again."""
    issue = _draft(conn, issue_id, version)
    if not conn.execute("DELETE FROM issue_stories WHERE issue_id = ? AND story_id = ?",
                        [issue_id, story_id]).rowcount:
        raise NotFound(f"story {story_id} is not in {label(issue)}")
    _changed(conn, issue_id, actor)


def reorder(conn: sqlite3.Connection, issue_id: int, story_ids: Sequence[int], *, actor: str,
            version: int | None) -> None:
    """Give a draft's stories this order; the list must name each of them once."""
    issue = _draft(conn, issue_id, version)
    held = {row[0] for row in conn.execute("SELECT story_id FROM issue_stories WHERE issue_id = ?", [issue_id])}
    if sorted(story_ids) != sorted(held):
        raise StoreError(f"a new order of {label(issue)} must name each of its {len(held)} stories once")
    conn.executemany("UPDATE issue_stories SET position = ? WHERE issue_id = ? AND story_id = ?",
                     [(place, issue_id, story_id) for place, story_id in enumerate(story_ids, start=1)])
    _changed(conn, issue_id, actor)


def correct(conn: sqlite3.Connection, issue_id: int, story_id: int, *, outlet: str | None, ran_on: str | None,
            actor: str, version: int | None) -> None:
    """The outlet and the date (YYYY-MM-DD) the draft prints for a story; None: what its copy says."""
    issue = _draft(conn, issue_id, version)
    if not conn.execute("UPDATE issue_stories SET outlet = ?, ran_on = ? WHERE issue_id = ? AND story_id = ?",
                        [outlet, ran_on, issue_id, story_id]).rowcount:
        raise NotFound(f"story {story_id} is not in {label(issue)}")
    _changed(conn, issue_id, actor)


def publish(conn: sqlite3.Connection, issue_id: int, *, version: int, masthead: str, closing: dict,
            printed: Sequence[dict], actor: str, at: str) -> None:
    """Record a draft as published at `at`: what was printed for each story (PRINTED_FIELDS and story_id),
    the masthead and the closing block. The issue cannot change afterwards."""
    issue = _draft(conn, issue_id, version)
    held = {row[0] for row in conn.execute("SELECT story_id FROM issue_stories WHERE issue_id = ?", [issue_id])}
    if held != {story["story_id"] for story in printed}:
        raise Conflict(f"{label(issue)} changed while it was being exported; export it again")
    conn.executemany(
        f"UPDATE issue_stories SET {', '.join(f'{name} = ?' for name in PRINTED_FIELDS)} "
        "WHERE issue_id = ? AND story_id = ?",
        [[story[name] for name in PRINTED_FIELDS] + [issue_id, story["story_id"]] for story in printed])
    conn.execute("UPDATE issues SET status = 'published', masthead = ?, closing = ?, published_by = ?, "
                 "published_at = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
                 [masthead, json.dumps(closing, ensure_ascii=False), actor, at, at, actor, issue_id])


def _insert(conn: sqlite3.Connection, issue_id: int, story_id: int, actor: str) -> None:
    row = conn.execute("SELECT status, merged_into FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None:
        raise NotFound(f"no story with id {story_id}")
    status, merged_into = row
    if merged_into is not None:
        raise StoreError(f"story {story_id} was merged into story {merged_into}; add that one")
    if status != "approved":
        raise StoreError(f"story {story_id} is {status}, not approved: approve it before adding it to an issue")
    other = conn.execute("SELECT i.year, i.number, i.total FROM issue_stories s JOIN issues i ON i.id = s.issue_id "
                         "WHERE s.story_id = ?", [story_id]).fetchone()
    if other:
        raise StoreError(f"story {story_id} is in {label(dict(zip(('year', 'number', 'total'), other, strict=True)))} "
                         "already; a story is in one issue only")
    position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM issue_stories WHERE issue_id = ?",
                            [issue_id]).fetchone()[0]
    conn.execute("INSERT INTO issue_stories (issue_id, story_id, position, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
                 [issue_id, story_id, position, actor, utc_now()])


def _draft(conn: sqlite3.Connection, issue_id: int, version: int | None) -> dict:
    """The issue, when it is a draft (and, with a version, still at the version its writer read)."""
    issue = get(conn, issue_id)
    if issue["status"] != "draft":
        raise StoreError(f"{label(issue)} is published and cannot change; start a new issue for more stories")
    if version is not None and version != issue["version"]:
        raise Conflict(f"{label(issue)} changed since you read it (version {version}, now {issue['version']}, last "
                       f"by {issue['updated_by'] or issue['created_by']}); reload it and try again")
    return issue


def _changed(conn: sqlite3.Connection, issue_id: int, actor: str) -> None:
    conn.execute("UPDATE issues SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
                 [utc_now(), actor, issue_id])


def _with_closing(row: dict) -> dict:
    row["closing"] = json.loads(row["closing"]) if row.get("closing") else None
    return row
