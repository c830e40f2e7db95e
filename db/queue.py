"""Reading the queue: one row per story (its representative) or every copy, search, counts."""

import logging
import sqlite3

from . import stories
from .clusters import clusters_cte, outlet_names
from .connection import fetch_rows
from .errors import NotFound
from .search import search_condition

logger = logging.getLogger(__name__)

# What a row of the queue, a search or get_candidate takes from the story of the copy.
STORY_COLUMNS = "s.status, s.section, s.version, s.decided_by"

# Article dates carry different offsets; julianday() compares them as instants.
NEWEST_FIRST = "julianday(c.published_at) DESC NULLS LAST, c.id DESC"


def candidate(conn: sqlite3.Connection, id: int) -> dict:
    """A stored copy with its story's decision: status, section, version, decided_by."""
    rows = fetch_rows(conn, f"SELECT c.*, {STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
                            "WHERE c.id = ?", [id])
    if not rows:
        raise NotFound(f"no candidate with id {id}")
    return rows[0]


def queue(conn: sqlite3.Connection, status: str | None = "pending", section: str | None = None,
          all_copies: bool = False, limit: int | None = None, source: str | None = None) -> list[dict]:
    """One row per story (its representative), or every candidate with all_copies (see Store.queue)."""
    if status is not None:
        stories.check_status(status)
    join = "clusters.cluster_id = c.cluster_id"
    if not all_copies:
        join = "clusters.representative_id = c.id"
    conditions, params = [], []
    for column, value in (("s.status", status), ("s.section", section), ("c.source", source)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    where = "WHERE " + " AND ".join(conditions) if conditions else ""
    sql = (
        f"WITH {clusters_cte()} SELECT c.*, {STORY_COLUMNS}, clusters.copies, clusters.outlets, "
        "clusters.outlets - 1 AS other_outlets, clusters.runners AS outlet_names, "
        "clusters.first_seen_at AS story_first_seen_at "
        f"FROM candidates c JOIN clusters ON {join} JOIN stories s ON s.id = c.cluster_id "
        f"{where} ORDER BY {NEWEST_FIRST}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = fetch_rows(conn, sql, params)
    for row in rows:
        row["outlet_names"] = outlet_names(row["outlet_names"])
    return rows


def search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[dict]:
    """Candidates whose title or text contains every whitespace-separated term, with their story's status."""
    condition, params = search_condition(query)
    if not condition:
        return []
    return fetch_rows(
        conn,
        f"SELECT c.*, {STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
        f"WHERE {condition} ORDER BY {NEWEST_FIRST} LIMIT ?",
        [*params, limit],
    )


def counts(conn: sqlite3.Connection) -> dict:
    """Totals: candidates, stories, pending_stories (the default queue) and stories in each status."""
    totals = {status: 0 for status in stories.STATUSES}
    for status, number in conn.execute(
        "SELECT status, COUNT(*) FROM stories s WHERE EXISTS (SELECT 1 FROM candidates c WHERE c.cluster_id = s.id) "
        "GROUP BY status"
    ):
        totals[status] = number
    candidates = conn.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    return {"candidates": candidates, "stories": sum(totals.values()), "pending_stories": totals["pending"], **totals}
