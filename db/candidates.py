"""Storing candidates: one list of their fields, the checks, the insert that founds or joins a story."""

import logging
import sqlite3
from collections.abc import Iterable

from . import fingerprint_index, listing, stories
from .clock import utc_now
from .errors import StoreError
from .fingerprint_index import Fingerprints
from .labels import CLASSIFICATION_FIELDS
from .search import search_words

logger = logging.getLogger(__name__)

# The fields a candidate is stored with (add_candidate): the one list; the crawl's Candidate and the
# queue's JSON follow it. status and section go to the story a candidate founds.
CANDIDATE_FIELDS = (
    "url", "fetched_url", "source", "outlet", "title", "author", "published_at", "text",
    "summary", "text_hash", "language", "section", "status", "cluster_id", "authority", "run_id", "charset",
    *CLASSIFICATION_FIELDS,
)
REQUIRED_FIELDS = ("url", "source", "text")

# SQLite allows 32766 bound parameters; stay far below.
PARAMS_PER_QUERY = 500


def insert(conn: sqlite3.Connection, fields: dict, fingerprints: Fingerprints | None) -> tuple[int, bool]:
    """Store a candidate once per url (inside the caller's transaction); (id, created)."""
    row = checked(fields)
    status, section = row.pop("status"), row.pop("section", None)
    row["suggested_section"] = section
    row["first_seen_at"] = row["updated_at"] = utc_now()
    if row.get("cluster_id") is not None:
        stories.get(conn, row["cluster_id"])   # a copy joins a story that exists
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    inserted = conn.execute(
        f"INSERT INTO candidates ({columns}) VALUES ({marks}) ON CONFLICT (url) DO NOTHING RETURNING id",
        list(row.values()),
    ).fetchone()
    if inserted is None:
        return conn.execute("SELECT id FROM candidates WHERE url = ?", [row["url"]]).fetchone()[0], False
    candidate_id = inserted[0]
    story_id = row.get("cluster_id")
    if story_id is None:
        story_id = stories.create(conn, status=status, section=section, candidate_id=candidate_id, actor="crawler")
        conn.execute("UPDATE candidates SET cluster_id = ? WHERE id = ?", [story_id, candidate_id])
    listing.refresh(conn, story_id)
    conn.execute("INSERT INTO search_words (rowid, title, text) VALUES (?, ?, ?)",
                 [candidate_id, search_words(row.get("title")), search_words(row["text"])])
    if fingerprints is not None:
        day = fingerprint_index.story_day(row.get("published_at"), row["first_seen_at"])
        fingerprint_index.write(conn, candidate_id, day, fingerprints)
    return candidate_id, True


def known_urls(conn: sqlite3.Connection, urls: Iterable[str]) -> set[str]:
    """Those of these URLs stored as a candidate's url or fetched_url."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), PARAMS_PER_QUERY):
        chunk = wanted[start : start + PARAMS_PER_QUERY]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT url FROM candidates WHERE url IN ({marks}) "
            f"UNION SELECT fetched_url FROM candidates WHERE fetched_url IN ({marks})",
            chunk + chunk,
        )
        found.update(row[0] for row in rows)
    return found


def checked(fields: dict) -> dict:
    """The fields to store, or StoreError naming what is wrong."""
    unknown = sorted(set(fields) - set(CANDIDATE_FIELDS))
    if unknown:
        raise StoreError(f"unknown candidate fields: {', '.join(unknown)}")
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise StoreError(f"a candidate needs {', '.join(missing)}")
    row = {name: fields[name] for name in CANDIDATE_FIELDS if fields.get(name) is not None}
    stories.check_status(row.setdefault("status", "pending"))
    authority = row.get("authority", 1.0)
    if isinstance(authority, bool) or not isinstance(authority, (int, float)) or authority < 0:
        raise StoreError(f"a candidate's authority must be a number >= 0, not {authority!r}")
    return row
