"""The Store: candidates, the review queue, the status log, crawl runs and HTTP validators."""

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from . import (
    candidates,
    fingerprint_index,
    heartbeat,
    issues,
    labels,
    locks,
    queue,
    source_state,
    stories,
    story_edits,
    users,
)
from . import runs as run_records
from .clock import utc_now
from .clusters import REPRESENTATIVE_ORDER
from .connection import fetch_rows, open_connection, write_transaction
from .errors import NotFound, StoreError
from .fingerprint_index import Fingerprints
from .migrations import migrations

logger = logging.getLogger(__name__)


class Store:
    """One open newsdesk.db; every write is its own transaction."""

    def __init__(self, path: str | os.PathLike, *, _readonly: bool = False, durable: bool = True) -> None:
        self.path = path
        self.readonly = _readonly
        self.conn = open_connection(path, readonly=_readonly, durable=durable)
        try:
            self.db = Database(self.conn)
            if migrations.pending(self.db):
                self._migrate()
            self.close_orphaned_runs()
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
        # Foreign keys off while tables are rebuilt (SQLite's own recipe: a DROP would cascade),
        # checked before the commit. Under the write lock, so two processes opening a new file apply
        # each migration once.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with write_transaction(self.conn):
                migrations.apply(self.db)
                broken = self.conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(f"upgrading {self.path} would break {len(broken)} references; "
                                     "nothing was changed: report this with the file")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        logger.info("database %s migrated", self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading helpers -------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        return fetch_rows(self.conn, sql, params)

    def _value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _writing(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if self.readonly:
            raise StoreError(f"the database {self.path} is open read-only (a dry run writes nothing)")
        return write_transaction(self.conn)

    # -- candidates ------------------------------------------------------------------

    def add_candidate(self, fields: dict, fingerprints: Fingerprints | None = None) -> tuple[int, bool]:
        """Store a candidate once per canonical url; returns (id, created).

        An existing url changes nothing and gives (its id, False). `cluster_id` names the story it is
        a copy of; without one it founds a story of its own, whose status (pending or filtered) and
        section are the fields of that name. The insert, the story, its logged first status and the
        fingerprints in the near-duplicate index are one transaction.
        """
        with self._writing():
            return candidates.insert(self.conn, fields, fingerprints)

    def add_candidates(
        self, items: Iterable[tuple[dict, Fingerprints | None]]
    ) -> list[tuple[int, bool]]:
        """add_candidate for many in one transaction (imports, benchmarks): all stored or none."""
        with self._writing():
            return [candidates.insert(self.conn, fields, fingerprints) for fields, fingerprints in items]



    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of these URLs stored as a candidate's url or fetched_url."""
        return candidates.known_urls(self.conn, urls)

    def candidate_by_url(self, url: str) -> dict | None:
        """The candidate stored under this canonical url, if any."""
        rows = self._rows("SELECT * FROM candidates WHERE url = ?", [url])
        return rows[0] if rows else None

    def cluster_of_text_hash(self, text_hash: str) -> int | None:
        """The cluster of the earliest candidate with exactly this text hash, if any."""
        return self._value(
            "SELECT cluster_id FROM candidates WHERE text_hash = ? ORDER BY id LIMIT 1", [text_hash]
        )

    def get_candidate(self, id: int) -> dict:
        """A stored copy with its story's decision: status, section, version, decided_by."""
        return queue.candidate(self.conn, id)

    def queue(
        self,
        status: str | None = "pending",
        section: str | None = None,
        all_copies: bool = False,
        limit: int | None = None,
        source: str | None = None,
    ) -> list[dict]:
        """One row per story (its representative), or every candidate with all_copies.

        Status and section are the story's; source is the listed row's. Each row has "copies"
        (candidates in its cluster), "outlets" (how many outlets ran the story, for ranking; see
        db/clusters.py), "other_outlets" (those besides one), "outlet_names" (a list, the
        representative's first), "story_first_seen_at" (when the story's first copy was stored),
        and the story's "version" and "decided_by" (the editor who decided, None while undecided).
        """
        return queue.queue(self.conn, status, section, all_copies, limit, source)

    def page(self, **filters) -> tuple[list[dict], str | None]:
        """One page of the queue and the cursor of the next (db/queue.py page: status, section, source,
        low_confidence_below, since_day, until_day, query, sort, after, limit)."""
        return queue.page(self.conn, **filters)

    def story_counts(self) -> dict[str, dict[str | None, int]]:
        """{status: {section: stories}} (the desk's tabs)."""
        return queue.story_counts(self.conn)

    # -- one story, by its id (the desk's /stories/ID) --------------------------------

    def story(self, story_id: int) -> dict:
        """The story's own row: status, section, the editor's title and summary, version, decided_by,
        representative_id, copies, outlets, merged_into."""
        rows = self._rows("SELECT * FROM stories WHERE id = ?", [story_id])
        if not rows:
            raise NotFound(f"no story with id {story_id}")
        return rows[0]

    def story_copies(self, story_id: int) -> list[dict]:
        """Every copy of the story with its story's decision, the representative first."""
        return self._rows(
            f"SELECT c.*, {queue.STORY_COLUMNS} FROM candidates c JOIN stories s ON s.id = c.cluster_id "
            f"WHERE c.cluster_id = ? ORDER BY {REPRESENTATIVE_ORDER.replace('authority', 'c.authority')}",
            [story_id],
        )

    def story_log(self, story_id: int) -> list[dict]:
        """The story's decisions and other changes, oldest first."""
        return self._rows("SELECT * FROM status_log WHERE story_id = ? ORDER BY id", [story_id])

    def story_notes(self, story_id: int) -> list[dict]:
        return self._rows("SELECT id, actor, text, at FROM story_notes WHERE story_id = ? ORDER BY id", [story_id])

    def decide_story(self, story_id: int, *, actor: str, version: int, status: str | None = None,
                     section: str | None = None, note: str | None = None) -> dict:
        """An editor's decision on a story (status and/or section) at the version they saw."""
        with self._writing() as conn:
            stories.decide(conn, story_id, candidate_id=self.representative_of(story_id), actor=actor,
                           status=status, section=section, note=note, version=version)
        return self.story(story_id)

    def edit_story(self, story_id: int, *, title: str | None, summary: str | None, actor: str,
                   version: int) -> dict:
        """The editor's title and summary for the newsletter, at the version they saw; logged."""
        with self._writing() as conn:
            stories.edit(conn, story_id, title=title, summary=summary, actor=actor, version=version)
        return self.story(story_id)

    def add_note(self, story_id: int, text: str, *, actor: str) -> int:
        with self._writing() as conn:
            return stories.add_note(conn, story_id, text, actor=actor)

    def undo(self, story_id: int, *, actor: str, version: int) -> str:
        """Take back the actor's last decision on the story (db/stories.py undo); says what it did."""
        with self._writing() as conn:
            return stories.undo(conn, story_id, actor=actor, version=version)

    def representative_of(self, story_id: int) -> int:
        """The candidate id of the copy that stands for the story."""
        found = self._value("SELECT representative_id FROM stories WHERE id = ?", [story_id])
        if found is None:
            self.story(story_id)   # NotFound for an unknown story
            raise NotFound(f"story {story_id} has no copies (it was merged into another)")
        return found

    # -- editors' decisions: on the story of the copy named (db/stories.py) ------------

    def set_status(
        self,
        id: int,
        status: str,
        *,
        section: str | None = None,
        actor: str = "cli",
        note: str | None = None,
        version: int | None = None,
    ) -> dict:
        """Decide the status (and section, if given) of the story of copy id, logged in the same
        transaction; with version, refused (Conflict) when the story changed since it was read."""
        return self._decide(id, status=status, section=section, actor=actor, note=note, version=version)

    def move(self, id: int, section: str, *, actor: str = "cli", version: int | None = None) -> dict:
        """Put the story of copy id into another section, logged; its status stays."""
        if not section or not section.strip():
            raise StoreError("a section name is needed to move a story")
        return self._decide(id, section=section, actor=actor, version=version)

    def _decide(self, id: int, **decision) -> dict:
        with self._writing() as conn:
            stories.decide(conn, stories.story_of(conn, id), candidate_id=id, **decision)
        return self.get_candidate(id)

    def status_log(self, candidate_id: int | None = None) -> list[dict]:
        """Status changes, oldest first; of the story of one copy when candidate_id is given."""
        if candidate_id is None:
            return self._rows("SELECT * FROM status_log ORDER BY id")
        return self._rows(
            "SELECT * FROM status_log WHERE story_id = (SELECT cluster_id FROM candidates WHERE id = ?) ORDER BY id",
            [candidate_id],
        )

    def search(self, query: str, limit: int = 50) -> list[dict]:
        """Candidates whose title or text contains every whitespace-separated term, with their story's status."""
        return queue.search(self.conn, query, limit)

    def counts(self) -> dict:
        """Totals: candidates, stories, pending_stories (the default queue) and stories in each status."""
        return queue.counts(self.conn)

    # -- the near-duplicate index (db/fingerprint_index.py) ----------------------------

    def fingerprint_postings(
        self, hashes: Iterable[int], day: int, window_days: int, per_hash: int
    ) -> dict[int, list[tuple[int, int]]]:
        """For each hash: up to per_hash (candidate_id, cluster_id) of candidates dated within
        window_days of day that have it, newest first; hashes nobody has are left out."""
        return fingerprint_index.postings(self.conn, hashes, day - window_days, day + window_days, per_hash)

    def candidate_texts(self, ids: Iterable[int]) -> dict[int, tuple[int, str, int | None]]:
        """{id: (cluster_id, text, content)} of these candidates; content is the size the index
        recorded for the text less its template (None when not indexed)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, tuple[int, str, int | None]] = {}
        for start in range(0, len(wanted), candidates.PARAMS_PER_QUERY):
            chunk = wanted[start : start + candidates.PARAMS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            for id, cluster_id, text, content in self.conn.execute(
                "SELECT c.id, c.cluster_id, c.text, f.content FROM candidates c "
                f"LEFT JOIN fingerprinted f ON f.candidate_id = c.id WHERE c.id IN ({marks})", chunk
            ):
                found[id] = (cluster_id, text, content)
        return found

    def unindexed_candidates(self, limit: int = 500) -> list[dict]:
        """Candidates without fingerprints (stored before the index existed), oldest first:
        id, text, published_at, first_seen_at."""
        keys = ("id", "text", "published_at", "first_seen_at")
        return [dict(zip(keys, row, strict=True)) for row in fingerprint_index.unindexed(self.conn, limit)]

    def save_fingerprints(self, items: Iterable[tuple[int, Fingerprints]]) -> int:
        """Index stored candidates, (id, fingerprints) each, in one transaction; returns how many."""
        saved = 0
        with self._writing() as conn:
            for candidate_id, fingerprints in items:
                row = conn.execute(
                    "SELECT published_at, first_seen_at FROM candidates WHERE id = ?", [candidate_id]
                ).fetchone()
                if row is None:
                    raise NotFound(f"no candidate with id {candidate_id}")
                fingerprint_index.write(conn, candidate_id, fingerprint_index.story_day(*row), fingerprints)
                saved += 1
        return saved

    # -- editors' corrections of the clustering (db/story_edits.py) -------------------

    def split(self, id: int, *, actor: str = "cli") -> dict:
        """Make a copy a story of its own, logged: {candidate_id, story, left_story, copies_left}."""
        with self._writing() as conn:
            return story_edits.split(conn, id, actor)

    def merge(self, id: int, other_id: int, *, actor: str = "cli") -> dict:
        """Fold other_id's story into id's, logged: {story, moved, copies}."""
        with self._writing() as conn:
            return story_edits.merge(conn, id, other_id, actor)

    def story_edits(self, candidate_id: int | None = None) -> list[dict]:
        """Splits and merges, oldest first; those naming candidate_id when given."""
        if candidate_id is None:
            return self._rows("SELECT * FROM story_edits ORDER BY id")
        return self._rows(
            "SELECT * FROM story_edits WHERE ? IN (candidate_id, other_id) ORDER BY id", [candidate_id]
        )

    # -- issues of the newsletter (db/issues.py) ----------------------------------------

    def create_issue(self, *, year: int, number: int, total: int, month: int, story_ids: Sequence[int],
                     actor: str) -> dict:
        """A draft issue holding these approved stories in this order; returns its row."""
        with self._writing() as conn:
            issue_id = issues.create(conn, year=year, number=number, total=total, month=month,
                                     story_ids=story_ids, actor=actor)
        return issues.get(self.conn, issue_id)

    def issue(self, *, total: int | None = None, year: int | None = None, number: int | None = None) -> dict:
        """The issue with this running number (总第M期), or this number within its year; NotFound otherwise."""
        return issues.find(self.conn, total=total, year=year, number=number)

    def issues(self) -> list[dict]:
        """Every issue, the latest first, each with its number of stories."""
        return issues.listing(self.conn)

    def latest_issue(self) -> dict | None:
        return issues.latest(self.conn)

    def issue_entries(self, issue_id: int) -> list[dict]:
        """The issue's stories in order, with their decision and representative copy (db/issues.py entries)."""
        return issues.entries(self.conn, issue_id)

    def offered_stories(self) -> list[dict]:
        """Approved stories in no issue yet, newest first, shaped as issue_entries' rows."""
        return issues.offered(self.conn)

    def add_to_issue(self, issue_id: int, story_id: int, *, actor: str, version: int | None = None) -> dict:
        """Put an approved story in no issue at the end of a draft; returns the issue's row."""
        with self._writing() as conn:
            issues.add(conn, issue_id, story_id, actor=actor, version=version)
        return issues.get(self.conn, issue_id)

    def remove_from_issue(self, issue_id: int, story_id: int, *, actor: str, version: int | None = None) -> dict:
        """Take a story out of a draft (it is offered again); returns the issue's row."""
        with self._writing() as conn:
            issues.remove(conn, issue_id, story_id, actor=actor, version=version)
        return issues.get(self.conn, issue_id)

    def reorder_issue(self, issue_id: int, story_ids: Sequence[int], *, actor: str,
                      version: int | None = None) -> dict:
        """Put a draft's stories in this order (each named once); returns the issue's row."""
        with self._writing() as conn:
            issues.reorder(conn, issue_id, story_ids, actor=actor, version=version)
        return issues.get(self.conn, issue_id)

    def correct_issue_story(self, issue_id: int, story_id: int, *, outlet: str | None, ran_on: str | None,
                            actor: str, version: int | None = None) -> dict:
        """The outlet and date (YYYY-MM-DD) a draft prints for a story, None for its copy's; the issue's row."""
        with self._writing() as conn:
            issues.correct(conn, issue_id, story_id, outlet=outlet, ran_on=ran_on, actor=actor, version=version)
        return issues.get(self.conn, issue_id)

    def publish_issue(self, issue_id: int, *, version: int, masthead: str, closing: dict, printed: Sequence[dict],
                      actor: str, at: str) -> dict:
        """Record a draft as published with what was printed (db/issues.py publish); returns the issue's row."""
        with self._writing() as conn:
            issues.publish(conn, issue_id, version=version, masthead=masthead, closing=closing, printed=printed,
                           actor=actor, at=at)
        return issues.get(self.conn, issue_id)

    # -- runs ------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        """Record a run of source as started by this process."""
        with self._writing() as conn:
            return run_records.start(conn, source)

    def run_progress(
        self, run_id: int, *, pages: int, duplicates: int, errors: list[tuple[str | None, str]],
        notes: list[tuple[str | None, str]] = (),
    ) -> None:
        """Write a running run's counts and the errors and notes not written yet, so a kill loses nothing."""
        with self._writing() as conn:
            run_records.progress(conn, run_id, pages=pages, duplicates=duplicates, errors=errors, notes=notes)

    def finish_run(
        self,
        run_id: int,
        *,
        pages: int,
        duplicates: int,
        errors: list[tuple[str | None, str]],
        summary: str | None = None,
        not_modified: bool = False,
        cut_short: str | None = None,
        notes: list[tuple[str | None, str]] = (),
    ) -> dict:
        """Close a run with the errors and notes not written yet; `new` is what it stored; its status is
        db.runs.run_status()'s (notes do not count against it): not_modified for a source that answered
        HTTP 304, cut_short (timed_out, interrupted) for a run ended on purpose."""
        with self._writing() as conn:
            run_records.finish(conn, run_id, pages=pages, duplicates=duplicates, errors=errors, summary=summary,
                               not_modified=not_modified, cut_short=cut_short, notes=notes)
        return run_records.with_messages(self.conn, self._rows("SELECT * FROM runs WHERE id = ?", [run_id]))[0]

    def close_orphaned_runs(self) -> int:
        """Close as interrupted the runs whose process is gone (done whenever the store is opened)."""
        if self.readonly or not self._value("SELECT 1 FROM runs WHERE status = 'running' LIMIT 1"):
            return 0
        with self._writing() as conn:
            return run_records.close_orphaned(conn)

    def runs(self, source: str | None = None, limit: int = 20) -> list[dict]:
        """Runs newest first, each with its "errors" and "notes" [{url, message}]."""
        return run_records.listing(self.conn, source, limit)

    def last_run(self, source: str) -> dict | None:
        rows = self.runs(source, limit=1)
        return rows[0] if rows else None

    def set_backoff(self, source: str, until: str, reason: str) -> None:
        """Leave source alone until `until` (ISO 8601), e.g. because its site sent a long Retry-After."""
        with self._writing() as conn:
            source_state.set_backoff(conn, source, until, reason)

    def backoffs(self, *, scheduled: bool = False) -> dict[str, tuple[str, str]]:
        """{source: (until, reason)} for the sources to be left alone still: their site asked us to, or (for a
        scheduled crawl) they failed and wait for their next try (db/source_state.py, the one rule)."""
        return source_state.backoffs(self.conn, scheduled=scheduled)

    # -- schedules, locks and the scheduler (db/source_state.py, db/locks.py, db/heartbeat.py) --

    def schedule_states(self) -> dict[str, dict]:
        """{source: its schedule state} (slot_at, due_at, retry_at, retry_reason, schedule, backoff_until,
        backoff_reason), for the sources that have one."""
        return source_state.schedule_states(self.conn)

    def save_schedules(self, states: dict[str, dict]) -> None:
        """Write {source: schedule fields} in one transaction."""
        with self._writing() as conn:
            for source, fields in states.items():
                source_state.save_schedule(conn, source, **fields)

    def claim_sources(self, sites: dict[str, str], *, due_by: str | None = None) -> locks.Claim:
        """Lock {source: its site} for this process in one transaction: those another live process crawls are
        left out, and with due_by those not due by then (db/locks.py)."""
        with self._writing() as conn:
            return locks.claim(conn, sites, due_by=due_by)

    def release_claims(self) -> int:
        """Free every lock this process holds."""
        with self._writing() as conn:
            return locks.release(conn)

    def crawl_locks(self) -> dict[str, tuple[str, str]]:
        """{lock name ("source:NAME", "site:SITE"): (holder's pid, since when)} of the locks held by live processes."""
        return locks.held(self.conn)

    def failure_streak(self, source: str) -> tuple[int, str | None, str | None]:
        """(failed runs in a row, when the first started, when the last ended) of a source (db.runs.FAILED_RUN)."""
        return run_records.failure_streak(self.conn, source)

    def new_item_times(self, source: str, limit: int = 30) -> list[str]:
        """When the source's latest runs that stored something new started, newest first."""
        return run_records.new_item_times(self.conn, source, limit)

    def running_runs_of(self, process: str) -> list[dict]:
        """The runs a process (db.process_identity) has running: id, source, started_at."""
        return run_records.running_of(self.conn, process)

    def close_cut_short(self, closing: dict[int, tuple[str, str]]) -> None:
        """Close running runs whose process cannot ({run id: (timed_out | interrupted, why)}), in one transaction."""
        with self._writing() as conn:
            for run_id, (status, summary) in closing.items():
                run_records.close_cut_short(conn, run_id, status, summary)

    def take_scheduler(self, note: str) -> None:
        """Become the home's scheduler; StoreError while another live process is it."""
        with self._writing() as conn:
            heartbeat.take(conn, note)

    def scheduler_beat(self, note: str, *, stopped: bool = False) -> None:
        with self._writing() as conn:
            heartbeat.beat(conn, note, stopped=stopped)

    def scheduler_state(self) -> dict | None:
        """The scheduler's process, started_at, beat_at, stopped_at, note and whether it is running."""
        return heartbeat.state(self.conn)

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

    # -- the classifier's labels and verdicts (db/labels.py) ---------------------------

    def decided_stories(self) -> list[dict]:
        """Stories an editor decided on, with what they did (labels for the classifier)."""
        return labels.decided_stories(self.conn)

    def decisions_since(self, log_id: int) -> int:
        """Editor decisions logged after status_log row log_id."""
        return labels.decisions_since(self.conn, log_id)

    def undecided_stories(self, statuses: tuple[str, ...] = ("pending", "filtered")) -> list[dict]:
        """Stories no editor has decided yet, in these statuses, each with its version."""
        return labels.undecided_stories(self.conn, statuses)

    def reclassify(self, verdicts: Iterable[dict]) -> int:
        """Write new verdicts (id, story_id, version, section, status, section_confidence, relevance,
        explanation, classified_by) in one transaction; changes are logged. A story an editor decided,
        or that changed since its version was read, is left as it is. Returns how many were written."""
        with self._writing() as conn:
            return sum(labels.write_classification(conn, **verdict) for verdict in verdicts)

    # -- the desk's editors (db/users.py) ----------------------------------------------

    def add_user(self, name: str, password_hash: str) -> dict:
        """A new enabled editor account; refused when the name is taken."""
        with self._writing() as conn:
            return users.add(conn, name, password_hash)

    def user(self, name: str) -> dict:
        """An account: id, name, password_hash, enabled, version, created_at, updated_at, last_login_at."""
        return users.get(self.conn, name)

    def users(self) -> list[dict]:
        """Every account, by name."""
        return users.listing(self.conn)

    def update_user(self, name: str, *, password_hash: str | None = None, enabled: bool | None = None) -> dict:
        """A new password hash and/or enabled flag; bumps the account's version, ending its sessions."""
        fields = {key: value for key, value in (("password_hash", password_hash), ("enabled", enabled))
                  if value is not None}
        with self._writing() as conn:
            return users.update(conn, name, **fields)

    def record_login(self, name: str, password_hash: str | None = None) -> None:
        """A successful sign-in; password_hash replaces the stored one (a rehash) when given."""
        with self._writing() as conn:
            users.record_login(conn, name, password_hash)

    def record_login_failure(self, name: str, address: str) -> None:
        """A failed sign-in as name from address, dated now."""
        with self._writing() as conn:
            users.record_failure(conn, name, address)

    def login_failures(self, *, name: str, name_since: str, address: str, address_since: str) -> tuple[int, int]:
        """(failed sign-ins as name after name_since, from address after address_since); times UTC ISO 8601."""
        return users.failures(self.conn, name=name, name_since=name_since, address=address,
                              address_since=address_since)
