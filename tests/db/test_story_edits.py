"""Editors split and merge stories: logged, append-only, kept by later crawls, and on the command line."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from support.dedup_desk import TODAY, Desk

from db import NotFound, Store, StoreError
from newsdesk.demo import demo_catalogue


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {e["story_id"]: e["text"] for e in demo_catalogue(TODAY) if e["copy_of"] is None}


@pytest.fixture
def desk(tmp_path) -> Desk:
    return Desk(tmp_path / "newsdesk.db")


def test_split_makes_a_copy_a_story_of_its_own_and_logs_it(desk, texts):
    text = texts["practice-ningbo-smart-port"]
    original = desk.add(text, source="a")
    first, second = desk.add("本报记者 吴佳\n" + text, day=1, source="b"), desk.add(text + "\n（完）", day=1, source="c")
    story = desk.cluster(original)
    assert {desk.cluster(first), desk.cluster(second)} == {story}
    done = desk.store.split(first.id, actor="editor")
    assert done == {"candidate_id": first.id, "story": desk.cluster(first), "left_story": story, "copies_left": 2}
    assert desk.cluster(first) != story == desk.cluster(second)
    [edit] = desk.store.story_edits()
    assert (edit["action"], edit["candidate_id"], edit["old_cluster_id"], edit["new_cluster_id"], edit["actor"]) == (
        "split", first.id, story, desk.cluster(first), "editor")
    assert len(desk.store.queue()) == 2


def test_splitting_the_first_copy_leaves_the_others_in_the_story(desk, texts):
    text = texts["practice-wujiang-silk-factory"]
    original = desk.add(text)
    story = desk.cluster(original)
    copies = [desk.add("本报记者 吴佳\n" + text, day=1, source=s) for s in ("b", "c")]
    desk.store.split(original.id)
    assert desk.cluster(original) != story
    assert {desk.cluster(c) for c in copies} == {story}


def test_split_and_merge_refuse_what_makes_no_sense(desk, texts):
    alone = desk.add(texts["frontier-shanghai-bci-trial"])
    with pytest.raises(StoreError, match="story of its own already"):
        desk.store.split(alone.id)
    with pytest.raises(NotFound):
        desk.store.split(999)
    with pytest.raises(StoreError, match="in one story already"):
        desk.store.merge(alone.id, alone.id)
    with pytest.raises(NotFound):
        desk.store.merge(alone.id, 999)
    assert desk.store.story_edits() == []


def test_merge_folds_two_stories_into_one_and_logs_it(desk, texts):
    opening = desk.add(texts["forum-pujiang-ai-summit-opening"], source="hubin")
    closing = desk.add(texts["forum-pujiang-ai-summit-open-source"], source="jianghai")
    reprint = desk.add("本报记者 林晓岚\n" + texts["forum-pujiang-ai-summit-open-source"], day=1, source="taihu")
    assert desk.cluster(reprint) == desk.cluster(closing)
    story = desk.cluster(opening)
    done = desk.store.merge(opening.id, closing.id)
    assert done == {"story": story, "moved": 2, "copies": 3, "decision": "both undecided"}
    assert {desk.cluster(c) for c in (opening, closing, reprint)} == {story}
    [row] = desk.store.queue()
    assert (row["copies"], row["outlets"]) == (3, 3)
    assert desk.store.story_edits(closing.id)[0]["action"] == "merge"


def test_story_edits_are_append_only(desk, texts):
    text = texts["policy-anhui-digital-titles"]
    original = desk.add(text)
    copy = desk.add("本报记者 吴佳\n" + text, day=1)
    desk.store.split(copy.id)
    for statement in ("UPDATE story_edits SET actor = 'x'", "DELETE FROM story_edits"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            desk.store.conn.execute(statement)
    assert desk.cluster(original) != desk.cluster(copy)


def test_later_crawls_keep_what_editors_split_and_merged(desk, texts):
    port, chip = texts["practice-ningbo-smart-port"], texts["frontier-shanghai-cim-chip"]
    original = desk.add(port, source="a", url="https://a.cn/port.html")
    split_off = desk.add("本报记者 吴佳\n" + port, day=1, source="b", url="https://b.cn/port.html")
    chip_story = desk.add(chip, source="c", url="https://c.cn/chip.html")
    desk.store.split(split_off.id)
    desk.store.merge(chip_story.id, original.id)
    # A later crawl: the same pages again (duplicates), new copies of both texts, the index rebuilt.
    from crawler.crawl.pipelines import Duplicate

    for url, text in (("https://a.cn/port.html", port), ("https://b.cn/port.html", "本报记者 吴佳\n" + port)):
        with pytest.raises(Duplicate):
            desk.add(text, day=2, url=url)
    desk.add(port + "\n（完）", day=2, source="d")
    desk.add("本报记者 吴佳\n" + port, day=2, source="e")
    desk.add("编者按：转载。\n" + chip, day=2, source="f")
    desk.store.conn.execute("DELETE FROM fingerprints")
    desk.store.conn.execute("DELETE FROM fingerprinted")
    desk.dedup.near_duplicates.index_missing()
    desk.add(port, day=3, source="g")
    assert desk.cluster(split_off) != desk.cluster(original)
    assert desk.cluster(original) == desk.cluster(chip_story)
    assert [e["action"] for e in desk.store.story_edits()] == ["split", "merge"]


# -- decisions belong to the story ------------------------------------------------------------


def test_a_decision_stays_when_a_copy_joins_and_becomes_the_representative(desk, texts):
    text = texts["policy-anhui-digital-titles"]
    first = desk.add(text, day=0, source="portal")
    desk.store.set_status(first.id, "approved", section="政策要闻", actor="alice")
    # A reprint dated a day earlier, from a more authoritative source: the story's new face.
    earlier = desk.add("本报记者 吴佳\n" + text, day=-1, source="wire", authority=2.0)
    assert desk.cluster(earlier) == desk.cluster(first)
    [row] = desk.store.queue("approved")
    assert (row["id"], row["status"], row["section"], row["decided_by"]) == (earlier.id, "approved", "政策要闻", "alice")
    assert desk.store.queue() == []
    assert {r["status"] for r in desk.store.queue(None, all_copies=True)} == {"approved"}


def test_deciding_on_any_copy_decides_the_story(desk, texts):
    text = texts["practice-ningbo-smart-port"]
    original = desk.add(text, source="a")
    copy = desk.add("本报记者 吴佳\n" + text, day=1, source="b")
    desk.store.set_status(copy.id, "rejected", actor="bob")
    assert desk.store.get_candidate(original.id)["status"] == "rejected"
    assert [entry["candidate_id"] for entry in desk.store.status_log(original.id)][-1] == copy.id


def test_a_split_off_copy_starts_pending_and_the_story_keeps_its_decision(desk, texts):
    text = texts["practice-ningbo-smart-port"]
    original = desk.add(text, source="a")
    copy = desk.add("本报记者 吴佳\n" + text, day=1, source="b")
    desk.store.set_status(original.id, "approved", section="区域实践", actor="alice")
    desk.store.split(copy.id, actor="alice")
    assert desk.store.get_candidate(original.id)["status"] == "approved"
    split_off = desk.store.get_candidate(copy.id)
    assert (split_off["status"], split_off["decided_by"]) == ("pending", None)
    assert desk.store.status_log(copy.id)[-1]["note"] == f"split off story {desk.cluster(original)}"


def test_a_merge_keeps_the_decided_storys_decision_and_logs_it(desk, texts):
    decided = desk.add(texts["forum-pujiang-ai-summit-opening"], source="hubin")
    undecided = desk.add(texts["frontier-shanghai-cim-chip"], source="jianghai")
    desk.store.set_status(decided.id, "approved", section="会议论坛", actor="alice")
    absorbed = desk.cluster(decided)
    done = desk.store.merge(undecided.id, decided.id, actor="bob")
    assert done["decision"] == f"took story {absorbed}'s decision"
    story = desk.store.get_candidate(undecided.id)
    assert (story["status"], story["section"], story["decided_by"]) == ("approved", "会议论坛", "alice")
    assert "took its decision by alice" in desk.store.status_log(undecided.id)[-1]["note"]
    # A story already decided keeps its own decision when another decided one is folded in.
    other = desk.add(texts["policy-anhui-digital-titles"], source="c")
    desk.store.set_status(other.id, "rejected", actor="carol")
    assert desk.store.merge(undecided.id, other.id, actor="bob")["decision"] == "kept its own decision"
    assert desk.store.get_candidate(other.id)["status"] == "approved"
    assert "kept this story's decision" in desk.store.status_log(other.id)[-1]["note"]


# -- the command line ---------------------------------------------------------------------------

def run(*args: str):
    from newsdesk.cli import main

    return CliRunner().invoke(main, list(args))


def test_story_split_and_merge_on_the_command_line(home, texts):
    with Store(home / "newsdesk.db") as store:
        a, _ = store.add_candidate({"url": "https://a.cn/1", "source": "a", "text": texts["policy-anhui-digital-titles"]})
        b, _ = store.add_candidate({"url": "https://b.cn/1", "source": "b", "text": "x" * 50, "cluster_id": a})
        c, _ = store.add_candidate({"url": "https://c.cn/1", "source": "c", "text": "y" * 50})
        story = store.get_candidate(a)["cluster_id"]
    result = run("story", "split", str(b), "--home", str(home))
    assert result.exit_code == 0, result.output
    assert result.output == f"split #{b} out of story {story} (1 copy left there)\n"
    result = run("--home", str(home), "story", "merge", str(a), str(c))
    assert result.exit_code == 0, result.output
    assert result.output == f"merged story of #{c} into story {story}: 2 copies now\n"
    with Store(home / "newsdesk.db") as store:
        assert [e["action"] for e in store.story_edits()] == ["split", "merge"]
        assert store.get_candidate(c)["cluster_id"] == story


def test_story_commands_report_errors_in_one_line(home):
    result = run("--home", str(home), "story", "split", "42")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no candidate with id 42"
    result = run("--home", str(home), "story", "merge", "1")
    assert result.exit_code == 2   # click's usage error: a second ID is needed
