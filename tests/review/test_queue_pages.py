"""The desk's data: pages of the queue (keyset), filters, orders, search, counts, one story, and the
actions on a story by its id, against real SQLite files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.configuration.sections import load_sections
from db import Conflict, NotFound, Store, StoreError
from review import actions
from review.queue import QueueFilter, counts, page
from review.stories import story

CHINA = dt.timezone(dt.timedelta(hours=8))
SECTIONS = ("政策要闻", "区域实践", "会议论坛", "科技前沿")


def add(store: Store, n: int, *, day: int, section: str = "政策要闻", source: str = "wire", relevance: float = 0.5,
        confidence: float = 0.9, story: int | None = None, authority: float = 1.0, status: str = "pending",
        title: str | None = None, text: str | None = None) -> int:
    published = dt.datetime(2026, 11, 1, 9, 0, tzinfo=CHINA) + dt.timedelta(days=day)
    id, created = store.add_candidate({
        "url": f"https://{source}.example.cn/{n}.html", "source": source, "outlet": source,
        "title": title or f"第{n}条 数字经济新闻", "text": text or f"第{n}条正文：数据要素市场建设持续推进。",
        "published_at": published.isoformat(), "section": section, "status": status, "relevance": relevance,
        "section_confidence": confidence, "cluster_id": story, "authority": authority})
    assert created
    return id


@pytest.fixture
def newsletter(home):
    return load_sections(home / "sections.yaml")


@pytest.fixture
def store(home):
    with Store(home / "newsdesk.db") as opened:
        yield opened


def story_of(store: Store, candidate_id: int) -> int:
    return store.get_candidate(candidate_id)["cluster_id"]


def all_pages(store, newsletter, filter: QueueFilter, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        listing = page(store, newsletter, filter, cursor=cursor, limit=limit)
        pages.append([row["story_id"] for row in listing.rows])
        if listing.next_cursor is None:
            return pages
        cursor = listing.next_cursor


def test_pages_list_every_story_once_newest_first_whatever_the_page_size(store, newsletter):
    for n in range(1, 121):
        add(store, n, day=n % 40, section=SECTIONS[n % 4])   # many stories share a day: ties by story id
    expected = [row["story_id"] for row in page(store, newsletter, QueueFilter(), limit=None).rows]
    assert len(expected) == 120
    days = [store.story(s)["sort_day"] for s in expected]
    assert days == sorted(days, reverse=True)
    for limit in (1, 7, 50, 120):
        pages = all_pages(store, newsletter, QueueFilter(), limit)
        assert [s for p in pages for s in p] == expected
        assert all(len(p) == limit for p in pages[:-1]) and 0 < len(pages[-1]) <= limit


def test_a_page_stays_put_when_stories_arrive_while_an_editor_pages(store, newsletter):
    for n in range(1, 31):
        add(store, n, day=n)
    first = page(store, newsletter, QueueFilter(), limit=10)
    add(store, 99, day=100)                       # newest of all: belongs before the first page
    second = page(store, newsletter, QueueFilter(), cursor=first.next_cursor, limit=10)
    assert [r["story_id"] for r in second.rows] == [story_of(store, n) for n in range(20, 10, -1)]


def test_orders_by_relevance_and_by_outlets(store, newsletter):
    a = add(store, 1, day=1, relevance=0.2)
    b = add(store, 2, day=2, relevance=0.9)
    c = add(store, 3, day=3, relevance=0.5)
    for n, source in ((4, "people"), (5, "gov")):      # two other outlets ran story a
        add(store, n, day=4, source=source, story=story_of(store, a))
    by_relevance = page(store, newsletter, QueueFilter(sort="relevance")).rows
    assert [r["id"] for r in by_relevance] == [b, c, a]
    by_outlets = page(store, newsletter, QueueFilter(sort="outlets")).rows
    assert by_outlets[0]["id"] == a and by_outlets[0]["outlets"] == 3 and by_outlets[0]["other_outlets"] == 2
    with pytest.raises(StoreError, match="unknown order 'size'"):
        page(store, newsletter, QueueFilter(sort="size"))


def test_filters_section_source_status_low_confidence_and_dates_in_the_newsletters_zone(store, newsletter):
    policy = add(store, 1, day=0, section="政策要闻")
    practice = add(store, 2, day=1, section="区域实践", source="gov", confidence=0.3)
    unsure_but_decided = add(store, 3, day=2, section="区域实践", confidence=0.2)
    store.set_status(unsure_but_decided, "approved", actor="alice")
    # 00:30 on 4 November in Shanghai is still 3 November in UTC: dates are the newsletter's.
    late = store.add_candidate({"url": "https://x.cn/late", "source": "wire", "text": "正文" * 20, "title": "夜",
                                "published_at": "2026-11-04T00:30:00+08:00"})[0]

    def ids(**filter):
        return [r["id"] for r in page(store, newsletter, QueueFilter(**filter), limit=None).rows]

    assert ids(section="区域实践") == [practice]
    assert ids(source="gov") == [practice]
    assert ids(status="approved") == [unsure_but_decided]
    assert ids(status=None) == [late, unsure_but_decided, practice, policy]
    assert ids(low_confidence=True) == [practice]              # the editor's decision is sure enough
    assert ids(since=dt.date(2026, 11, 4)) == [late]
    assert ids(until=dt.date(2026, 11, 1)) == [policy]
    assert ids(since=dt.date(2026, 11, 2), until=dt.date(2026, 11, 3)) == [practice]


def test_search_in_a_page_finds_two_and_four_character_words_in_any_copy(store, newsletter):
    quantum = add(store, 1, day=1, title="量子计算取得新突破", text="科研团队实现量子纠错，算力大幅提升。")
    add(store, 2, day=2, title="算力调度平台上线", text="长三角算力调度平台上线运行。")
    copy = add(store, 3, day=3, source="people", story=story_of(store, quantum), title="量子新闻",
               text="人民网转载：量子纠错取得进展。")
    assert [r["id"] for r in page(store, newsletter, QueueFilter(q="量子")).rows] == [quantum]
    assert [r["id"] for r in page(store, newsletter, QueueFilter(q="算力调度")).rows] == [2]
    assert [r["story_id"] for r in page(store, newsletter, QueueFilter(q="人民网")).rows] == [story_of(store, copy)]
    assert page(store, newsletter, QueueFilter(q="量子", status="approved")).rows == []


def test_counts_per_status_and_section(store, newsletter):
    for n in range(1, 7):
        add(store, n, day=n, section=SECTIONS[n % 2])
    store.set_status(1, "rejected", actor="alice")
    assert counts(store) == {"pending": {SECTIONS[0]: 3, SECTIONS[1]: 2}, "rejected": {SECTIONS[1]: 1}}


def query_plan(store: Store, sql: str, params: list) -> str:
    return " | ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_each_main_query_reads_an_index_in_its_order(store, newsletter, monkeypatch):
    for n in range(1, 40):
        add(store, n, day=n, section=SECTIONS[n % 4])
    store.conn.execute("ANALYZE")
    seen: list[tuple[str, list]] = []
    real = store._rows

    def record(sql, params=()):
        seen.append((sql, list(params)))
        return real(sql, params)

    import db.queue as queue_module
    monkeypatch.setattr(queue_module, "fetch_rows", lambda conn, sql, params=(): record(sql, params))
    for filter, index in ((QueueFilter(), "stories_by_date"),
                          (QueueFilter(section="区域实践"), "stories_by_section_date"),
                          (QueueFilter(sort="relevance"), "stories_by_relevance"),
                          (QueueFilter(sort="outlets", section="会议论坛"), "stories_by_section_outlets")):
        seen.clear()
        first = page(store, newsletter, filter, limit=5)
        page(store, newsletter, filter, cursor=first.next_cursor, limit=5)
        for sql, params in seen:
            if "FROM stories s" in sql:
                plan = query_plan(store, sql, params)
                assert index in plan and "TEMP B-TREE FOR ORDER BY" not in plan, (filter, plan)


def test_the_tab_counts_read_their_index_alone(store):
    for n in range(1, 20):
        add(store, n, day=n, section=SECTIONS[n % 4])
    store.conn.execute("ANALYZE")
    plan = query_plan(store, "SELECT status, section, COUNT(*) FROM stories WHERE copies > 0 "
                             "GROUP BY status, section", [])
    assert plan == "SCAN stories USING INDEX stories_counts", plan


def test_the_story_page_has_its_copies_history_notes_and_explanation(store, newsletter, home):
    first = add(store, 1, day=2, title="省政府印发《数字经济行动方案》")
    reprint = add(store, 2, day=1, source="people", story=story_of(store, first), authority=2.0)
    sid = story_of(store, first)
    actions.decide_story(store, newsletter, sid, "approve", actor="alice", version=store.story(sid)["version"])
    actions.add_note(store, sid, "头条候选", actor="bob")
    view = story(store, newsletter, home, sid)
    assert view.representative["id"] == reprint            # earlier and more authoritative
    assert [c["id"] for c in view.copies] == [reprint, first]
    assert [(e["actor"], e["new_status"]) for e in view.history] == [("crawler", "pending"), ("alice", "approved")]
    assert [(n["actor"], n["text"]) for n in view.notes] == [("bob", "头条候选")]
    assert view.story["status"] == "approved" and view.zone == "Asia/Shanghai"
    assert any("政策要闻" in line for line in view.explanation.lines())
    with pytest.raises(NotFound):
        story(store, newsletter, home, 999)


def test_story_actions_check_the_version_and_say_who_changed_what(store, newsletter):
    sid = story_of(store, add(store, 1, day=1))
    seen = store.story(sid)["version"]
    actions.decide_story(store, newsletter, sid, "move", section="会议论坛", actor="alice", version=seen)
    with pytest.raises(Conflict) as conflict:
        actions.decide_story(store, newsletter, sid, "reject", actor="bob", version=seen)
    assert "last by alice: pending 会议论坛" in str(conflict.value) and "reload" in str(conflict.value)
    assert store.story(sid)["status"] == "pending"
    with pytest.raises(Exception, match="no section '不存在'"):
        actions.decide_story(store, newsletter, sid, "approve", section="不存在", actor="bob",
                             version=store.story(sid)["version"])


def test_edit_and_note_are_logged_and_an_edit_checks_the_version(store, newsletter):
    sid = story_of(store, add(store, 1, day=1))
    version = store.story(sid)["version"]
    edited = actions.edit_story(store, sid, title="新标题", summary="一句话摘要", actor="alice", version=version)
    assert (edited["title"], edited["summary"], edited["version"]) == ("新标题", "一句话摘要", version + 1)
    assert store.story_log(sid)[-1]["note"] == "edited the title and summary"
    with pytest.raises(Conflict):
        actions.edit_story(store, sid, title="又改", summary=None, actor="bob", version=version)
    with pytest.raises(StoreError, match="a note needs some text"):
        actions.add_note(store, sid, "   ", actor="bob")


def test_undo_takes_back_the_editors_own_last_decision_and_gives_the_story_back_to_the_classifier(store, newsletter):
    sid = story_of(store, add(store, 1, day=1, section="区域实践"))
    actions.decide_story(store, newsletter, sid, "approve", section="政策要闻", actor="alice",
                         version=store.story(sid)["version"])
    with pytest.raises(StoreError, match="nothing of yours to undo"):
        actions.undo(store, sid, actor="bob", version=store.story(sid)["version"])
    said = actions.undo(store, sid, actor="alice", version=store.story(sid)["version"])
    after = store.story(sid)
    assert said == "back to pending in 区域实践"
    assert (after["status"], after["section"], after["decided_by"]) == ("pending", "区域实践", None)
    assert store.story_log(sid)[-1]["note"].startswith("undo of decision #")
    stale = after["version"] - 1
    with pytest.raises(Conflict):
        actions.undo(store, sid, actor="alice", version=stale)


def test_split_and_merge_by_story_keep_counts_and_representatives_right(store, newsletter):
    a = add(store, 1, day=2)
    copy = add(store, 2, day=1, source="people", story=story_of(store, a))
    b = add(store, 3, day=3)
    sa, sb = story_of(store, a), story_of(store, b)
    assert (store.story(sa)["copies"], store.story(sa)["representative_id"]) == (2, copy)
    actions.split_copy(store, copy, actor="alice")
    assert (store.story(sa)["copies"], store.story(sa)["representative_id"]) == (1, a)
    actions.merge_stories(store, sa, sb, actor="alice")
    assert store.story(sa)["copies"] == 2 and store.story(sb)["copies"] == 0
    assert sb not in [r["story_id"] for r in page(store, newsletter, QueueFilter(), limit=None).rows]
    with pytest.raises(NotFound, match="merged into another"):
        actions.merge_stories(store, sb, sa, actor="alice")


def test_a_database_from_before_the_desk_gets_its_listing_and_search_index(tmp_path: Path):
    import sqlite3

    from sqlite_utils import Database

    from db.migrations import migrations

    path = tmp_path / "newsdesk.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m025_story_listing")
    for n, (cluster, day, authority) in enumerate([(None, "2026-11-02", 1.0), (1, "2026-11-01", 2.0)], start=1):
        conn.execute("INSERT INTO candidates (url, source, outlet, title, text, published_at, first_seen_at, "
                     "cluster_id, authority) VALUES (?, 's', ?, '量子计算', '数据要素市场', ?, '2026-11-03', ?, ?)",
                     [f"https://x.cn/{n}", f"o{n}", day + "T09:00:00+08:00", cluster, authority])
    conn.execute("INSERT INTO stories (id, status, created_at, updated_at) VALUES (1, 'pending', 'x', 'x')")
    conn.execute("UPDATE candidates SET cluster_id = 1")
    conn.close()
    with Store(path) as store:
        listed = store.story(1)
        assert (listed["representative_id"], listed["copies"], listed["outlets"]) == (2, 2, 2)
        assert [row["id"] for row in store.search("数据")] == [1, 2]     # newest first
        rows, _ = store.page()
        assert [row["story_id"] for row in rows] == [1]
