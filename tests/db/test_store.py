"""The SQLite store against real database files: schema, queue, status log, search, runs."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from db import STATUSES, NotFound, Store, StoreError
from db.connection import write_transaction
from db.migrations import migrations


def candidate(n: int, **fields) -> dict:
    return {
        "url": f"https://news.example.cn/a/{n}.html",
        "source": "example",
        "title": f"标题 {n}",
        "text": f"正文 {n}",
        **fields,
    }


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "home" / "newsdesk.db") as opened:
        yield opened


# -- schema and connection -----------------------------------------------------------


def test_migrations_apply_once_and_are_recorded(tmp_path):
    path = tmp_path / "newsdesk.db"
    with Store(path) as first:
        applied = first.db.query(
            "SELECT name, applied_at FROM _sqlite_migrations WHERE migration_set = 'newsdesk'"
        )
        applied = list(applied)
    assert [row["name"] for row in applied] == [m.name for m in migrations._migrations]
    with Store(path) as again:
        assert list(again.db.query("SELECT name, applied_at FROM _sqlite_migrations")) == applied
        assert migrations.pending(again.db) == []


def old_database(path: Path, stop_before: str) -> sqlite3.Connection:
    """A newsdesk.db as an earlier version left it: migrations applied up to stop_before."""
    from sqlite_utils import Database

    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before=stop_before)
    return conn


def test_upgrading_keeps_runs_and_their_errors(tmp_path):
    path = tmp_path / "newsdesk.db"
    conn = old_database(path, "m021_runs_interrupted")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("INSERT INTO runs (source, started_at, finished_at, status, error_count) "
                 "VALUES ('a', '2026-11-01T00:00:00+00:00', '2026-11-01T00:01:00+00:00', 'partial', 1)")
    conn.execute("INSERT INTO run_errors (run_id, url, message) VALUES (1, 'https://a/1', 'HTTP 500')")
    conn.execute("INSERT INTO runs (source, started_at) VALUES ('b', '2026-11-02T00:00:00+00:00')")
    conn.close()
    with Store(path) as store:
        runs = {run["source"]: run for run in store.runs()}
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert runs["a"]["status"] == "partial"
    assert runs["a"]["errors"] == [{"url": "https://a/1", "message": "HTTP 500"}]
    assert runs["b"]["status"] == "interrupted"   # left running by the old version


def test_upgrading_moves_decisions_from_copies_to_their_stories(tmp_path):
    path = tmp_path / "newsdesk.db"
    conn = old_database(path, "m022_stories")
    add = ("INSERT INTO candidates (url, source, text, status, section, cluster_id, published_at, first_seen_at) "
           "VALUES (?, 's', '正文', ?, ?, ?, ?, '2026-11-01T00:00:00+00:00')")
    conn.execute(add, ["https://a/1", "pending", "政策要闻", None, "2026-11-01T09:00:00+08:00"])   # story 1
    conn.execute(add, ["https://a/2", "approved", "区域实践", 1, "2026-11-02T09:00:00+08:00"])    # its copy
    conn.execute(add, ["https://a/3", "filtered", "科技前沿", None, None])                          # story 3
    for id, status, section in ((1, "pending", "政策要闻"), (2, "pending", "政策要闻"), (3, "filtered", "科技前沿")):
        conn.execute("INSERT INTO status_log (candidate_id, new_status, new_section, actor, at) "
                     "VALUES (?, ?, ?, 'crawler', '2026-11-01T00:00:00+00:00')", [id, status, section])
    # An editor approved the copy, not the representative: the story is approved.
    conn.execute("INSERT INTO status_log (candidate_id, old_status, new_status, old_section, new_section, actor, at) "
                 "VALUES (2, 'pending', 'approved', '政策要闻', '区域实践', 'alice', '2026-11-03T00:00:00+00:00')")
    conn.close()
    with Store(path) as store:
        [approved] = store.queue("approved")
        assert (approved["id"], approved["section"], approved["decided_by"]) == (1, "区域实践", "alice")
        assert approved["suggested_section"] == "政策要闻"
        assert [row["id"] for row in store.queue("filtered")] == [3]
        assert {entry["story_id"] for entry in store.status_log(2)} == {1}
        assert store.decided_stories()[0]["story_id"] == 1
        # New stories after the upgrade get ids of their own.
        new, _ = store.add_candidate(candidate(9))
        assert store.get_candidate(new)["cluster_id"] not in (1, 3)


def test_connection_is_wal_with_foreign_keys_and_busy_timeout(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    # synchronous FULL (2): an answered decision survives a power cut
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_crawls_store_skips_the_fsync_per_commit_and_stays_consistent(tmp_path):
    # NORMAL (1) for the crawl's own writes: articles can be fetched again; WAL keeps the file whole.
    path = tmp_path / "newsdesk.db"
    with Store(path, durable=False) as crawl, Store(path) as desk:
        assert crawl.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
        assert desk.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        crawl.add_candidate(candidate(1))
        assert desk.get_candidate(1)["title"] == "标题 1"


def test_readers_are_not_blocked_by_an_open_write(tmp_path):
    path = tmp_path / "newsdesk.db"
    with Store(path) as writer, Store(path) as reader:
        writer.add_candidate(candidate(1))
        with write_transaction(writer.conn):
            writer.conn.execute("UPDATE candidates SET title = 'changing' WHERE id = 1")
            assert reader.get_candidate(1)["title"] == "标题 1"
        assert reader.get_candidate(1)["title"] == "changing"


def test_open_readonly_reads_but_never_writes(tmp_path):
    path = tmp_path / "newsdesk.db"
    with pytest.raises(StoreError, match="no database"):
        Store.open_readonly(path)
    with Store(path) as store:
        store.add_candidate(candidate(1))
    with Store.open_readonly(path) as readonly:
        assert readonly.known_urls([candidate(1)["url"]]) == {candidate(1)["url"]}
        with pytest.raises(StoreError, match="read-only"):
            readonly.add_candidate(candidate(2))
    with Store(path) as store:
        assert store.counts()["candidates"] == 1


def test_open_readonly_refuses_an_unmigrated_file(tmp_path):
    path = tmp_path / "newsdesk.db"
    sqlite3.connect(path).close()
    path.write_bytes(b"")  # an empty file is a valid, empty SQLite database
    with pytest.raises(StoreError, match="needs an upgrade"):
        Store.open_readonly(path)


def test_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "newsdesk.db"
    path.write_text("not sqlite at all, " * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


# -- candidates ----------------------------------------------------------------------


def test_a_url_is_stored_once(store):
    first = store.add_candidate(candidate(1))
    again = store.add_candidate(candidate(1, title="changed", text="changed"))
    assert first == (1, True)
    assert again == (1, False)
    assert store.get_candidate(1)["title"] == "标题 1"
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO candidates (url, source, text, first_seen_at) VALUES (?, 's', 't', 'now')",
            [candidate(1)["url"]],
        )
    assert len(store.status_log(1)) == 1


def test_add_candidate_rejects_bad_fields(store):
    with pytest.raises(StoreError, match="unknown candidate fields: colour"):
        store.add_candidate(candidate(1, colour="red"))
    with pytest.raises(StoreError, match="needs text"):
        store.add_candidate(candidate(1, text=""))
    with pytest.raises(StoreError, match="pending, approved, rejected, filtered"):
        store.add_candidate(candidate(1, status="maybe"))
    assert store.counts()["candidates"] == 0


def test_cluster_defaults_to_own_id_and_exact_hash_finds_it(store):
    first, _ = store.add_candidate(candidate(1, text_hash="h1"))
    second, _ = store.add_candidate(candidate(2, text_hash="h2"))
    copy, _ = store.add_candidate(candidate(3, text_hash="h1", cluster_id=first))
    assert [store.get_candidate(i)["cluster_id"] for i in (first, second, copy)] == [first, second, first]
    assert store.cluster_of_text_hash("h1") == first
    assert store.cluster_of_text_hash("h2") == second
    assert store.cluster_of_text_hash("nope") is None


def test_known_urls_match_url_or_fetched_url(store):
    store.add_candidate(candidate(1, fetched_url="https://news.example.cn/a/1.html?from=rss"))
    asked = [candidate(1)["url"], "https://news.example.cn/a/1.html?from=rss", "https://other/"]
    assert store.known_urls(asked) == set(asked[:2])
    many = [f"https://x/{n}" for n in range(1200)] + [candidate(1)["url"]]
    assert store.known_urls(many) == {candidate(1)["url"]}


def test_get_candidate_not_found(store):
    with pytest.raises(NotFound, match="no candidate with id 99"):
        store.get_candidate(99)


# -- queue ---------------------------------------------------------------------------


@pytest.fixture
def story_store(store):
    """Three stories: one with four copies from three outlets (one page names none), two single."""
    rep, _ = store.add_candidate(candidate(1, outlet="新华社", published_at="2026-11-03T09:00:00+08:00"))
    later = "2026-11-03T10:00:00+08:00"
    store.add_candidate(candidate(2, outlet="人民网", cluster_id=rep, published_at=later))
    store.add_candidate(candidate(3, outlet="人民网", cluster_id=rep))
    store.add_candidate(candidate(4, source="gov-portal", cluster_id=rep))
    # 02:00 UTC is later than 09:00+08:00 (01:00 UTC) although it sorts first as text
    store.add_candidate(candidate(5, source="gov-portal", published_at="2026-11-03T02:00:00+00:00"))
    store.add_candidate(candidate(6, outlet="新华社"))
    return store


def test_queue_lists_one_row_per_story(story_store):
    rows = story_store.queue()
    assert [row["id"] for row in rows] == [5, 1, 6]
    by_id = {row["id"]: row for row in rows}
    assert (by_id[1]["copies"], by_id[1]["other_outlets"]) == (4, 2)  # 人民网 and gov-portal
    assert (by_id[5]["copies"], by_id[5]["other_outlets"]) == (1, 0)
    # Outlets as readers name them: the page's outlet, else its site; never the operator's source name.
    assert by_id[1]["outlet_names"] == ["新华社", "人民网", "news.example.cn"]
    assert by_id[1]["text"] == "正文 1" and by_id[1]["cluster_id"] == 1


def test_queue_all_copies_lists_every_candidate(story_store):
    rows = story_store.queue(all_copies=True)
    assert [row["id"] for row in rows] == [5, 2, 1, 6, 4, 3]  # dated newest first, undated last
    assert all({"copies", "other_outlets"} <= row.keys() for row in rows)
    by_id = {row["id"]: row for row in rows}
    assert (by_id[3]["copies"], by_id[3]["other_outlets"]) == (4, 2)


def test_queue_filters_by_status_section_and_source(story_store):
    story_store.set_status(1, "approved", section="区域实践")
    assert [row["id"] for row in story_store.queue()] == [5, 6]  # the story left the queue
    assert [row["id"] for row in story_store.queue("approved")] == [1]
    assert [row["id"] for row in story_store.queue(None, section="区域实践")] == [1]
    assert [row["id"] for row in story_store.queue(None)] == [5, 1, 6]
    # The decision is the story's: its copy from gov-portal left the pending queue with it.
    assert [row["id"] for row in story_store.queue(source="gov-portal", all_copies=True)] == [5]
    assert [row["id"] for row in story_store.queue(None, source="gov-portal", all_copies=True)] == [5, 4]
    assert len(story_store.queue(None, limit=2)) == 2
    with pytest.raises(StoreError, match="use one of"):
        story_store.queue("done")


def test_counts(story_store):
    story_store.set_status(6, "rejected")
    assert story_store.counts() == {
        "candidates": 6, "stories": 3, "pending_stories": 2,
        "pending": 2, "approved": 0, "rejected": 1, "filtered": 0,
    }


# -- status changes and their log ----------------------------------------------------


def test_set_status_logs_old_and_new(store):
    store.add_candidate(candidate(1, section="政策要闻"))
    row = store.set_status(1, "approved", section="区域实践", actor="alice", note="good")
    assert (row["status"], row["section"]) == ("approved", "区域实践")
    store.move(1, "会议论坛", actor="bob")
    store.set_status(1, "approved")  # no change, nothing logged
    log = store.status_log(1)
    keys = ("old_status", "new_status", "old_section", "new_section", "actor")
    changes = [tuple(entry[key] for key in keys) for entry in log]
    assert changes == [
        (None, "pending", None, "政策要闻", "crawler"),
        ("pending", "approved", "政策要闻", "区域实践", "alice"),
        ("approved", "approved", "区域实践", "会议论坛", "bob"),
    ]
    assert log[1]["note"] == "good"
    assert store.status_log() == log


def test_set_status_errors(store):
    store.add_candidate(candidate(1))
    with pytest.raises(StoreError, match="pending, approved, rejected, filtered"):
        store.set_status(1, "published")
    with pytest.raises(NotFound):
        store.set_status(42, "approved")
    with pytest.raises(NotFound):
        store.move(42, "政策要闻")
    assert set(STATUSES) == {"pending", "approved", "rejected", "filtered"}
    assert len(store.status_log()) == 1


def test_status_log_is_append_only(store):
    store.add_candidate(candidate(1))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE status_log SET new_status = 'approved'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM status_log")
    with pytest.raises(sqlite3.IntegrityError):  # the log keeps its candidate from being deleted
        store.conn.execute("DELETE FROM candidates")
    assert len(store.status_log()) == 1


# -- search --------------------------------------------------------------------------


@pytest.fixture
def news_store(store):
    store.add_candidate(candidate(1, title="上海发布数据要素市场方案", text="推进数据要素市场化配置改革"))
    store.add_candidate(candidate(2, title="量子计算取得新突破", text="科研团队实现量子纠错"))
    store.add_candidate(candidate(3, title="合肥算力中心投运", text="数据中心 100% 绿电, rate_limit 提高"))
    return store


def ids(rows):
    return sorted(row["id"] for row in rows)


def test_search_finds_chinese_terms_of_any_length_by_the_index_of_character_pairs(news_store):
    assert ids(news_store.search("数据要素")) == [1]
    assert ids(news_store.search("算力中心")) == [3]
    assert ids(news_store.search("数据")) == [1, 3]
    assert ids(news_store.search("量子")) == [2]
    assert ids(news_store.search("合")) == [3]            # a character alone: the pairs it begins
    assert ids(news_store.search("素")) == [1]            # ... and the runs it ends
    assert ids(news_store.search("据要素市")) == [1]      # any part of a run, not only whole words
    pairs = news_store.conn.execute(
        "SELECT rowid FROM search_words WHERE search_words MATCH '\"市场 场化\"'").fetchall()
    assert pairs == [(1,)]
    plan = " ".join(row[-1] for row in news_store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT c.id FROM candidates c WHERE c.id IN "
        "(SELECT rowid FROM search_words WHERE search_words MATCH '\"数据\"')"))
    assert "VIRTUAL TABLE INDEX" in plan and "SCAN c" not in plan, plan


def test_search_terms_are_anded(news_store):
    assert ids(news_store.search("数据 上海")) == [1]
    assert ids(news_store.search("数据 绿电")) == [3]
    assert ids(news_store.search("量子 数据")) == []
    assert ids(news_store.search("数据要素 市场化配置 上海")) == [1]
    assert news_store.search("   ") == []


@pytest.mark.parametrize(
    "query",
    ['"', '"数据', "数据*", "* NEAR", "NEAR(数据 量子)", "-量子", "AND OR NOT", "a:b", "(((", "^上海",
     "%", "_", "\\", "100%", "rate_limit", "{title}: 数据"],
)
def test_search_treats_syntax_in_input_as_text(news_store, query):
    news_store.search(query)  # never an FTS5 syntax error


def test_search_reads_words_and_never_wildcards(news_store):
    assert ids(news_store.search("100%")) == [3]          # the word 100; % is punctuation
    assert ids(news_store.search("rate_limit")) == [3]    # the words rate and limit, in that order
    assert ids(news_store.search("RATE")) == [3]          # case folded
    assert news_store.search("%") == news_store.search("%%") == []   # nothing to search for
    assert ids(news_store.search("a_")) == []             # no word "a"; never a wildcard


def test_search_shows_each_copys_story_status_and_the_index_is_sound(news_store):
    news_store.set_status(2, "rejected")
    assert [row["status"] for row in news_store.search("量子纠错")] == ["rejected"]
    news_store.conn.execute("INSERT INTO search_words (search_words) VALUES ('integrity-check')")


def test_search_takes_as_many_terms_as_the_limit_of_each_kind(news_store):
    from db.search import MAX_SEARCH_TERMS

    short = [chr(0x4E00 + n) for n in range(MAX_SEARCH_TERMS)]        # a prefix phrase each
    long = [f"术语{n:03d}" for n in range(MAX_SEARCH_TERMS)]           # one MATCH with every phrase
    assert news_store.search(" ".join(short)) == []
    assert news_store.search(" ".join(long)) == []
    assert ids(news_store.search(" ".join(["数据"] * MAX_SEARCH_TERMS))) == [1, 3]


@pytest.mark.parametrize("terms, message", [
    ([chr(0x4E00 + n) for n in range(1000)], "too many search terms (1000); use at most 100"),
    ([f"term{n}" for n in range(5000)], "too many search terms (5000); use at most 100"),
    (["数据", "量" * 5000], "a search term of 5000 characters is too long; use at most 200"),
])
def test_search_refuses_what_the_database_cannot_take(news_store, terms, message):
    with pytest.raises(StoreError) as raised:
        news_store.search(" ".join(terms))
    assert str(raised.value) == message


# -- runs ----------------------------------------------------------------------------


def test_runs_record_counts_and_errors(store):
    run_id = store.start_run("xinhua")
    assert store.last_run("xinhua")["status"] == "running"
    for n in range(7):
        store.add_candidate(candidate(n, run_id=run_id))
    run = store.finish_run(
        run_id, pages=10, duplicates=2,
        errors=[("https://x/1", "HTTP 500"), (None, "feed did not parse")],
    )
    assert (run["status"], run["pages"], run["new"], run["duplicates"], run["error_count"]) == (
        "partial", 10, 7, 2, 2,
    )
    assert run["errors"] == [
        {"url": "https://x/1", "message": "HTTP 500"},
        {"url": None, "message": "feed did not parse"},
    ]
    assert run["started_at"].endswith("+00:00") and run["finished_at"]
    assert store.runs("xinhua") == [run]


def test_a_running_run_is_written_as_it_goes(store):
    run_id = store.start_run("xinhua")
    store.add_candidate(candidate(1, run_id=run_id))
    store.run_progress(run_id, pages=3, duplicates=1, errors=[("https://x/2", "HTTP 404")])
    running = store.last_run("xinhua")
    assert (running["status"], running["pages"], running["new"], running["duplicates"]) == ("running", 3, 1, 1)
    assert running["errors"] == [{"url": "https://x/2", "message": "HTTP 404"}]
    # Finishing writes only the errors not written yet; a closed run is not written again.
    run = store.finish_run(run_id, pages=4, duplicates=1, errors=[(None, "late")])
    assert [e["message"] for e in run["errors"]] == ["HTTP 404", "late"]
    assert (run["status"], run["error_count"]) == ("partial", 2)
    with pytest.raises(StoreError, match="closed already"):
        store.run_progress(run_id, pages=5, duplicates=1, errors=[])


@pytest.mark.parametrize(
    "new, duplicates, error_count, extra, expected",
    [(0, 0, 1, {}, "failed"), (1, 0, 1, {}, "partial"), (0, 2, 1, {}, "partial"), (0, 0, 0, {}, "empty"),
     (0, 4, 0, {}, "ok"), (4, 0, 0, {}, "ok"),
     (0, 0, 0, {"not_modified": True}, "ok"), (0, 0, 1, {"not_modified": True}, "failed"),
     (3, 0, 1, {"cut_short": "timed_out"}, "timed_out"), (0, 0, 0, {"cut_short": "interrupted"}, "interrupted")],
)
def test_run_status_rule(new, duplicates, error_count, extra, expected):
    from db import run_status

    assert run_status(new=new, duplicates=duplicates, error_count=error_count, **extra) == expected


def test_a_run_record_and_the_crawl_summary_follow_one_rule(store):
    """The crawl's summary line (SourceResult.status) and the run's record reach their status by db.run_status."""
    from crawler.configuration.sources import validate_source
    from crawler.crawl.items import RunTally
    from crawler.crawl.runner import SourceResult

    source = validate_source({"name": "s", "kind": "feed", "url": "https://x.cn/rss.xml"})
    cases = [RunTally(), RunTally(new=2), RunTally(duplicates=1, errors=[(None, "HTTP 500")]),
             RunTally(errors=[(None, "HTTP 500")]), RunTally(not_modified=True),
             RunTally(new=1, cut_short="timed_out", errors=[(None, "stopped at the time limit")])]
    for tally in cases:
        run_id = store.start_run("s")
        for n in range(tally.new):
            store.add_candidate(candidate(f"{run_id}-{n}", run_id=run_id))
        run = store.finish_run(run_id, pages=1, duplicates=tally.duplicates, errors=tally.errors,
                               not_modified=tally.not_modified, cut_short=tally.cut_short)
        assert run["status"] == SourceResult(source, tally).status, tally


def test_a_run_cut_short_says_how_and_is_checked(store):
    run_id = store.start_run("s")
    with pytest.raises(StoreError, match="use one of: timed_out, interrupted"):
        store.finish_run(run_id, pages=1, duplicates=0, errors=[], cut_short="great")
    assert store.finish_run(run_id, pages=1, duplicates=0, errors=[], cut_short="timed_out",
                            summary="stopped at the time limit")["status"] == "timed_out"
    with pytest.raises(NotFound):
        store.finish_run(999, pages=1, duplicates=0, errors=[])


def test_runs_newest_first_per_source(store):
    for source in ("a", "b", "a"):
        store.finish_run(store.start_run(source), pages=1, duplicates=1, errors=[])
    assert [run["id"] for run in store.runs()] == [3, 2, 1]
    assert [run["id"] for run in store.runs("a")] == [3, 1]
    assert [run["id"] for run in store.runs(limit=1)] == [3]
    assert store.last_run("c") is None


KILLED_CRAWL = """
import os, sys
from db import Store
store = Store(sys.argv[1])
run_id = store.start_run("xinhua")
for n in range(3):
    store.add_candidate({"url": f"https://x.cn/{n}", "source": "xinhua", "text": "正文", "run_id": run_id})
os._exit(9)   # killed: the run is never finished
"""


def test_a_run_whose_process_is_gone_is_closed_as_interrupted_with_what_it_stored(tmp_path):
    path = tmp_path / "newsdesk.db"
    subprocess.run([sys.executable, "-c", KILLED_CRAWL, str(path)], cwd=REPO, check=False)
    with Store(path) as live:
        mine = live.start_run("gov")   # this process is alive: its run stays open
    with Store(path) as store:
        runs = {run["source"]: run for run in store.runs()}
    killed = runs["xinhua"]
    assert (killed["status"], killed["new"]) == ("interrupted", 3)
    assert killed["finished_at"] and "interrupted" in killed["summary"]
    assert runs["gov"]["id"] == mine and runs["gov"]["status"] == "running"


# -- conditional GET -----------------------------------------------------------------


def test_http_validators_round_trip(store):
    url = "https://example.cn/rss.xml"
    assert store.http_validators(url) == (None, None)
    store.save_http_validators(url, '"abc"', "Tue, 03 Nov 2026 01:00:00 GMT")
    assert store.http_validators(url) == ('"abc"', "Tue, 03 Nov 2026 01:00:00 GMT")
    store.save_http_validators(url, None, "Wed, 04 Nov 2026 01:00:00 GMT")
    assert store.http_validators(url) == (None, "Wed, 04 Nov 2026 01:00:00 GMT")


# -- crashes and concurrent processes ------------------------------------------------

WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
from db import Store
store = Store(sys.argv[2])
prefix, count = sys.argv[3], int(sys.argv[4])
n = 0
while count < 0 or n < count:
    n += 1
    cid, _ = store.add_candidate({"url": f"https://x/{prefix}/{n}", "source": prefix,
                                  "title": f"第{n}篇数字经济报道", "text": "数据要素 " * 200})
    store.set_status(cid, "approved" if n % 2 else "rejected", actor=prefix)
    print(cid, flush=True)
"""


def writer(path, prefix: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(REPO), str(path), prefix, str(count)],
        stdout=subprocess.PIPE, text=True,
    )


def test_a_killed_writer_leaves_a_sound_database(tmp_path):
    path = tmp_path / "newsdesk.db"
    Store(path).close()
    process = writer(path, "killed", -1)
    committed = [int(process.stdout.readline()) for _ in range(150)]
    os.kill(process.pid, signal.SIGKILL)
    committed += [int(line) for line in process.stdout.read().split()]
    process.wait()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.conn.execute("INSERT INTO search_words (search_words) VALUES ('integrity-check')")
        log = store.status_log()
        decided = {entry["candidate_id"] for entry in log if entry["actor"] == "killed"}
        assert set(committed) <= decided
        for cid in committed:
            assert store.get_candidate(cid)["status"] == ("approved" if cid % 2 else "rejected")
        # nothing half-written: every stored candidate has its first status logged
        assert {entry["candidate_id"] for entry in log if entry["old_status"] is None} == {
            row["id"] for row in store.queue(None, all_copies=True)
        }


def test_processes_write_to_one_file_at_once(tmp_path):
    path = tmp_path / "newsdesk.db"
    processes = [writer(path, prefix, 120) for prefix in ("alice", "bob")]
    outputs = [process.communicate()[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert all(len(output.split()) == 120 for output in outputs)
    with Store(path) as store:
        assert store.counts()["candidates"] == 240
        assert len(store.status_log()) == 480
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
