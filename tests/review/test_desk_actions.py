"""Decisions from the desk: each a form answered by 303 and a message, logged under the editor signed in, guarded
by the story's version (two editors), undone with u, on one story or a selection."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from support.desk import add_editor, add_story, desk_app, flashes, post, signed_in_client

from db import Store


@pytest.fixture
def desk(home):
    """Two editors signed in to one desk; story 1 (政策要闻) with a reprint, story 3 (区域实践) alone."""
    add_editor(home, "alice")
    add_editor(home, "bob")
    first = add_story(home, 1, "上海发布数据条例", section="政策要闻", section_confidence=0.9)
    with Store(home / "newsdesk.db") as store:
        store.add_candidate({"url": "https://b.example.cn/1.html", "source": "other", "outlet": "解放日报",
                             "title": "上海发布数据条例（转载）", "text": "正文。" * 20, "cluster_id": first})
    second = add_story(home, 3, "苏州建设算力中心", section="区域实践", section_confidence=0.4)
    app = desk_app(home)
    return home, app, first, second, signed_in_client(app, "alice"), signed_in_client(app, "bob")


def story(home, story_id: int) -> dict:
    with Store(home / "newsdesk.db") as store:
        return store.story(story_id)


def log(home, story_id: int) -> list[tuple]:
    with Store(home / "newsdesk.db") as store:
        return [(e["actor"], e["old_status"], e["new_status"], e["new_section"], e["note"])
                for e in store.story_log(story_id)]


@pytest.mark.parametrize("action, form, status, section", [
    ("approve", {}, "approved", "政策要闻"),
    ("approve", {"section": "科技前沿"}, "approved", "科技前沿"),
    ("reject", {}, "rejected", "政策要闻"),
    ("move", {"section": "会议论坛"}, "pending", "会议论坛"),
])
def test_each_decision_is_a_303_back_with_a_message_and_an_audit_entry_by_the_editor(desk, action, form, status,
                                                                                       section):
    home, _, first, _, alice, _ = desk
    answer = post(alice, f"/stories/{first}/{action}", {"version": "1", "next": "/?section=政策要闻", **form})
    assert answer.status_code == 303 and unquote(answer.location) == "/?section=政策要闻"
    assert f"story {first}: now {status} in {section}" in flashes(alice)[0]
    after = story(home, first)
    assert (after["status"], after["section"], after["decided_by"], after["version"]) == (status, section, "alice", 2)
    assert log(home, first)[-1][:4] == ("alice", "pending", status, section)


def test_restore_brings_back_a_rejected_story_noting_from_what(desk):
    home, _, first, _, alice, bob = desk
    post(alice, f"/stories/{first}/reject", {"version": "1"})
    post(bob, f"/stories/{first}/restore", {"version": "2"})
    assert story(home, first)["status"] == "pending"
    assert log(home, first)[-1] == ("bob", "rejected", "pending", "政策要闻", "restored from rejected")


def test_a_section_sections_yaml_does_not_name_is_refused_with_a_message(desk):
    home, _, first, _, alice, _ = desk
    answer = post(alice, f"/stories/{first}/move", {"version": "1", "section": "体育"})
    assert answer.status_code == 303
    assert flashes(alice)[0].startswith("no section '体育' in sections.yaml; choose one of: 政策要闻")
    assert story(home, first)["version"] == 1


def test_the_second_of_two_editors_on_one_story_is_told_what_changed_by_whom(desk):
    home, _, first, _, alice, bob = desk
    seen = re.search(r'data-version="(\d+)"', alice.get(f"/stories/{first}").get_data(as_text=True)).group(1)
    assert re.search(r'data-version="(\d+)"', bob.get(f"/stories/{first}").get_data(as_text=True)).group(1) == seen
    post(alice, f"/stories/{first}/approve", {"version": seen})
    answer = post(bob, f"/stories/{first}/reject", {"version": seen, "next": f"/stories/{first}"})
    assert answer.status_code == 303 and answer.location == f"/stories/{first}"
    [message] = flashes(bob, f"/stories/{first}")
    assert message == (f"story {first} changed since you read it (version 1, now 2, last by alice: approved 政策要闻); "
                       "reload it and try again")
    assert (story(home, first)["status"], story(home, first)["decided_by"]) == ("approved", "alice")
    assert [entry[0] for entry in log(home, first)] == ["crawler", "alice"]


def test_undo_takes_back_the_editors_last_decision_from_the_form_the_u_key_submits(desk):
    home, _, first, _, alice, _ = desk
    post(alice, f"/stories/{first}/approve", {"version": "1", "section": "科技前沿"})
    page = alice.get("/").get_data(as_text=True)
    form = re.search(r'<form id="undo-form"[^>]*action="([^"]+)"', page)
    assert form and form.group(1) == f"/stories/{first}/undo"
    assert f"Last: approved story {first}" in page
    answer = post(alice, form.group(1), {"version": "2"})
    assert answer.status_code == 303
    assert flashes(alice)[0] == "undone: back to pending in 政策要闻"
    after = story(home, first)
    assert (after["status"], after["section"], after["decided_by"]) == ("pending", "政策要闻", None)
    assert log(home, first)[-1][:4] == ("alice", "approved", "pending", "政策要闻")
    assert 'id="undo-form"' not in alice.get("/").get_data(as_text=True)


def test_undo_refuses_to_take_back_another_editors_decision(desk):
    home, _, first, _, alice, bob = desk
    post(alice, f"/stories/{first}/approve", {"version": "1"})
    post(bob, f"/stories/{first}/undo", {"version": "2"})
    assert "nothing of yours to undo" in flashes(bob)[0]
    assert story(home, first)["status"] == "approved"


def test_bulk_decides_each_selected_story_and_names_those_that_changed_meanwhile(desk):
    home, _, first, second, alice, bob = desk
    post(bob, f"/stories/{second}/move", {"version": "1", "section": "会议论坛"})
    answer = post(alice, "/stories/bulk", {"action": "approve", "story": [f"{first}:1", f"{second}:1"]})
    assert answer.status_code == 303
    messages = flashes(alice)
    assert messages[0].startswith(f"story {second} changed since you read it") and "last by bob" in messages[0]
    assert messages[1] == f"approved 1 story: {first}"
    assert story(home, first)["status"] == "approved" and story(home, second)["status"] == "pending"
    post(alice, "/stories/bulk", {"action": "move", "section": "科技前沿", "story": [f"{first}:2", f"{second}:2"]})
    assert [story(home, s)["section"] for s in (first, second)] == ["科技前沿", "科技前沿"]
    assert log(home, second)[-1][0] == "alice"
    post(alice, "/stories/bulk", {"action": "approve"})
    assert flashes(alice)[0].startswith("no story was selected")


def test_edit_note_split_and_merge_are_recorded_under_the_editor(desk):
    home, _, first, second, alice, _ = desk
    post(alice, f"/stories/{first}/edit", {"version": "1", "title": "数据条例出台", "summary": "要点三条"})
    after = story(home, first)
    assert (after["title"], after["summary"], after["version"]) == ("数据条例出台", "要点三条", 2)
    assert log(home, first)[-1][0] == "alice" and "edited the title and summary" in log(home, first)[-1][4]
    post(alice, f"/stories/{first}/note", {"text": "等官方全文 <b>再定</b>"})
    page = alice.get(f"/stories/{first}").get_data(as_text=True)
    assert "等官方全文 &lt;b&gt;再定&lt;/b&gt;" in page and '<td class="actor">alice</td>' in page
    with Store(home / "newsdesk.db") as store:
        reprint = [c["id"] for c in store.story_copies(first) if c["outlet"] == "解放日报"][0]
        assert store.story_notes(first)[0]["actor"] == "alice"
    post(alice, f"/stories/{first}/split", {"version": "2", "copy": str(reprint)})
    assert flashes(alice)[0].startswith(f"copy #{reprint} is now story ")
    post(alice, f"/stories/{first}/merge", {"version": "2", "other": str(second)})
    assert flashes(alice)[0] == f"merged story {second} into story {first}: 2 copies now"
    with Store(home / "newsdesk.db") as store:
        assert [(e["action"], e["actor"]) for e in store.story_edits()] == [("split", "alice"), ("merge", "alice")]


def test_a_missing_story_is_a_404_and_a_form_missing_its_version_a_400(desk):
    _, _, first, _, alice, _ = desk
    assert alice.get("/stories/999999").status_code == 404
    assert "no story with id 999999" in alice.get("/stories/999999").get_data(as_text=True)
    answer = post(alice, f"/stories/{first}/approve", {})
    assert answer.status_code == 400 and "the form&#39;s version is missing" in answer.get_data(as_text=True)
