"""Reading the queue: one row per story (its representative) or every copy, pages of it, search, counts.

Stories carry what the queue sorts and filters by (db/listing.py), and one index serves each order, so
a page deep into 140,000 stories is read by walking an index from the last row of the page before
(keyset paging), never by counting past rows (OFFSET).
"""

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from . import stories
from .clusters import REPRESENTATIVE_ORDER, outlet_names
from .connection import fetch_rows
from .errors import NotFound, StoreError
from .search import match_expression

logger = logging.getLogger(__name__)

# What a row of the queue, a search or get_candidate takes from the story of the copy.
STORY_COLUMNS = "s.status, s.section, s.version, s.decided_by"
LISTED_STORY_COLUMNS = (f"{STORY_COLUMNS}, s.id AS story_id, s.copies, s.outlets, s.outlets - 1 AS other_outlets, "
                        "s.title AS edited_title, s.summary AS edited_summary, s.created_at AS story_first_seen_at")

# Article dates carry different offsets; julianday() compares them as instants.
NEWEST_FIRST = "julianday(c.published_at) DESC NULLS LAST, c.id DESC"

# The orders a page can be read in: the story column each sorts by, highest first, then the newest story.
SORT_KEYS = {"date": "s.sort_day", "relevance": "s.relevance", "outlets": "s.outlets"}

SEARCH_HITS = "s.id IN (SELECT c.cluster_id FROM candidates c WHERE c.id IN " \
              "(SELECT rowid FROM search_words WHERE search_words MATCH ?))"


def candidate(conn: sqlite3.Connection, id: int) -> dict:
    """A stored copy with its story's decision: status, section, version, decided_by."""
    rows = fetch_rows(conn, f"SELECT c.*, {STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
                            "WHERE c.id = ?", [id])
    if not rows:
        raise NotFound(f"no candidate with id {id}")
    return rows[0]


def queue(conn: sqlite3.Connection, status: str | None = "pending", section: str | None = None,
          all_copies: bool = False, limit: int | None = None, source: str | None = None) -> list[dict]:
    """One row per story (its representative), newest first, or every candidate with all_copies."""
    if all_copies:
        conditions, params = _filters(status=status, section=section)
        if source is not None:
            conditions.append("c.source = ?")
            params.append(source)
        sql = (f"SELECT c.*, {LISTED_STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
               f"WHERE {' AND '.join(conditions)} ORDER BY {NEWEST_FIRST}")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return _with_outlet_names(conn, fetch_rows(conn, sql, params))
    rows, _ = page(conn, status=status, section=section, source=source, limit=limit)
    return rows


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: its last row's sort key and story id (keyset paging)."""

    key: float
    story_id: int

    def text(self) -> str:
        return f"{self.key!r}:{self.story_id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        try:
            key, story_id = text.rsplit(":", 1)
            return cls(float(key), int(story_id))
        except ValueError:
            raise StoreError(f"'{text}' is not a place in the queue; start again from the first page") from None


def page(conn: sqlite3.Connection, *, status: str | None = "pending", section: str | None = None,
         source: str | None = None, low_confidence_below: float | None = None, since_day: float | None = None,
         until_day: float | None = None, query: str | None = None, sort: str = "date", after: str | None = None,
         limit: int | None = 50) -> tuple[list[dict], str | None]:
    """One page of the queue, one row per story, and the cursor of the next page (None after the last).

    Filters: the story's status and section; the representative's source; only stories whose section
    the classifier chose with less confidence than low_confidence_below (and no editor decided); the
    representative's date as a julianday range [since_day, until_day); a search query (every term, in
    any copy's title or text). Orders (sort): date, relevance, outlets; highest first, newest story first.
    """
    if sort not in SORT_KEYS:
        raise StoreError(f"unknown order {sort!r}; use one of: {', '.join(SORT_KEYS)}")
    key = SORT_KEYS[sort]
    conditions, params = _filters(status=status, section=section)
    conditions.append("s.copies > 0")
    for condition, value in (("s.source = ?", source), ("s.sort_day >= ?", since_day),
                             ("s.sort_day < ?", until_day)):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    if low_confidence_below is not None:
        conditions.append("s.decided_by IS NULL AND s.confidence < ?")
        params.append(low_confidence_below)
    match = match_expression(query) if query else None
    if match:
        conditions.append(SEARCH_HITS)
        params.append(match)
    if after:
        cursor = Cursor.parse(after)
        conditions.append(f"({key} < ? OR ({key} = ? AND s.id < ?))")
        params += [cursor.key, cursor.key, cursor.story_id]
    sql = (f"SELECT c.*, {LISTED_STORY_COLUMNS}, {key} AS sort_key FROM stories s "
           f"JOIN candidates c ON c.id = s.representative_id WHERE {' AND '.join(conditions)} "
           f"ORDER BY {key} DESC, s.id DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit) + 1}"   # one more than asked: whether there is a next page
    rows = fetch_rows(conn, sql, params)
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    following = Cursor(rows[-1]["sort_key"], rows[-1]["story_id"]).text() if more and rows else None
    for row in rows:
        del row["sort_key"]
    return _with_outlet_names(conn, rows), following


def _filters(*, status: str | None, section: str | None) -> tuple[list[str], list]:
    conditions, params = ["1"], []
    if status is not None:
        stories.check_status(status)
        conditions.append("s.status = ?")
        params.append(status)
    if section is not None:
        conditions.append("s.section = ?")
        params.append(section)
    return conditions, params


def _with_outlet_names(conn: sqlite3.Connection, rows: list[dict]) -> list[dict]:
    """Each row with "outlet_names": the outlets that ran its story, the representative's first."""
    story_ids = list(dict.fromkeys(row["cluster_id"] for row in rows))
    runners = _runners(conn, story_ids)
    for row in rows:
        row["outlet_names"] = outlet_names(runners.get(row["cluster_id"], []))
    return rows


def _runners(conn: sqlite3.Connection, story_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """{story: [(source, outlet, url) of each copy, in the representative order]}."""
    ids = list(story_ids)
    found: dict[int, list[tuple]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for story_id, source, outlet, url in conn.execute(
            f"SELECT cluster_id, source, outlet, url FROM candidates WHERE cluster_id IN ({marks}) "
            f"ORDER BY cluster_id, {REPRESENTATIVE_ORDER}", chunk
        ):
            found.setdefault(story_id, []).append((source, outlet, url))
    return found


def search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[dict]:
    """Candidates whose title or text contains every whitespace-separated term, with their story's status."""
    match = match_expression(query)
    if not match:
        return []
    return fetch_rows(
        conn,
        f"SELECT c.*, {STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
        f"WHERE c.id IN (SELECT rowid FROM search_words WHERE search_words MATCH ?) ORDER BY {NEWEST_FIRST} LIMIT ?",
        [match, limit],
    )


def counts(conn: sqlite3.Connection) -> dict:
    """Totals: candidates, stories, pending_stories (the default queue) and stories in each status."""
    by_section = story_counts(conn)
    totals = {status: sum(by_section.get(status, {}).values()) for status in stories.STATUSES}
    candidates = conn.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    return {"candidates": candidates, "stories": sum(totals.values()), "pending_stories": totals["pending"], **totals}


def story_counts(conn: sqlite3.Connection) -> dict[str, dict[str | None, int]]:
    """{status: {section: stories}} of the stories that have copies (the desk's tabs)."""
    found: dict[str, dict[str | None, int]] = {}
    for status, section, number in conn.execute(
        "SELECT status, section, COUNT(*) FROM stories WHERE copies > 0 GROUP BY status, section"
    ):
        found.setdefault(status, {})[section] = number
    return found
