"""The store's issues: a story in one issue only, a published issue kept as printed whoever writes to the file."""

from __future__ import annotations

import sqlite3

import pytest
from support.decisions import add

from db import Conflict, Store, StoreError


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "newsdesk.db") as store:
        for n in (1, 2, 3):
            id = add(store, n, f"标题{n}", f"正文{n}" * 20, outlet="新华社", published_at=f"2026-11-0{n}T09:00:00+08:00")
            store.set_status(id, "approved", section="政策要闻", actor="alice")
        yield store


def test_a_published_issue_refuses_every_change_even_written_directly(store):
    issue = store.create_issue(year=2026, number=11, total=39, month=11, story_ids=[1, 2], actor="alice")
    printed = [{"story_id": id, "position": place, "section": "政策要闻", "title": f"标题{id}", "body": "正文",
                "outlet": "新华社", "ran_on": "2026-11-01"} for place, id in enumerate((1, 2), start=1)]
    store.publish_issue(issue["id"], version=issue["version"], masthead="刊名", closing={"editors": ["编辑部"]},
                        printed=printed, actor="alice", at="2026-11-20T02:00:00+00:00")
    for sql in ("UPDATE issue_stories SET title = 'x' WHERE story_id = 1",
                "DELETE FROM issue_stories WHERE story_id = 2",
                "INSERT INTO issue_stories (issue_id, story_id, position, added_by, added_at) "
                "VALUES (1, 3, 3, 'x', 'now')",
                "UPDATE issues SET month = 12", "DELETE FROM issues"):
        with pytest.raises(sqlite3.IntegrityError, match="a published issue is a record"):
            store.conn.execute(sql)
    assert [(row["story_id"], row["printed_title"]) for row in store.issue_entries(issue["id"])] == \
        [(1, "标题1"), (2, "标题2")]
    assert store.issue(total=39)["closing"] == {"editors": ["编辑部"]}


def test_publishing_what_no_longer_matches_the_draft_is_refused(store):
    issue = store.create_issue(year=2026, number=11, total=39, month=11, story_ids=[1, 2], actor="alice")
    with pytest.raises(Conflict, match="changed while it was being exported"):
        store.publish_issue(issue["id"], version=issue["version"], masthead="刊名", closing={},
                            printed=[{"story_id": 1, "position": 1, "section": "s", "title": "t", "body": "b",
                                      "outlet": None, "ran_on": None}], actor="alice", at="2026-11-20T02:00:00+00:00")
    assert store.issue(total=39)["status"] == "draft"


def test_a_story_is_in_one_issue_and_reorders_must_name_each_story_once(store):
    issue = store.create_issue(year=2026, number=11, total=39, month=11, story_ids=[1, 2], actor="alice")
    with pytest.raises(StoreError, match="a new order of issue 39 .* must name each of its 2 stories once"):
        store.reorder_issue(issue["id"], [1, 1], actor="alice")
    store.reorder_issue(issue["id"], [2, 1], actor="alice")
    assert [row["story_id"] for row in store.issue_entries(issue["id"])] == [2, 1]
    assert [row["story_id"] for row in store.offered_stories()] == [3]
    with pytest.raises(StoreError, match=r"story 1 is in issue 39 \(2026年第11期\) already"):
        store.create_issue(year=2026, number=12, total=40, month=12, story_ids=[3, 1], actor="bob")
    assert [row["total"] for row in store.issues()] == [39], "a refused issue leaves nothing behind"
