"""Issues on the desk: every issue and a new one, a draft ordered, edited, added to and exported (preview or
publish) by forms answered with 303 and a message, guarded by the issue's version, under the editor signed in."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from support.desk import add_editor, desk_app, flashes, post, signed_in_client, token
from support.issues import FIXED_STORIES, approve_fixed_stories

from crawler.configuration.home import Home
from db import Store, clock
from review import actions, issues
from review.desk.issue_routes import PUBLISH_UNCONFIRMED
from review.desk.security import CSRF_REFUSED

ISSUE = "/issues/39"
NAME = "长三角数字经济-2026年第11期"
HOSTILE = FIXED_STORIES[5][1]         # 苏州工业园区推出“算力券” <b>单家企业</b> *最高* 500万元


@pytest.fixture
def desk(home):
    """The fixed stories approved (ids in FIXED_STORIES' order); alice and bob signed in to one desk."""
    add_editor(home, "alice")
    add_editor(home, "bob")
    with Store(home / "newsdesk.db") as store:
        ids = approve_fixed_stories(store, Home(home).sections())
    app = desk_app(home)
    return home, ids, signed_in_client(app, "alice"), signed_in_client(app, "bob")


def start(client, **numbers) -> object:
    fields = {"year": "2026", "number": "11", "total": "39", "month": "11"} if not numbers else numbers
    return post(client, "/issues/new", {"next": "/issues", **fields}, page="/issues")


@pytest.fixture
def draft(desk):
    """Issue 39 (2026年第11期) started by alice from the desk."""
    answer = start(desk[2])
    assert answer.status_code == 303 and answer.location == ISSUE
    return desk


def shown(home, ref: int = 39):
    with Store(home / "newsdesk.db") as store:
        return issues.show_issue(store, Home(home).sections(), ref)


def order(home) -> list[tuple[str, list[int]]]:
    return [(section.name, [story.story_id for story in section.stories]) for section in shown(home).sections]


def form_of(client, story_id: int, kind: str, page: str = ISSUE) -> tuple[str, dict]:
    """The action and fields of a story's form (move-up, move-down, move-to, remove, edit-text, edit-source-line,
    add) as the page the client sees renders it."""
    text = client.get(page).get_data(as_text=True)
    item = re.search(rf'<li class="[^"]*" id="(?:story|offered)-{story_id}".*?</li>', text, re.S)
    assert item, f"story {story_id} is not on {page}"
    form = re.search(rf'<form class="[^"]*\b{kind}\b[^"]*" method="post" action="([^"]+)">(.*?)</form>',
                     item.group(0), re.S)
    assert form, f"story {story_id} has no {kind} form on {page}"
    fields = dict(re.findall(r'<input type="[^"]+" name="([^"]+)"[^>]*? value="([^"]*)"', form.group(2)))
    fields.update(re.findall(r'<select name="([^"]+)".*?<option value="([^"]*)" selected', form.group(2), re.S))
    return form.group(1), fields


def submit(client, story_id: int, kind: str, **changes):
    action, fields = form_of(client, story_id, kind)
    return client.post(action, data={**fields, **changes})


def export(client, mode: str, format: str, page: str = ISSUE, **fields):
    form = {"preview": "preview-form", "publish": "publish-form", "again": "export-form"}[mode]
    text = client.get(page).get_data(as_text=True)
    found = re.search(rf'<form id="{form}" method="post" action="([^"]+)">(.*?)</form>', text, re.S)
    assert found, f"{page} has no {form}"
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(2)))
    return client.post(found.group(1), data={**data, "format": format, **fields})


def disposition(name: str) -> str:
    return f"filename*=UTF-8''{quote(name)}"


# -- the list and a new issue ---------------------------------------------------------------------------------


def test_the_issues_page_is_in_the_navigation_and_its_form_shows_the_defaults(desk):
    home, _, alice, _ = desk
    page = alice.get("/").get_data(as_text=True)
    assert '<a href="/issues">Issues</a>' in page
    page = alice.get("/issues").get_data(as_text=True)
    today = clock.today(Home(home).sections().timezone)
    assert f'name="year" min="2000" max="2999"\n    placeholder="{today.year}"' in page
    assert f'placeholder="{today.month}"' in page
    assert "No issues yet" in page
    start(alice)
    page = alice.get("/issues").get_data(as_text=True)
    assert 'name="total" min="1" max="999999"\n    placeholder="40"' in page, "the previous issue's running number + 1"
    assert re.search(r'<tr class="issue-row status-draft" id="issue-39">.*?2026年第11期.*?2026年11月.*?'
                     r'draft since 2026-11-20 10:00 CST by alice.*?<td>6</td>', page, re.S)


def test_a_new_issue_takes_every_approved_story_by_section_under_the_editor(desk):
    home, ids, alice, _ = desk
    answer = start(alice)
    assert answer.status_code == 303 and answer.location == ISSUE
    assert flashes(alice, ISSUE)[0] == "started issue 39 (2026年第11期·总第39期) with 6 stories"
    assert order(home) == [("政策要闻", [ids[0], ids[2]]), ("区域实践", [ids[5], ids[1]]), ("会议论坛", [ids[4]]),
                           ("科技前沿", [ids[3]])]
    assert shown(home).created_by == "alice"
    page = alice.get(ISSUE).get_data(as_text=True)
    assert "长三角数字经济 <span class=\"issue-line\">(2026年第11期·总第39期)</span>" in page
    assert page.index("【政策要闻】") < page.index("【区域实践】") < page.index("【会议论坛】") < page.index("【科技前沿】")
    assert '<span class="source-line">新华社 2026年11月3日</span>' in page
    assert "None: approve stories in the" in page, "every approved story is in the issue: none is offered"
    again = start(alice, year="", number="", total="", month="")
    assert again.status_code == 303 and again.location == "/issues"
    assert flashes(alice, "/issues")[0].startswith("no approved story is waiting for an issue")


def test_numbers_taken_are_refused_with_one_line_and_blank_fields_take_the_defaults(draft):
    home, ids, alice, _ = draft
    submit(alice, ids[0], "remove")
    start(alice, year="2026", number="12", total="39", month="12")
    assert flashes(alice, "/issues")[0] == "issue 39 (2026年第11期) exists already; choose another number and total"
    answer = start(alice, year="", number="", total="", month="12")
    assert answer.location == "/issues/40"
    assert (shown(home, 40).year, shown(home, 40).number, shown(home, 40).month) == (2026, 12, 12)
    start(alice, year="", number="x", total="", month="")
    assert alice.post("/issues/new", data={"csrf_token": token(alice, "/issues"), "number": "x"}).status_code == 400


# -- changing a draft ---------------------------------------------------------------------------------------


def test_remove_puts_a_story_on_offer_again_and_add_brings_it_back_last_in_its_section(draft):
    home, ids, alice, bob = draft
    answer = submit(alice, ids[0], "remove")
    assert answer.status_code == 303 and answer.location == ISSUE
    assert flashes(alice, ISSUE)[0] == f"removed story {ids[0]} from issue 39; it is offered for an issue again"
    assert order(home)[0] == ("政策要闻", [ids[2]])
    page = alice.get(ISSUE).get_data(as_text=True)
    offered = page[page.index("Approved stories not in an issue yet"):]
    assert f'id="offered-{ids[0]}"' in offered and "江苏发布智能制造标准体系建设指南" in offered
    answer = submit(bob, ids[0], "add")
    assert flashes(bob, ISSUE)[0] == f"added story {ids[0]} to issue 39"
    assert order(home)[0] == ("政策要闻", [ids[2], ids[0]])
    with Store(home / "newsdesk.db") as store:
        assert store.conn.execute("SELECT added_by FROM issue_stories WHERE story_id = ?",
                                  [ids[0]]).fetchone()[0] == "bob"


def test_up_and_down_move_a_story_one_place_and_the_position_form_anywhere_in_its_section(draft):
    home, ids, alice, _ = draft
    answer = submit(alice, ids[0], "move-down")
    assert answer.status_code == 303 and answer.location == ISSUE
    assert flashes(alice, ISSUE)[0] == f"moved story {ids[0]} in issue 39"
    assert order(home)[0] == ("政策要闻", [ids[2], ids[0]])
    submit(alice, ids[0], "move-up")
    assert order(home)[0] == ("政策要闻", [ids[0], ids[2]])
    with pytest.raises(AssertionError, match="has no move-up form"):
        form_of(alice, ids[0], "move-up")        # the first story of a section has no Up
    with pytest.raises(AssertionError, match="has no move-down form"):
        form_of(alice, ids[2], "move-down")      # nor the last a Down
    submit(alice, ids[1], "move-to", position="1")
    assert order(home)[1] == ("区域实践", [ids[1], ids[5]])
    submit(alice, ids[1], "move-to", position="9")
    assert flashes(alice, ISSUE)[0] == "position 9 is not in its section: give 1 to 2"
    assert order(home)[1] == ("区域实践", [ids[1], ids[5]])


def test_the_position_form_moves_a_story_to_another_section_under_the_editor(draft):
    home, ids, alice, _ = draft
    submit(alice, ids[4], "move-to", section="科技前沿", position="1")
    assert order(home)[2:] == [("科技前沿", [ids[4], ids[3]])]
    with Store(home / "newsdesk.db") as store:
        assert store.story(ids[4])["section"] == "科技前沿"
        assert store.story_log(ids[4])[-1]["actor"] == "alice"
    page = alice.get(ISSUE).get_data(as_text=True)
    assert "【会议论坛】" not in page


def test_title_and_summary_are_edited_in_place_under_the_editor_and_an_empty_title_is_the_articles(draft):
    home, ids, alice, _ = draft
    answer = submit(alice, ids[2], "edit-text", title="三省一市签署数据流通协议", summary="第一段。\n第二段。")
    assert answer.status_code == 303 and flashes(alice, ISSUE)[0] == f"saved story {ids[2]} in issue 39"
    story = shown(home).sections[0].stories[1]
    assert (story.title, story.paragraphs, story.edited) == ("三省一市签署数据流通协议", ("第一段。", "第二段。"), True)
    with Store(home / "newsdesk.db") as store:
        log = store.story_log(ids[2])[-1]
        assert (log["actor"], log["note"]) == ("alice", "edited the title and summary")
    action, fields = form_of(alice, ids[2], "edit-text")
    assert (fields["title"], ) == ("三省一市签署数据流通协议",)
    assert "第一段。\n第二段。</textarea>" in alice.get(ISSUE).get_data(as_text=True)
    submit(alice, ids[2], "edit-text", title="", summary="")
    assert shown(home).sections[0].stories[1].title == FIXED_STORIES[2][1]
    before = len(store_log(home, ids[0]))
    submit(alice, ids[0], "edit-text")            # saved as shown: nothing changes, nothing is logged
    assert (len(store_log(home, ids[0])), shown(home).sections[0].stories[0].edited) == (before, False)


def store_log(home, story_id: int) -> list[dict]:
    with Store(home / "newsdesk.db") as store:
        return store.story_log(story_id)


# -- versions and published issues ----------------------------------------------------------------------------


def test_a_change_from_a_page_read_before_another_editors_change_is_refused_with_what_to_do(draft):
    home, ids, alice, bob = draft
    _, bobs_form = form_of(bob, ids[2], "move-up")          # bob reads the page at version 1
    submit(alice, ids[0], "move-down")                       # alice moves a story: version 2
    answer = bob.post("/issues/39/move", data=bobs_form)
    assert answer.status_code == 303 and answer.location == ISSUE
    assert flashes(bob, ISSUE) == ["issue 39 (2026年第11期) changed since you read it (version 1, now 2, last by "
                                   "alice); reload it and try again"]
    assert order(home)[0] == ("政策要闻", [ids[2], ids[0]]), "alice's order stands"
    bob.post("/issues/39/remove", data={**bobs_form})
    assert "changed since you read it" in flashes(bob, ISSUE)[0] and len(shown(home).stories) == 6
    submit(bob, ids[0], "remove")                            # bob, reloaded, takes a story out: his name on it now
    assert shown(home).updated_by == "bob" and len(shown(home).stories) == 5
    answer = export(alice, "publish", "md", confirm="yes", version="1")
    assert answer.status_code == 303 and "changed since you read it" in flashes(alice, ISSUE)[0]
    assert shown(home).status == "draft"


def test_a_published_issue_is_read_only_and_refuses_every_change(draft):
    home, ids, alice, bob = draft
    _, stale = form_of(bob, ids[2], "move-up")
    assert export(alice, "publish", "md", confirm="yes").status_code == 200
    page = alice.get(ISSUE).get_data(as_text=True)
    assert "published</span> 2026-11-20 10:00 CST by alice" in page
    assert not re.search(r'class="inline (move-up|move-down|move-to|remove|add)"|edit-text|publish-form', page)
    assert 'id="export-form"' in page and "Approved stories not in an issue yet" not in page
    for route in ("move", "remove", "edit", "add"):
        answer = bob.post(f"/issues/39/{route}", data={**stale, "title": "x"})
        assert answer.status_code == 303
        assert flashes(bob, ISSUE) == ["issue 39 (2026年第11期) is published and cannot change; start a new issue "
                                       "for more stories"], route
    assert order(home)[0] == ("政策要闻", [ids[0], ids[2]])


# -- export -----------------------------------------------------------------------------------------------------


def test_a_preview_downloads_the_draft_as_it_stands_and_records_nothing(draft):
    home, ids, alice, _ = draft
    answer = export(alice, "preview", "md")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert disposition(f"{NAME}-草稿.md") in answer.headers["Content-Disposition"]
    text = answer.get_data().decode("utf-8")
    assert "(2026年第11期·总第39期)" in text and all(story[1].split(" ")[0] in text for story in FIXED_STORIES)
    docx = export(alice, "preview", "docx")
    assert docx.headers["Content-Type"] == ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                                            "document")
    from docx import Document
    document = Document(io.BytesIO(docx.get_data()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["【政策要闻】", "【区域实践】", "【会议论坛】", "【科技前沿】"]
    assert shown(home).status == "draft" and flashes(alice, ISSUE) == []
    assert 'id="publish-form"' in alice.get(ISSUE).get_data(as_text=True)


def test_publishing_needs_the_confirmation_then_records_the_issue_under_the_editor(draft):
    home, ids, alice, _ = draft
    answer = export(alice, "publish", "docx")
    assert answer.status_code == 303 and flashes(alice, ISSUE) == [PUBLISH_UNCONFIRMED]
    assert shown(home).status == "draft"
    answer = export(alice, "publish", "docx", confirm="yes")
    assert answer.status_code == 200 and disposition(f"{NAME}.docx") in answer.headers["Content-Disposition"]
    from docx import Document
    document = Document(io.BytesIO(answer.get_data()))
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == ["长三角数字经济"]
    assert "新华社 2026年11月3日" in [p.text for p in document.paragraphs]
    published = shown(home)
    assert (published.status, published.published_by) == ("published", "alice")
    assert flashes(alice, ISSUE)[0] == ("published issue 39 (2026年第11期·总第39期): its stories are not offered "
                                        "again, and it exports the same later")
    pdf = export(alice, "again", "pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF") and disposition(f"{NAME}.pdf") in pdf.headers["Content-Disposition"]
    first = export(alice, "again", "md").get_data()
    with Store(home / "newsdesk.db") as store:
        actions.edit_story(store, ids[0], title="后来改的标题", summary=None, actor="bob", version=2)
    assert export(alice, "again", "md").get_data() == first, "a published issue exports as it was printed"
    assert re.search(r"published 2026-11-20 10:00 CST by alice", alice.get("/issues").get_data(as_text=True))


def test_a_story_without_a_date_stops_the_export_with_its_name_unless_allowed(desk):
    home, ids, alice, _ = desk
    newsletter = Home(home).sections()
    with Store(home / "newsdesk.db") as store:
        candidate, _ = store.add_candidate({"url": "https://news.example.cn/undated.html", "source": "wire",
                                            "outlet": "新华社", "title": "没有日期的报道", "text": "正文。" * 20,
                                            "section": "政策要闻"})
        undated = actions.approve(store, newsletter, candidate, actor="alice")["cluster_id"]
    start(alice)
    item = re.search(rf'id="story-{undated}".*?</li>', alice.get(ISSUE).get_data(as_text=True), re.S).group(0)
    assert '<strong class="lack">no date</strong>' in item and "lacking" in alice.get(ISSUE).get_data(as_text=True)
    for mode in ("preview", "publish"):
        answer = export(alice, mode, "pdf", confirm="yes")
        assert answer.status_code == 303
        [message] = flashes(alice, ISSUE)
        assert message.startswith(f"cannot export issue 39 (2026年第11期): story {undated} (没有日期的报道) has no date")
    assert shown(home).status == "draft"
    allowed = export(alice, "preview", "md", allow_missing="yes")
    assert allowed.status_code == 200 and "没有日期的报道" in allowed.get_data().decode("utf-8")
    submit(alice, undated, "edit-source-line", ran_on="2026-11-05")
    assert export(alice, "preview", "md").status_code == 200
    assert "新华社 2026年11月5日" in export(alice, "preview", "md").get_data().decode("utf-8")


# -- safety -------------------------------------------------------------------------------------------------------


NEW_ROUTES = ["/issues/new", "/issues/39/add", "/issues/39/remove", "/issues/39/move", "/issues/39/edit",
              "/issues/39/export"]


@pytest.mark.parametrize("route", NEW_ROUTES)
def test_every_issue_form_needs_the_csrf_token_and_a_signed_in_editor(draft, route):
    home, ids, alice, _ = draft
    fields = {"story": str(ids[0]), "version": "1", "position": "2", "title": "x", "format": "md",
              "mode": "publish", "confirm": "yes", "year": "2027", "number": "1", "total": "40", "month": "1"}
    refused = alice.post(route, data=fields)
    assert refused.status_code == 400 and CSRF_REFUSED in refused.get_data(as_text=True)
    stranger = alice.application.test_client()
    answer = stranger.post(route, data={**fields, "csrf_token": token(stranger)})
    assert answer.status_code == 303 and answer.location == "/login"
    assert order(home)[0] == ("政策要闻", [ids[0], ids[2]]) and shown(home).version == 1
    with Store(home / "newsdesk.db") as store:
        assert [row["total"] for row in issues.list_issues(store)] == [39]


@pytest.mark.parametrize("page", ["/issues", ISSUE])
def test_every_issue_page_sends_a_stranger_to_sign_in(draft, page):
    answer = draft[2].application.test_client().get(page)
    assert answer.status_code == 303 and answer.location == f"/login?next={page}"


def test_crawled_and_edited_titles_are_escaped_everywhere_on_the_page(draft):
    home, ids, alice, _ = draft
    page = alice.get(ISSUE).get_data(as_text=True)
    assert "<b>单家企业</b>" not in page and "&lt;b&gt;单家企业&lt;/b&gt;" in page
    submit(alice, ids[0], "edit-text", title='"><script>alert(1)</script>', summary="<img src=x onerror=alert(1)>")
    submit(alice, ids[0], "remove")
    page = alice.get(ISSUE).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE not in page


def test_a_missing_issue_is_a_404_naming_it(desk):
    _, _, alice, _ = desk
    answer = alice.get("/issues/77")
    assert answer.status_code == 404 and "no issue 77 (总第77期)" in answer.get_data(as_text=True)
