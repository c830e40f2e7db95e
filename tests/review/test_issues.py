"""Compiling issues from approved stories and changing drafts (review/issues.py) on a real store."""

from __future__ import annotations

from datetime import date

import pytest
from support.issues import FIXED_STORIES, approve_fixed_stories

from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from db import Conflict, Store, StoreError, clock
from review import actions, issues


@pytest.fixture
def desk(home):
    """The store of a home with the fixed stories approved, its newsletter and their story ids."""
    newsletter = Home(home).sections()
    with Store(home / "newsdesk.db") as store:
        yield store, newsletter, approve_fixed_stories(store, newsletter)


def titles(issue) -> list[tuple[str, list[str]]]:
    return [(section.name, [story.title for story in section.stories]) for section in issue.sections]


def test_a_new_issue_takes_every_approved_story_by_section_in_sections_yaml_order_newest_first(desk):
    store, newsletter, _ = desk
    issue = issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    assert (issue.status, issue.issue_line, issue.month_line) == ("draft", "(2026年第11期·总第39期)", "2026年11月")
    assert titles(issue) == [
        ("政策要闻", ["江苏发布智能制造标准体系建设指南", "三省一市签署长三角数据跨域流通合作协议"]),
        ("区域实践", ["苏州工业园区推出“算力券” <b>单家企业</b> *最高* 500万元",
                  "南京江北新区集成电路产业项目集中签约 总投资超300亿元"]),
        ("会议论坛", ["第五届长三角数字经济发展论坛在嘉兴举行"]),
        ("科技前沿", ["合肥科研团队实现逻辑量子比特纠错新突破"]),
    ]
    agreement = issue.sections[0].stories[1]
    assert agreement.source_line == "新华社 2026年11月3日", "the day it ran in the newsletter's zone, not UTC's"
    assert agreement.paragraphs == tuple(FIXED_STORIES[2][4])
    assert issues.offered_stories(store, newsletter) == (), "a story is in one issue only"


def test_numbers_follow_the_previous_issue_and_start_again_in_a_new_year(desk):
    store, newsletter, ids = desk
    first = issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    issues.remove_story(store, newsletter, first.total, ids[0], actor="alice")
    second = issues.new_issue(store, newsletter, actor="alice", year=2026, month=12)
    assert (second.year, second.number, second.total, second.month) == (2026, 12, 40, 12)
    issues.remove_story(store, newsletter, 40, ids[0], actor="alice")
    third = issues.new_issue(store, newsletter, actor="alice", year=2027, month=1)
    assert (third.number, third.total) == (1, 41)
    assert [row["total"] for row in issues.list_issues(store)] == [41, 40, 39]
    assert [row["total"] for row in issues.drafts(store)] == [41, 40, 39]


@pytest.mark.clock
def test_the_first_issue_defaults_to_this_month_and_number_one_in_the_first_year(desk):
    store, newsletter, _ = desk
    today = clock.today(newsletter.timezone)
    if newsletter.first_issue_year != today.year:   # the default sections.yaml says 2026
        with pytest.raises(NewsdeskError) as refused:
            issues.new_issue(store, newsletter, actor="alice")
        assert str(refused.value) == ("no earlier issue is recorded and the newsletter started in 2026: give this "
                                      "issue's --number and --total")
        return
    issue = issues.new_issue(store, newsletter, actor="alice")
    assert (issue.year, issue.month, issue.number, issue.total) == (today.year, today.month, 1, 1)


def test_numbers_taken_or_out_of_range_are_refused_with_one_line(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    issues.remove_story(store, newsletter, 39, ids[0], actor="alice")
    with pytest.raises(StoreError, match=r"^issue 39 \(2026年第11期\) exists already; choose another number and total$"):
        issues.new_issue(store, newsletter, actor="alice", year=2026, number=12, total=39, month=12)
    with pytest.raises(NewsdeskError, match="^month 13 is not a month: give 1 to 12$"):
        issues.new_issue(store, newsletter, actor="alice", year=2026, month=13)
    with pytest.raises(NewsdeskError, match=r"^year 2025 is before the newsletter's first issue \(2026"):
        issues.new_issue(store, newsletter, actor="alice", year=2025, number=1, total=50, month=1)
    assert [row["total"] for row in issues.list_issues(store)] == [39]


def test_with_nothing_approved_no_issue_is_started(home):
    newsletter = Home(home).sections()
    with Store(home / "newsdesk.db") as store:
        with pytest.raises(NewsdeskError, match="^no approved story is waiting for an issue: approve stories first"):
            issues.new_issue(store, newsletter, actor="alice", year=2026, number=1, total=1, month=11)
        assert issues.list_issues(store) == []


def test_remove_offers_a_story_again_and_add_puts_it_last_in_its_section(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    removed = issues.remove_story(store, newsletter, "2026-11", ids[0], actor="alice")
    assert ids[0] not in [story.story_id for story in removed.stories]
    assert [story.story_id for section in issues.offered_stories(store, newsletter) for story in section.stories] \
        == [ids[0]]
    added = issues.add_story(store, newsletter, 39, ids[0], actor="bob")
    assert [story.story_id for story in added.sections[0].stories] == [ids[2], ids[0]]
    with pytest.raises(StoreError, match=rf"^story {ids[0]} is in issue 39 \(2026年第11期\) already; a story is in one "):
        issues.add_story(store, newsletter, 39, ids[0], actor="bob")


def test_only_approved_stories_can_be_added(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    issues.remove_story(store, newsletter, 39, ids[1], actor="alice")
    actions.reject(store, store.representative_of(ids[1]), actor="bob")
    with pytest.raises(StoreError, match=rf"^story {ids[1]} is rejected, not approved: approve it before adding it"):
        issues.add_story(store, newsletter, 39, ids[1], actor="bob")
    with pytest.raises(StoreError, match="^no story with id 999$"):
        issues.add_story(store, newsletter, 39, 999, actor="bob")


def test_move_reorders_within_a_section_and_into_another_section_as_the_storys_own(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    moved = issues.move_story(store, newsletter, 39, ids[2], actor="bob", position=1)
    assert [story.story_id for story in moved.sections[0].stories] == [ids[2], ids[0]]
    moved = issues.move_story(store, newsletter, 39, ids[4], actor="bob", section="政策要闻", position=2)
    assert [story.story_id for story in moved.sections[0].stories] == [ids[2], ids[4], ids[0]]
    assert [section.name for section in moved.sections] == ["政策要闻", "区域实践", "科技前沿"]
    story = store.story(ids[4])
    assert (story["section"], story["decided_by"]) == ("政策要闻", "bob"), "the story's section, logged as a move"
    assert store.story_log(ids[4])[-1]["new_section"] == "政策要闻"
    with pytest.raises(NewsdeskError, match="^position 5 is not in its section: give 1 to 3$"):
        issues.move_story(store, newsletter, 39, ids[0], actor="bob", position=5)
    with pytest.raises(NewsdeskError, match="^no section '财经' in sections.yaml; choose one of:"):
        issues.move_story(store, newsletter, 39, ids[0], actor="bob", section="财经")


def test_edit_changes_the_storys_words_and_this_issues_outlet_and_date(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    edited = issues.edit_story(store, newsletter, 39, ids[0], actor="bob", title="江苏智能制造标准体系指南发布",
                               summary="第一段。\n\n第二段。", outlet="新华日报", ran_on="2026-11-05")
    story = edited.sections[0].stories[0]
    assert (story.title, story.paragraphs, story.source_line, story.edited) == (
        "江苏智能制造标准体系指南发布", ("第一段。", "第二段。"), "新华日报 2026年11月5日", True)
    assert (store.story(ids[0])["title"], store.story_log(ids[0])[-1]["note"]) == (
        "江苏智能制造标准体系指南发布", "edited the title and summary")
    back = issues.edit_story(store, newsletter, 39, ids[0], actor="bob", title="", outlet="")
    story = back.sections[0].stories[0]
    assert (story.title, story.paragraphs, story.source_line) == (
        "江苏发布智能制造标准体系建设指南", ("第一段。", "第二段。"), "江海通讯社 2026年11月5日")
    with pytest.raises(NewsdeskError, match="^'11/5' is not a date like 2026-11-03$"):
        issues.edit_story(store, newsletter, 39, ids[0], actor="bob", ran_on="11/5")


def test_a_change_made_on_an_older_version_of_the_draft_is_refused(desk):
    store, newsletter, ids = desk
    seen = issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    issues.move_story(store, newsletter, 39, ids[2], actor="bob", position=1, version=seen.version)
    with pytest.raises(Conflict, match=r"^issue 39 \(2026年第11期\) changed since you read it \(version 1, now 2, last by bob\)"):
        issues.remove_story(store, newsletter, 39, ids[0], actor="alice", version=seen.version)
    assert len(issues.show_issue(store, newsletter, 39).stories) == len(ids)


def test_a_story_missing_its_date_or_outlet_shows_in_the_draft_and_stops_the_export(desk):
    store, newsletter, _ = desk
    bare, _ = store.add_candidate({"url": "https://gov.example.cn/1.html", "source": "gov", "title": "无日期的通知",
                                   "text": "正文。", "section": "政策要闻"})
    actions.approve(store, newsletter, bare, actor="alice")
    issue = issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    story = next(story for story in issue.stories if story.title == "无日期的通知")
    assert story.missing == ("no date", "no outlet") and story.source_line == ""
    with pytest.raises(NewsdeskError) as refused:
        issues.export_issue(store, newsletter, 39, "md", actor="alice")
    assert str(refused.value) == (
        f"cannot export issue 39 (2026年第11期): story {story.story_id} (无日期的通知) has no date, no outlet; give it "
        f"(`newsdesk issue edit 39 {story.story_id} --date YYYY-MM-DD --outlet NAME`), remove it, or export with "
        "--allow-missing")
    assert issues.show_issue(store, newsletter, 39).status == "draft", "a refused export records nothing"
    exported = issues.export_issue(store, newsletter, 39, "md", actor="alice", allow_missing=True)
    assert "无日期的通知\n\n正文。\n\n## 【区域实践】" in exported.data.decode()


def test_a_story_no_longer_approved_stops_the_export_even_when_missing_parts_are_allowed(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    actions.restore(store, store.representative_of(ids[3]), actor="bob")
    shown = issues.show_issue(store, newsletter, 39)
    assert next(s for s in shown.stories if s.story_id == ids[3]).faults == ("been pending (not approved)",)
    with pytest.raises(NewsdeskError, match=rf"story {ids[3]} \(合肥科研团队实现逻辑量子比特纠错新突破\) has been "
                                            rf"pending \(not approved\); remove it \(`newsdesk issue remove 39 {ids[3]}`\)$"):
        issues.export_issue(store, newsletter, 39, "html", actor="alice", allow_missing=True)


def test_export_publishes_the_issue_as_printed_and_later_exports_are_identical(desk):
    store, newsletter, ids = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    preview = issues.export_issue(store, newsletter, 39, "md", actor="alice", preview=True)
    assert (preview.filename, preview.published_now) == ("长三角数字经济-2026年第11期-草稿.md", False)
    assert issues.show_issue(store, newsletter, 39).status == "draft"

    first = issues.export_issue(store, newsletter, 39, "md", actor="alice")
    assert (first.filename, first.content_type, first.published_now) == (
        "长三角数字经济-2026年第11期.md", "text/markdown; charset=utf-8", True)
    assert first.data == preview.data
    row = issues.list_issues(store)[0]
    assert (row["status"], row["published_by"], row["published_at"]) == ("published", "alice", clock.utc_now())

    # What happens to its stories and to sections.yaml afterwards changes nothing printed.
    actions.edit_story(store, ids[0], title="改过的标题", summary="改过的正文", actor="bob",
                       version=store.story(ids[0])["version"])
    actions.reject(store, store.representative_of(ids[1]), actor="bob")
    renamed = newsletter.__class__(**{**newsletter.__dict__, "title": "新刊名"})
    again = issues.export_issue(store, renamed, 39, "md", actor="carol")
    assert again.data == first.data and not again.published_now
    assert issues.offered_stories(store, newsletter) == ()

    with pytest.raises(NewsdeskError, match=r"^issue 39 \(2026年第11期\) is published and cannot change"):
        issues.remove_story(store, newsletter, 39, ids[0], actor="alice")
    with pytest.raises(NewsdeskError, match="is published and cannot change"):
        issues.edit_story(store, newsletter, 39, ids[2], actor="bob", title="x")
    assert store.story(ids[2])["title"] is None, "a refused edit changes nothing"


def test_an_issue_is_named_by_its_running_number_or_its_year_and_number(desk):
    store, newsletter, _ = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    assert issues.show_issue(store, newsletter, "39").total == issues.show_issue(store, newsletter, "2026-11").total
    with pytest.raises(NewsdeskError, match=r"^'eleven' names no issue: give its running number \(39, as in 总第39期\)"):
        issues.show_issue(store, newsletter, "eleven")
    with pytest.raises(StoreError, match=r"^no issue 40 \(总第40期\); the latest are 39$"):
        issues.show_issue(store, newsletter, 40)


def test_unknown_format_is_refused_naming_the_formats(desk):
    store, newsletter, _ = desk
    issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    with pytest.raises(NewsdeskError, match="^no export format 'odt'; choose one of: md, html, docx, pdf$"):
        issues.export_issue(store, newsletter, 39, "odt", actor="alice")


def test_ran_on_is_a_date(desk):
    store, newsletter, _ = desk
    issue = issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
    assert issue.stories[0].ran_on == date(2026, 11, 4)
