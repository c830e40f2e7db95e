"""Editors split and merge stories: logged, append-only, kept by later crawls, and on the command line."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from click.testing import CliRunner

from crawler.demo import demo_catalogue
from db import NotFound, Store, StoreError
from test_near_duplicates import TODAY, Desk


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
    assert {desk.cluster(first), desk.cluster(second)} == {original.id}
    done = desk.store.split(first.id, actor="editor")
    assert done == {"candidate_id": first.id, "story": first.id, "left_story": original.id, "copies_left": 2}
    assert (desk.cluster(first), desk.cluster(second)) == (first.id, original.id)
    [edit] = desk.store.story_edits()
    assert (edit["action"], edit["candidate_id"], edit["old_cluster_id"], edit["new_cluster_id"], edit["actor"]) == (
        "split", first.id, original.id, first.id, "editor")
    assert len(desk.store.queue()) == 2


def test_splitting_the_copy_a_story_is_named_after_renames_the_rest(desk, texts):
    text = texts["practice-wujiang-silk-factory"]
    original = desk.add(text)
    copies = [desk.add("本报记者 吴佳\n" + text, day=1, source=s) for s in ("b", "c")]
    desk.store.split(original.id)
    assert desk.cluster(original) == original.id
    assert {desk.cluster(c) for c in copies} == {copies[0].id}


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
    assert desk.cluster(reprint) == closing.id
    done = desk.store.merge(opening.id, closing.id)
    assert done == {"story": opening.id, "moved": 2, "copies": 3}
    assert {desk.cluster(c) for c in (opening, closing, reprint)} == {opening.id}
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
    assert desk.cluster(original) == original.id


def test_later_crawls_keep_what_editors_split_and_merged(desk, texts):
    port, chip = texts["practice-ningbo-smart-port"], texts["frontier-shanghai-cim-chip"]
    original = desk.add(port, source="a", url="https://a.cn/port.html")
    split_off = desk.add("本报记者 吴佳\n" + port, day=1, source="b", url="https://b.cn/port.html")
    chip_story = desk.add(chip, source="c", url="https://c.cn/chip.html")
    desk.store.split(split_off.id)
    desk.store.merge(chip_story.id, original.id)
    # A later crawl: the same pages again (duplicates), new copies of both texts, the index rebuilt.
    from crawler.pipelines import Duplicate

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
    assert desk.cluster(split_off) == split_off.id != desk.cluster(original)
    assert desk.cluster(original) == desk.cluster(chip_story) == chip_story.id
    assert [e["action"] for e in desk.store.story_edits()] == ["split", "merge"]


# -- the command line ---------------------------------------------------------------------------

def run(*args: str):
    from crawler.cli import main

    return CliRunner().invoke(main, list(args))


def test_story_split_and_merge_on_the_command_line(home, texts):
    with Store(home / "newsdesk.db") as store:
        a, _ = store.add_candidate({"url": "https://a.cn/1", "source": "a", "text": texts["policy-anhui-digital-titles"]})
        b, _ = store.add_candidate({"url": "https://b.cn/1", "source": "b", "text": "x" * 50, "cluster_id": a})
        c, _ = store.add_candidate({"url": "https://c.cn/1", "source": "c", "text": "y" * 50})
    result = run("story", "split", str(b), "--home", str(home))
    assert result.exit_code == 0, result.output
    assert result.output == f"split #{b} out of story {a} (1 copy left there)\n"
    result = run("--home", str(home), "story", "merge", str(a), str(c))
    assert result.exit_code == 0, result.output
    assert result.output == f"merged story of #{c} into story {a}: 2 copies now\n"
    with Store(home / "newsdesk.db") as store:
        assert [e["action"] for e in store.story_edits()] == ["split", "merge"]
        assert store.get_candidate(c)["cluster_id"] == a


def test_story_commands_report_errors_in_one_line(home):
    result = run("--home", str(home), "story", "split", "42")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no candidate with id 42"
    result = run("--home", str(home), "story", "merge", "1")
    assert result.exit_code == 2   # click's usage error: a second ID is needed
