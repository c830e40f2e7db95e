"""The editors' actions (review/actions.py) on a real store: the rules the CLI and the desk share."""

from __future__ import annotations

import pytest

from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from db import Conflict, NotFound, Store
from review import actions


@pytest.fixture
def desk(home):
    """The store of an initialised home, its newsletter, and a story with two copies (ids 1 and 2)."""
    with Store(home / "newsdesk.db") as store:
        first, _ = store.add_candidate({"url": "https://a.cn/1", "source": "a", "title": "一", "text": "正文" * 30,
                                        "section": "区域实践"})
        store.add_candidate({"url": "https://b.cn/1", "source": "b", "title": "一", "text": "正文" * 30,
                             "cluster_id": store.get_candidate(first)["cluster_id"]})
        yield store, Home(home).sections()


def log_of(store: Store, id: int) -> list[tuple]:
    return [(e["old_status"], e["new_status"], e["new_section"], e["actor"], e["note"]) for e in store.status_log(id)]


def test_approve_into_a_section_sections_yaml_does_not_name_is_refused_and_changes_nothing(desk):
    store, newsletter = desk
    before, log = store.get_candidate(1), log_of(store, 1)
    with pytest.raises(NewsdeskError) as refused:
        actions.approve(store, newsletter, 1, section="不存在的栏目", actor="alice")
    assert str(refused.value) == ("no section '不存在的栏目' in sections.yaml; choose one of: "
                                  "政策要闻, 区域实践, 会议论坛, 科技前沿")
    assert store.get_candidate(1) == before and log_of(store, 1) == log


def test_move_to_an_unknown_section_is_refused_like_approve(desk):
    store, newsletter = desk
    with pytest.raises(NewsdeskError, match="choose one of: 政策要闻"):
        actions.move(store, newsletter, 1, "不存在的栏目", actor="alice")
    assert store.get_candidate(1)["version"] == 1


def test_decisions_belong_to_the_story_and_record_who_made_them(desk):
    store, newsletter = desk
    approved = actions.approve(store, newsletter, 2, section="政策要闻", actor="alice")
    assert (approved["status"], approved["section"], approved["decided_by"]) == ("approved", "政策要闻", "alice")
    moved = actions.move(store, newsletter, 1, "科技前沿", actor="bob")
    assert (moved["status"], moved["section"], moved["decided_by"]) == ("approved", "科技前沿", "bob")
    rejected = actions.reject(store, 1, actor="carol")
    assert (rejected["status"], rejected["section"]) == ("rejected", "科技前沿")
    assert store.get_candidate(2)["status"] == "rejected", "the other copy's story is the same story"
    assert [entry[:4] for entry in log_of(store, 1)][1:] == [
        ("pending", "approved", "政策要闻", "alice"), ("approved", "approved", "科技前沿", "bob"),
        ("approved", "rejected", "科技前沿", "carol")]


def test_approve_without_a_section_keeps_the_stories_section(desk):
    store, newsletter = desk
    assert actions.approve(store, newsletter, 1, actor="alice")["section"] == "区域实践"


def test_restore_brings_a_rejected_story_back_to_pending_noting_from_what(desk):
    store, newsletter = desk
    actions.reject(store, 1, actor="alice")
    restored = actions.restore(store, 2, actor="bob")
    assert restored.changed and restored.previous_status == "rejected"
    assert (restored.row["id"], restored.row["status"], restored.row["section"]) == (2, "pending", "区域实践")
    assert log_of(store, 1)[-1] == ("rejected", "pending", "区域实践", "bob", "restored from rejected")


def test_restoring_a_pending_story_says_so_and_logs_nothing(desk):
    store, _ = desk
    log = log_of(store, 1)
    restored = actions.restore(store, 1, actor="bob")
    assert not restored.changed and restored.previous_status == "pending" and restored.row["status"] == "pending"
    assert log_of(store, 1) == log


def test_a_decision_on_a_version_an_editor_no_longer_sees_is_refused(desk):
    store, newsletter = desk
    seen = store.get_candidate(1)["version"]
    actions.reject(store, 1, actor="alice", version=seen)
    with pytest.raises(Conflict, match="last by alice"):
        actions.approve(store, newsletter, 1, section="政策要闻", actor="bob", version=seen)
    with pytest.raises(Conflict):
        actions.move(store, newsletter, 1, "政策要闻", actor="bob", version=seen)
    with pytest.raises(Conflict):
        actions.restore(store, 1, actor="bob", version=seen)
    assert store.get_candidate(1)["status"] == "rejected"
    assert actions.restore(store, 1, actor="bob", version=seen + 1).row["status"] == "pending"


def test_actions_on_a_missing_story_raise_not_found(desk):
    store, newsletter = desk
    for act in (lambda: actions.approve(store, newsletter, 999, actor="a"), lambda: actions.reject(store, 999, actor="a"),
                lambda: actions.move(store, newsletter, 999, "政策要闻", actor="a"),
                lambda: actions.restore(store, 999, actor="a")):
        with pytest.raises(NotFound, match="no candidate with id 999"):
            act()
