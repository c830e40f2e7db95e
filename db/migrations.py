"""The schema of newsdesk.db, built only by these migrations, applied in order on open."""

import logging

from sqlite_utils import Database, Migrations

logger = logging.getLogger(__name__)

migrations = Migrations("newsdesk")


@migrations()
def m001_candidates(db: Database) -> None:
    # cluster_id stays a plain column: near-duplicate clustering (a later issue) only rewrites it.
    db.executescript(
        """
        CREATE TABLE candidates (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            fetched_url TEXT,
            source TEXT NOT NULL,
            outlet TEXT,
            title TEXT,
            author TEXT,
            published_at TEXT,
            text TEXT NOT NULL,
            summary TEXT,
            text_hash TEXT,
            cluster_id INTEGER,
            section TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'rejected', 'filtered')),
            language TEXT,
            first_seen_at TEXT NOT NULL,
            updated_at TEXT
        );
        CREATE INDEX candidates_text_hash ON candidates (text_hash);
        -- Covers the per-cluster counts of the queue without reading article rows.
        CREATE INDEX candidates_cluster_id ON candidates (cluster_id, outlet, source);
        CREATE INDEX candidates_fetched_url ON candidates (fetched_url);
        CREATE INDEX candidates_status ON candidates (status);
        -- A new candidate is its own cluster until clustering says otherwise.
        CREATE TRIGGER candidates_own_cluster AFTER INSERT ON candidates
        WHEN NEW.cluster_id IS NULL
        BEGIN
            UPDATE candidates SET cluster_id = NEW.id WHERE id = NEW.id;
        END;
        """
    )


@migrations()
def m002_status_log(db: Database) -> None:
    # Append-only: the editors' decisions are the one thing we must never lose or rewrite.
    db.executescript(
        """
        CREATE TABLE status_log (
            id INTEGER PRIMARY KEY,
            candidate_id INTEGER NOT NULL REFERENCES candidates (id),
            old_status TEXT,
            new_status TEXT NOT NULL,
            old_section TEXT,
            new_section TEXT,
            actor TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX status_log_candidate_id ON status_log (candidate_id);
        CREATE TRIGGER status_log_no_update BEFORE UPDATE ON status_log
        BEGIN
            SELECT RAISE(ABORT, 'status_log is append-only: rows cannot be updated');
        END;
        CREATE TRIGGER status_log_no_delete BEFORE DELETE ON status_log
        BEGIN
            SELECT RAISE(ABORT, 'status_log is append-only: rows cannot be deleted');
        END;
        """
    )


@migrations()
def m003_runs(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'empty', 'failed', 'partial')),
            summary TEXT
        );
        CREATE INDEX runs_source ON runs (source, id);
        CREATE TABLE run_errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            url TEXT,
            message TEXT NOT NULL
        );
        CREATE INDEX run_errors_run_id ON run_errors (run_id);
        """
    )


@migrations()
def m004_http_validators(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE http_validators (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_candidates_fts(db: Database) -> None:
    # trigram finds Chinese substrings of 3+ characters without a segmenter; shorter terms
    # fall back to LIKE (db/search.py). Triggers fire only on title/text changes, so a
    # status change does not re-index a whole article.
    db.executescript(
        """
        CREATE VIRTUAL TABLE candidates_fts USING fts5 (
            title, text, content='candidates', content_rowid='id', tokenize='trigram'
        );
        INSERT INTO candidates_fts (rowid, title, text) SELECT id, title, text FROM candidates;
        CREATE TRIGGER candidates_fts_insert AFTER INSERT ON candidates
        BEGIN
            INSERT INTO candidates_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text);
        END;
        CREATE TRIGGER candidates_fts_delete AFTER DELETE ON candidates
        BEGIN
            INSERT INTO candidates_fts (candidates_fts, rowid, title, text)
            VALUES ('delete', OLD.id, OLD.title, OLD.text);
        END;
        CREATE TRIGGER candidates_fts_update AFTER UPDATE OF title, text ON candidates
        BEGIN
            INSERT INTO candidates_fts (candidates_fts, rowid, title, text)
            VALUES ('delete', OLD.id, OLD.title, OLD.text);
            INSERT INTO candidates_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text);
        END;
        """
    )


@migrations()
def m006_near_duplicates(db: Database) -> None:
    # authority: the source's, copied onto each candidate when stored, so the rule choosing a story's
    # representative (db/clusters.py) needs nothing but this table.
    # fingerprints: the near-duplicate index (db/fingerprint_index.py). One row per sampled hash;
    # (fingerprint, day) leads the key so a lookup reads one hash's rows of a window of days and no
    # more. fingerprinted marks the candidates indexed, with the size of their text less its template
    # (content, in shingles); the crawler indexes the rest (every candidate stored before this
    # migration) when it opens the store.
    # story_edits: editors' splits and merges, append-only like status_log.
    db.executescript(
        """
        ALTER TABLE candidates ADD COLUMN authority REAL NOT NULL DEFAULT 1.0;
        CREATE TABLE fingerprints (
            fingerprint INTEGER NOT NULL,
            day INTEGER NOT NULL,
            candidate_id INTEGER NOT NULL,
            PRIMARY KEY (fingerprint, day, candidate_id)
        ) WITHOUT ROWID;
        CREATE TABLE fingerprinted (
            candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id),
            level INTEGER NOT NULL,
            content INTEGER NOT NULL,
            day INTEGER NOT NULL
        );
        CREATE TABLE story_edits (
            id INTEGER PRIMARY KEY,
            action TEXT NOT NULL CHECK (action IN ('split', 'merge')),
            candidate_id INTEGER NOT NULL REFERENCES candidates (id),
            other_id INTEGER REFERENCES candidates (id),
            old_cluster_id INTEGER NOT NULL,
            new_cluster_id INTEGER NOT NULL,
            moved INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX story_edits_candidate_id ON story_edits (candidate_id);
        CREATE TRIGGER story_edits_no_update BEFORE UPDATE ON story_edits
        BEGIN
            SELECT RAISE(ABORT, 'story_edits is append-only: rows cannot be updated');
        END;
        CREATE TRIGGER story_edits_no_delete BEFORE DELETE ON story_edits
        BEGIN
            SELECT RAISE(ABORT, 'story_edits is append-only: rows cannot be deleted');
        END;
        """
    )



@migrations()
def m007_fingerprinted_clusters(db: Database) -> None:
    # A lookup in the index needs each candidate's cluster: reading it from this narrow table, which
    # stays in the page cache, rather than from the candidates and their texts keeps a lookup as fast
    # with 200,000 stored as with 10,000. The trigger keeps the copy right through splits and merges.
    db.executescript(
        """
        ALTER TABLE fingerprinted ADD COLUMN cluster_id INTEGER NOT NULL DEFAULT 0;
        UPDATE fingerprinted
        SET cluster_id = (SELECT cluster_id FROM candidates WHERE candidates.id = fingerprinted.candidate_id);
        CREATE TRIGGER fingerprinted_cluster AFTER UPDATE OF cluster_id ON candidates
        BEGIN
            UPDATE fingerprinted SET cluster_id = NEW.cluster_id WHERE candidate_id = NEW.id;
        END;
        """
    )


@migrations()
def m020_classify_candidates(db: Database) -> None:
    # What the classifier decided for each candidate, beside the section it chose: how sure it
    # was, how relevant the story is to the newsletter's topic, why, and which model decided.
    db.executescript(
        """
        ALTER TABLE candidates ADD COLUMN section_confidence REAL;
        ALTER TABLE candidates ADD COLUMN relevance REAL;
        ALTER TABLE candidates ADD COLUMN explanation TEXT;
        ALTER TABLE candidates ADD COLUMN classified_by TEXT;
        """
    )


@migrations()
def m021_runs_interrupted(db: Database) -> None:
    # Runs end "timed_out" (the per-source time limit) or "interrupted" (a signal, or a process that
    # died: the run's `process` says which one ran it). SQLite cannot change a CHECK constraint, so the
    # table is rebuilt (the store applies migrations with foreign keys off, then checks them).
    # candidates.run_id: the run that stored each candidate, so a killed run's count is exact.
    # source_state: what a source asked of us, e.g. to come back later (Retry-After).
    db.executescript(
        """
        CREATE TABLE runs_new (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'empty', 'failed', 'partial', 'timed_out', 'interrupted')),
            summary TEXT,
            process TEXT
        );
        INSERT INTO runs_new (id, source, started_at, finished_at, pages, new, duplicates, error_count,
                              status, summary)
        SELECT id, source, started_at, finished_at, pages, new, duplicates, error_count, status, summary
        FROM runs;
        -- Runs left running by an earlier version: their process is unknown, and gone by now.
        UPDATE runs_new SET status = 'interrupted', finished_at = started_at,
            summary = 'interrupted: closed when the database was upgraded'
        WHERE status = 'running';
        DROP TABLE runs;
        ALTER TABLE runs_new RENAME TO runs;
        CREATE INDEX runs_source ON runs (source, id);
        CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

        ALTER TABLE candidates ADD COLUMN run_id INTEGER REFERENCES runs (id);
        CREATE INDEX candidates_run_id ON candidates (run_id) WHERE run_id IS NOT NULL;

        CREATE TABLE source_state (
            source TEXT PRIMARY KEY,
            backoff_until TEXT,
            backoff_reason TEXT,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m022_stories(db: Database) -> None:
    # Editors decide on stories, not on copies: status, section, the editor's title and summary and a
    # version (bumped by every change, so a write can be made conditional on what its writer read) move
    # from each candidate to its story. candidates.cluster_id names the story. A candidate keeps what
    # the classifier suggested for it (suggested_section, beside its confidence and relevance).
    # A story takes the newest editor decision made on any of its copies, else its representative's
    # status and section (the rule of db/clusters.py, written out here as it stands today).
    db.executescript(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'rejected', 'filtered')),
            section TEXT,
            title TEXT,
            summary TEXT,
            decided_by TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            merged_into INTEGER REFERENCES stories (id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_status_section ON stories (status, section);

        WITH places AS (
            SELECT id, cluster_id, status, section, first_seen_at, COALESCE(updated_at, first_seen_at) AS changed,
                   ROW_NUMBER() OVER (PARTITION BY cluster_id ORDER BY authority DESC,
                       julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id) AS place
            FROM candidates
        ),
        decisions AS (
            SELECT c.cluster_id, l.new_status, l.new_section, l.actor,
                   ROW_NUMBER() OVER (PARTITION BY c.cluster_id ORDER BY l.id DESC) AS newest
            FROM status_log l JOIN candidates c ON c.id = l.candidate_id
            WHERE l.actor NOT IN ('crawler', 'classifier')
        )
        INSERT INTO stories (id, status, section, decided_by, created_at, updated_at)
        SELECT p.cluster_id,
               COALESCE(d.new_status, p.status),
               CASE WHEN d.actor IS NULL THEN p.section ELSE d.new_section END,
               d.actor,
               (SELECT MIN(first_seen_at) FROM places q WHERE q.cluster_id = p.cluster_id),
               (SELECT MAX(changed) FROM places q WHERE q.cluster_id = p.cluster_id)
        FROM places p LEFT JOIN decisions d ON d.cluster_id = p.cluster_id AND d.newest = 1
        WHERE p.place = 1;

        DROP TRIGGER status_log_no_update;
        ALTER TABLE status_log ADD COLUMN story_id INTEGER REFERENCES stories (id);
        UPDATE status_log SET story_id = (SELECT cluster_id FROM candidates WHERE id = status_log.candidate_id);
        CREATE INDEX status_log_story_id ON status_log (story_id);
        CREATE TRIGGER status_log_no_update BEFORE UPDATE ON status_log
        BEGIN
            SELECT RAISE(ABORT, 'status_log is append-only: rows cannot be updated');
        END;

        DROP TRIGGER candidates_own_cluster;
        DROP INDEX candidates_status;
        ALTER TABLE candidates DROP COLUMN status;
        ALTER TABLE candidates RENAME COLUMN section TO suggested_section;
        """
    )


@migrations()
def m023_candidate_charset(db: Database) -> None:
    # The codec a page's bytes were read with: pages lie about it, and an operator checking a garbled
    # story wants to know what was used.
    db.executescript("ALTER TABLE candidates ADD COLUMN charset TEXT;")


@migrations()
def m024_run_notes(db: Database) -> None:
    # A run's record tells errors (failures, counted in error_count and the run's status) from notes
    # (worth telling, not failures: a source that moved, a text cut to max_text_chars).
    db.executescript("ALTER TABLE run_errors ADD COLUMN level TEXT NOT NULL DEFAULT 'error' "
                     "CHECK (level IN ('error', 'note'));")


@migrations()
def m025_story_listing(db: Database) -> None:
    # What the queue lists and sorts by, kept on each story (db/listing.py refreshes it whenever a copy
    # joins, a story is split or merged, or the classifier re-reads it): paging deep into a queue of
    # 140,000 stories then walks an index instead of ranking every copy of every story on each request.
    # sort_day: julianday of the representative's own date (-1: undated, listed last); relevance: the
    # representative's (-1: unknown); source: the representative's.
    db.executescript(
        """
        ALTER TABLE stories ADD COLUMN representative_id INTEGER REFERENCES candidates (id);
        ALTER TABLE stories ADD COLUMN copies INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE stories ADD COLUMN outlets INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE stories ADD COLUMN sort_day REAL NOT NULL DEFAULT -1;
        ALTER TABLE stories ADD COLUMN relevance REAL NOT NULL DEFAULT -1;
        ALTER TABLE stories ADD COLUMN confidence REAL;
        ALTER TABLE stories ADD COLUMN source TEXT;

        WITH places AS (
            SELECT id, cluster_id, source, relevance, section_confidence, julianday(published_at) AS day,
                   ROW_NUMBER() OVER (PARTITION BY cluster_id ORDER BY authority DESC,
                       julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id) AS place
            FROM candidates
        ),
        tallies AS (
            SELECT cluster_id, COUNT(*) AS copies,
                   COUNT(DISTINCT source || char(31) || COALESCE(outlet, '')) AS outlets
            FROM candidates GROUP BY cluster_id
        )
        UPDATE stories SET representative_id = p.id, copies = t.copies, outlets = t.outlets,
            sort_day = COALESCE(p.day, -1), relevance = COALESCE(p.relevance, -1),
            confidence = p.section_confidence, source = p.source
        FROM places p JOIN tallies t ON t.cluster_id = p.cluster_id
        WHERE p.cluster_id = stories.id AND p.place = 1;

        DROP INDEX stories_status_section;
        CREATE INDEX stories_by_date ON stories (status, sort_day DESC, id DESC);
        CREATE INDEX stories_by_section_date ON stories (status, section, sort_day DESC, id DESC);
        CREATE INDEX stories_by_relevance ON stories (status, relevance DESC, id DESC);
        CREATE INDEX stories_by_section_relevance ON stories (status, section, relevance DESC, id DESC);
        CREATE INDEX stories_by_outlets ON stories (status, outlets DESC, id DESC);
        CREATE INDEX stories_by_section_outlets ON stories (status, section, outlets DESC, id DESC);
        CREATE INDEX stories_any_status_by_date ON stories (sort_day DESC, id DESC);
        """
    )


@migrations()
def m026_search_words(db: Database) -> None:
    # Full-text search by pairs of characters (db/search.py) instead of trigrams: two-character words by
    # index, and half the size. Contentless: the texts are in candidates already; only rowids come back.
    # The store writes a candidate's words in the transaction that inserts it.
    from .search import search_words

    db.executescript(
        """
        DROP TRIGGER candidates_fts_insert;
        DROP TRIGGER candidates_fts_delete;
        DROP TRIGGER candidates_fts_update;
        DROP TABLE candidates_fts;
        CREATE VIRTUAL TABLE search_words USING fts5 (
            title, text, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2'
        );
        """
    )
    conn = db.conn
    last = 0
    while True:
        batch = conn.execute("SELECT id, title, text FROM candidates WHERE id > ? ORDER BY id LIMIT 2000",
                             [last]).fetchall()
        if not batch:
            break
        conn.executemany("INSERT INTO search_words (rowid, title, text) VALUES (?, ?, ?)",
                         [(id, search_words(title), search_words(text)) for id, title, text in batch])
        last = batch[-1][0]


@migrations()
def m027_story_notes(db: Database) -> None:
    # Editors' notes on a story, append-only like its decisions.
    db.executescript(
        """
        CREATE TABLE story_notes (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories (id),
            actor TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX story_notes_story_id ON story_notes (story_id);
        CREATE TRIGGER story_notes_no_update BEFORE UPDATE ON story_notes
        BEGIN
            SELECT RAISE(ABORT, 'story_notes is append-only: rows cannot be updated');
        END;
        CREATE TRIGGER story_notes_no_delete BEFORE DELETE ON story_notes
        BEGIN
            SELECT RAISE(ABORT, 'story_notes is append-only: rows cannot be deleted');
        END;
        """
    )


@migrations()
def m028_story_counts_index(db: Database) -> None:
    # The desk's tab counts (stories per status and section) read this index alone, not the story rows.
    db.executescript("CREATE INDEX stories_counts ON stories (status, section) WHERE copies > 0;")


@migrations()
def m029_candidate_story_index(db: Database) -> None:
    # A search hit (a candidate) is turned into its story by this index alone: a candidate's row holds its
    # text, which precedes cluster_id, so reading cluster_id from the row reads the text's pages too.
    db.executescript("CREATE INDEX candidates_story ON candidates (id, cluster_id);")


@migrations()
def m030_users(db: Database) -> None:
    # The desk's editors. The password hash is the KDF's whole encoded string (review/accounts.py makes and checks
    # it); the store never sees a password. version is bumped by a new password or disabling, so a session signed
    # for an older version ends. login_failures: one dated row per failed sign-in, so the rate limit holds across
    # restarts and between processes; rows older than a day are pruned when a new one is written.
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_login_at TEXT
        );
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX login_failures_name ON login_failures (name, at);
        CREATE INDEX login_failures_address ON login_failures (address, at);
        """
    )


@migrations()
def m040_scheduling(db: Database) -> None:
    # The schedule of each source, kept so that it survives a restart (scheduler/ computes it): the regular
    # time its next run is for (slot_at), when it runs (due_at: the slot plus jitter, or later while it backs
    # off), the failure backoff (retry_at, retry_reason) beside the site's own (backoff_until), and the
    # schedule they were computed for. crawl_locks: a source (or a site) being crawled, by the process named;
    # a lock whose process is gone is free. scheduler: the daemon's heartbeat, one row.
    db.executescript(
        """
        ALTER TABLE source_state ADD COLUMN slot_at TEXT;
        ALTER TABLE source_state ADD COLUMN due_at TEXT;
        ALTER TABLE source_state ADD COLUMN retry_at TEXT;
        ALTER TABLE source_state ADD COLUMN retry_reason TEXT;
        ALTER TABLE source_state ADD COLUMN schedule TEXT;
        CREATE TABLE crawl_locks (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            taken_at TEXT NOT NULL
        );
        CREATE INDEX crawl_locks_holder ON crawl_locks (holder);
        CREATE TABLE scheduler (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            process TEXT NOT NULL,
            started_at TEXT NOT NULL,
            beat_at TEXT NOT NULL,
            stopped_at TEXT,
            note TEXT
        );
        CREATE INDEX runs_new_items ON runs (source, id) WHERE new > 0;
        """
    )


@migrations()
def m050_issues(db: Database) -> None:
    # Issues of the newsletter and the stories in them. A story is in at most one issue (story_id UNIQUE): an
    # issue's stories are never offered again, and removing one from a draft offers it again. While an issue
    # is a draft its stories are read live (their section, the editor's title and summary, the representative's
    # text); outlet and ran_on hold the editor's corrections there. Publishing (the first export) writes what
    # was printed into every column, and from then on the issue is a record: the triggers refuse any change,
    # so it exports again identically whatever happens to its stories or to sections.yaml.
    db.executescript(
        """
        CREATE TABLE issues (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            number INTEGER NOT NULL CHECK (number >= 1),
            total INTEGER NOT NULL UNIQUE CHECK (total >= 1),
            month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
            version INTEGER NOT NULL DEFAULT 1,
            masthead TEXT,
            closing TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            published_by TEXT,
            published_at TEXT,
            UNIQUE (year, number)
        );
        CREATE TABLE issue_stories (
            issue_id INTEGER NOT NULL REFERENCES issues (id),
            story_id INTEGER NOT NULL UNIQUE REFERENCES stories (id),
            position INTEGER NOT NULL,
            outlet TEXT,
            ran_on TEXT,
            section TEXT,
            title TEXT,
            body TEXT,
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (issue_id, story_id)
        );
        CREATE TRIGGER issues_published_no_update BEFORE UPDATE ON issues WHEN OLD.status = 'published'
        BEGIN
            SELECT RAISE(ABORT, 'a published issue is a record: it cannot change');
        END;
        CREATE TRIGGER issues_published_no_delete BEFORE DELETE ON issues WHEN OLD.status = 'published'
        BEGIN
            SELECT RAISE(ABORT, 'a published issue is a record: it cannot be deleted');
        END;
        CREATE TRIGGER issue_stories_published_no_insert BEFORE INSERT ON issue_stories
        WHEN (SELECT status FROM issues WHERE id = NEW.issue_id) = 'published'
        BEGIN
            SELECT RAISE(ABORT, 'a published issue is a record: its stories cannot change');
        END;
        CREATE TRIGGER issue_stories_published_no_update BEFORE UPDATE ON issue_stories
        WHEN (SELECT status FROM issues WHERE id = OLD.issue_id) = 'published'
        BEGIN
            SELECT RAISE(ABORT, 'a published issue is a record: its stories cannot change');
        END;
        CREATE TRIGGER issue_stories_published_no_delete BEFORE DELETE ON issue_stories
        WHEN (SELECT status FROM issues WHERE id = OLD.issue_id) = 'published'
        BEGIN
            SELECT RAISE(ABORT, 'a published issue is a record: its stories cannot change');
        END;
        """
    )


@migrations()
def m051_issue_changed_by(db: Database) -> None:
    # Who changed a draft last (with updated_at), so that an editor whose change is refused for an older version
    # is told by whom the draft changed, and every change to a draft names its editor.
    db.executescript("ALTER TABLE issues ADD COLUMN updated_by TEXT;")
