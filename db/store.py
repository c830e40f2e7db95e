"""The Store: candidates, the review queue, the status log, crawl runs and HTTP validators."""

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from .clusters import clusters_cte
from .connection import open_connection, utc_now, write_transaction
from .errors import NotFound, StoreError
from .migrations import migrations
from .runs import RUN_STATUSES, run_status
from .search import search_condition

logger = logging.getLogger(__name__)

STATUSES = ("pending", "approved", "rejected", "filtered")

CANDIDATE_FIELDS = (
    "url", "fetched_url", "source", "outlet", "title", "author", "published_at", "text",
    "summary", "text_hash", "language", "section", "status", "cluster_id",
)
REQUIRED_FIELDS = ("url", "source", "text")

# Article dates carry different offsets; julianday() compares them as instants.
NEWEST_FIRST = "julianday(c.published_at) DESC NULLS LAST, c.id DESC"

# SQLite allows 32766 bound parameters; stay far below.
PARAMS_PER_QUERY = 500


class Store:
    """One open newsdesk.db; every write is its own transaction."""

    def __init__(self, path: str | os.PathLike, *, _readonly: bool = False) -> None:
        self.path = path
        self.readonly = _readonly
        self.conn = open_connection(path, readonly=_readonly)
        try:
            self.db = Database(self.conn)
            if migrations.pending(self.db):
                self._migrate()
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def open_readonly(cls, path: str | os.PathLike) -> "Store":
        """Open an existing database without ever writing to it (for dry runs)."""
        return cls(path, _readonly=True)

    def _migrate(self) -> None:
        if self.readonly:
            raise StoreError(
                f"the database {self.path} needs an upgrade: run any newsdesk command that writes"
            )
        # Under the write lock, so two processes opening a new file apply each migration once.
        with write_transaction(self.conn):
            migrations.apply(self.db)
        logger.info("database %s migrated", self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading helpers -------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def _value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _writing(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if self.readonly:
            raise StoreError(f"the database {self.path} is open read-only (a dry run writes nothing)")
        return write_transaction(self.conn)

    # -- candidates ------------------------------------------------------------------

    def add_candidate(self, fields: dict) -> tuple[int, bool]:
        """Store a candidate once per canonical url; returns (id, created).

        An existing url changes nothing and gives (its id, False). The insert and the log
        of its first status are one transaction; cluster_id defaults to the new row's id.
        """
        row = _checked_candidate(fields)
        row["first_seen_at"] = row["updated_at"] = utc_now()
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        with self._writing() as conn:
            inserted = conn.execute(
                f"INSERT INTO candidates ({columns}) VALUES ({marks}) "
                "ON CONFLICT (url) DO NOTHING RETURNING id, status, section",
                list(row.values()),
            ).fetchone()
            if inserted is None:
                return self._value("SELECT id FROM candidates WHERE url = ?", [row["url"]]), False
            self._log(inserted[0], None, inserted[1], None, inserted[2], "crawler", None)
        return inserted[0], True

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of these URLs stored as a candidate's url or fetched_url."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        for start in range(0, len(wanted), PARAMS_PER_QUERY):
            chunk = wanted[start : start + PARAMS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT url FROM candidates WHERE url IN ({marks}) "
                f"UNION SELECT fetched_url FROM candidates WHERE fetched_url IN ({marks})",
                chunk + chunk,
            )
            found.update(row[0] for row in rows)
        return found

    def cluster_of_text_hash(self, text_hash: str) -> int | None:
        """The cluster of the earliest candidate with exactly this text hash, if any."""
        return self._value(
            "SELECT cluster_id FROM candidates WHERE text_hash = ? ORDER BY id LIMIT 1", [text_hash]
        )

    def get_candidate(self, id: int) -> dict:
        rows = self._rows("SELECT * FROM candidates WHERE id = ?", [id])
        if not rows:
            raise NotFound(f"no candidate with id {id}")
        return rows[0]

    def queue(
        self,
        status: str | None = "pending",
        section: str | None = None,
        all_copies: bool = False,
        limit: int | None = None,
        source: str | None = None,
    ) -> list[dict]:
        """One row per story (its representative), or every candidate with all_copies.

        Filters apply to the listed row. Each row has "copies" (candidates in its cluster)
        and "other_outlets" (distinct outlets in the cluster besides the row's own).
        """
        if status is not None:
            _check_status(status)
        join = "clusters.cluster_id = c.cluster_id"
        if not all_copies:
            join = "clusters.representative_id = c.id"
        conditions, params = [], []
        for column, value in (("status", status), ("section", section), ("source", source)):
            if value is not None:
                conditions.append(f"c.{column} = ?")
                params.append(value)
        where = "WHERE " + " AND ".join(conditions) if conditions else ""
        sql = (
            f"WITH {clusters_cte()} SELECT c.*, clusters.copies, clusters.outlets - 1 AS other_outlets "
            f"FROM candidates c JOIN clusters ON {join} {where} ORDER BY {NEWEST_FIRST}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._rows(sql, params)

    def set_status(
        self,
        id: int,
        status: str,
        *,
        section: str | None = None,
        actor: str = "cli",
        note: str | None = None,
    ) -> dict:
        """Change status (and section, if given), logged in the same transaction."""
        _check_status(status)
        return self._change(id, status, section, actor, note)

    def move(self, id: int, section: str, *, actor: str = "cli") -> dict:
        """Put a candidate into another section, logged; its status stays."""
        if not section or not section.strip():
            raise StoreError("a section name is needed to move a candidate")
        return self._change(id, None, section, actor, None)

    def _change(
        self, id: int, status: str | None, section: str | None, actor: str, note: str | None
    ) -> dict:
        with self._writing() as conn:
            old = conn.execute("SELECT status, section FROM candidates WHERE id = ?", [id]).fetchone()
            if old is None:
                raise NotFound(f"no candidate with id {id}")
            new = (status or old[0], old[1] if section is None else section)
            # A repeated click changes nothing and is not logged, unless it carries a note.
            if new != tuple(old) or note:
                conn.execute(
                    "UPDATE candidates SET status = ?, section = ?, updated_at = ? WHERE id = ?",
                    [new[0], new[1], utc_now(), id],
                )
                self._log(id, old[0], new[0], old[1], new[1], actor, note)
        return self.get_candidate(id)

    def _log(
        self,
        candidate_id: int,
        old_status: str | None,
        new_status: str,
        old_section: str | None,
        new_section: str | None,
        actor: str,
        note: str | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO status_log (candidate_id, old_status, new_status, old_section, "
            "new_section, actor, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [candidate_id, old_status, new_status, old_section, new_section, actor, note, utc_now()],
        )

    def status_log(self, candidate_id: int | None = None) -> list[dict]:
        """Status changes, oldest first; of one candidate when candidate_id is given."""
        if candidate_id is None:
            return self._rows("SELECT * FROM status_log ORDER BY id")
        return self._rows("SELECT * FROM status_log WHERE candidate_id = ? ORDER BY id", [candidate_id])

    def search(self, query: str, limit: int = 50) -> list[dict]:
        """Candidates whose title or text contains every whitespace-separated term."""
        condition, params = search_condition(query)
        if not condition:
            return []
        return self._rows(
            f"SELECT c.* FROM candidates c WHERE {condition} ORDER BY {NEWEST_FIRST} LIMIT ?",
            [*params, limit],
        )

    def counts(self) -> dict:
        """Totals: candidates, stories, pending_stories (the default queue) and each status."""
        totals = {status: 0 for status in STATUSES}
        for status, number in self.conn.execute("SELECT status, COUNT(*) FROM candidates GROUP BY status"):
            totals[status] = number
        row = self.conn.execute(
            f"WITH {clusters_cte()} SELECT COUNT(*), COUNT(*) FILTER (WHERE c.status = 'pending') "
            "FROM clusters JOIN candidates c ON c.id = clusters.representative_id"
        ).fetchone()
        return {"candidates": sum(totals.values()), "stories": row[0], "pending_stories": row[1], **totals}

    # -- runs ------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        """Record a run as started; earlier runs of this source still 'running' were killed."""
        now = utc_now()
        with self._writing() as conn:
            conn.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, summary = 'interrupted' "
                "WHERE source = ? AND status = 'running'",
                [now, source],
            )
            return conn.execute(
                "INSERT INTO runs (source, started_at) VALUES (?, ?) RETURNING id", [source, now]
            ).fetchone()[0]

    def finish_run(
        self,
        run_id: int,
        *,
        pages: int,
        new: int,
        duplicates: int,
        errors: list[tuple[str | None, str]],
        status: str | None = None,
        summary: str | None = None,
    ) -> dict:
        """Record a run's outcome and its errors; status defaults to db.runs.run_status()."""
        status = status or run_status(pages=pages, new=new, error_count=len(errors))
        if status not in RUN_STATUSES:
            raise StoreError(f"unknown run status {status!r}; use one of: {', '.join(RUN_STATUSES)}")
        with self._writing() as conn:
            updated = conn.execute(
                "UPDATE runs SET finished_at = ?, pages = ?, new = ?, duplicates = ?, "
                "error_count = ?, status = ?, summary = ? WHERE id = ?",
                [utc_now(), pages, new, duplicates, len(errors), status, summary, run_id],
            )
            if updated.rowcount == 0:
                raise NotFound(f"no run with id {run_id}")
            conn.executemany(
                "INSERT INTO run_errors (run_id, url, message) VALUES (?, ?, ?)",
                [(run_id, url, message) for url, message in errors],
            )
        return self._with_errors(self._rows("SELECT * FROM runs WHERE id = ?", [run_id]))[0]

    def runs(self, source: str | None = None, limit: int = 20) -> list[dict]:
        """Runs newest first, each with its "errors" [{url, message}]."""
        where, params = ("WHERE source = ?", [source]) if source is not None else ("", [])
        rows = self._rows(f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?", [*params, limit])
        return self._with_errors(rows)

    def last_run(self, source: str) -> dict | None:
        rows = self.runs(source, limit=1)
        return rows[0] if rows else None

    def _with_errors(self, runs: list[dict]) -> list[dict]:
        by_run: dict[int, list[dict]] = {run["id"]: [] for run in runs}
        if by_run:
            marks = ", ".join("?" * len(by_run))
            for error in self._rows(
                f"SELECT run_id, url, message FROM run_errors WHERE run_id IN ({marks}) ORDER BY id",
                list(by_run),
            ):
                by_run[error.pop("run_id")].append(error)
        return [{**run, "errors": by_run[run["id"]]} for run in runs]

    # -- conditional GET -------------------------------------------------------------

    def http_validators(self, url: str) -> tuple[str | None, str | None]:
        """(etag, last_modified) saved for this URL, or (None, None)."""
        row = self.conn.execute(
            "SELECT etag, last_modified FROM http_validators WHERE url = ?", [url]
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_http_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO http_validators (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                [url, etag, last_modified, utc_now()],
            )


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise StoreError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")


def _checked_candidate(fields: dict) -> dict:
    unknown = sorted(set(fields) - set(CANDIDATE_FIELDS))
    if unknown:
        raise StoreError(f"unknown candidate fields: {', '.join(unknown)}")
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise StoreError(f"a candidate needs {', '.join(missing)}")
    row = {name: fields[name] for name in CANDIDATE_FIELDS if fields.get(name) is not None}
    _check_status(row.setdefault("status", "pending"))
    return row
