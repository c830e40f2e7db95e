"""The desk in a real browser (Chromium, driven by Playwright) against a real `newsdesk review`: the keys, every
action without JavaScript, hostile crawled content, two editors on one story, and the story page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from support.browser import browser, served_desk  # noqa: F401  (fixtures)
from support.desk import add_story

from db import Store

# The queue as the test homes hold it, newest first; sections.yaml's order: 1 政策要闻, 2 区域实践, 3 会议论坛, 4 科技前沿.
QUEUE = [
    ("上海发布数据条例", "政策要闻", "2026-11-03T12:00:00+08:00"),
    ("苏州建设算力中心", "区域实践", "2026-11-03T11:00:00+08:00"),
    ("长三角数字经济论坛开幕", "会议论坛", "2026-11-03T10:00:00+08:00"),
    ("脑机接口临床试验取得进展", "科技前沿", "2026-11-03T09:00:00+08:00"),
]


def add_queue(home) -> list[int]:
    """Four pending stories, one per section; their ids, newest first."""
    return [add_story(home, n, title, text=f"{title}。\n正文第二段，细节。", section=section,
                      section_confidence=0.8, published_at=at)
            for n, (title, section, at) in enumerate(QUEUE, start=1)]


def current_row(page: Page):
    return page.locator("tr.story-row.current")


def press_and_load(page: Page, key: str) -> None:
    """Press a key that submits a form (or follows a link) and wait for the page it leads to, keys ready."""
    with page.expect_navigation():
        page.keyboard.press(key)


def flash(page: Page):
    return page.locator("#messages .flash")


def test_j_and_k_move_the_current_row_and_a_and_r_decide_it_under_the_editors_name(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice")
    expect(page.locator("tr.story-row")).to_have_count(4)
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[0]))
    for key, expected in [("j", 1), ("j", 2), ("k", 1), ("k", 0), ("k", 0), ("j", 1)]:
        page.keyboard.press(key)
        expect(current_row(page)).to_have_attribute("data-story-id", str(ids[expected]))

    press_and_load(page, "a")
    expect(flash(page)).to_have_text(f"approved story {ids[1]}: now approved in 区域实践")
    after = desk.story(ids[1])
    assert (after["status"], after["section"], after["decided_by"]) == ("approved", "区域实践", "alice")
    assert desk.log(ids[1])[-1] == ("alice", "pending", "approved", "区域实践")
    # The approved story left the pending queue; the cursor stays in place, on the story after it.
    expect(page.locator("tr.story-row")).to_have_count(3)
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[2]))

    press_and_load(page, "r")
    expect(flash(page)).to_have_text(f"rejected story {ids[2]}: now rejected in 会议论坛")
    assert (desk.story(ids[2])["status"], desk.story(ids[2])["decided_by"]) == ("rejected", "alice")
    assert desk.log(ids[2])[-1] == ("alice", "pending", "rejected", "会议论坛")
    expect(page.locator("tr.story-row")).to_have_count(2)


def test_a_number_moves_to_that_section_and_u_undoes_it_on_the_queue_and_the_story_page(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice")
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[0]))
    press_and_load(page, "4")
    expect(flash(page)).to_have_text(f"moved story {ids[0]}: now pending in 科技前沿")
    expect(page.locator(f"#story-{ids[0]} .section")).to_have_text("科技前沿")
    assert desk.story(ids[0])["section"] == "科技前沿"
    assert desk.log(ids[0])[-1] == ("alice", "pending", "pending", "科技前沿")

    expect(page.locator("#undo-form")).to_contain_text(f"Last: moved story {ids[0]}")
    press_and_load(page, "u")
    expect(flash(page)).to_have_text("undone: back to pending in 政策要闻")
    expect(page.locator("#undo-form")).to_have_count(0)
    assert desk.story(ids[0])["section"] == "政策要闻"
    assert desk.log(ids[0])[-1] == ("alice", "pending", "pending", "政策要闻")

    page.goto(desk.url(f"/stories/{ids[1]}"))
    press_and_load(page, "3")
    expect(flash(page)).to_have_text(f"moved story {ids[1]}: now pending in 会议论坛")
    expect(page).to_have_url(desk.url(f"/stories/{ids[1]}"))
    press_and_load(page, "a")
    expect(flash(page)).to_have_text(f"approved story {ids[1]}: now approved in 会议论坛")
    expect(page.locator(".metadata .status")).to_have_text("approved by alice")
    assert (desk.story(ids[1])["status"], desk.story(ids[1])["section"]) == ("approved", "会议论坛")


def test_x_selects_stories_and_a_approves_every_selected_one(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice")
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[0]))
    box = {story_id: page.locator(f"#story-{story_id} input[name=story]") for story_id in ids}
    page.keyboard.press("x")
    expect(box[ids[0]]).to_be_checked()
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("x")          # x again: unselected
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(box[ids[1]]).not_to_be_checked()
    expect(box[ids[2]]).to_be_checked()

    press_and_load(page, "a")
    expect(flash(page)).to_have_text(f"approved 2 stories: {ids[0]}, {ids[2]}")
    assert [desk.story(s)["status"] for s in ids] == ["approved", "pending", "approved", "pending"]
    assert {desk.story(s)["decided_by"] for s in (ids[0], ids[2])} == {"alice"}


def test_slash_searches_question_mark_lists_the_keys_enter_opens_the_story_and_o_the_original(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice")
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[0]))
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("数据ar")          # typed into the box: a and r decide nothing
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    press_and_load(page, "Enter")
    assert re.search(r"[?&]q=%E6%95%B0%E6%8D%AE(&|$)", page.url), page.url
    expect(page.locator("tr.story-row .title")).to_have_text([QUEUE[0][0]])
    assert [desk.story(s)["status"] for s in ids] == ["pending"] * 4

    page.fill("#search", "算力中心")
    press_and_load(page, "Enter")
    expect(page.locator("tr.story-row .title")).to_have_text([QUEUE[1][0]])

    keys = page.locator("#keys")
    expect(keys).to_be_hidden()
    page.locator("#search").blur()
    page.keyboard.press("?")
    expect(keys).to_be_visible()
    expect(keys).to_contain_text("undo the last decision")
    page.keyboard.press("?")
    expect(keys).to_be_hidden()
    page.click(".keys-toggle")
    expect(keys).to_be_visible()
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()
    page.locator(".keys-toggle").blur()      # else Enter, below, presses the focused button

    # o: the original in a new tab (answered here: the test has no internet).
    page.context.route("https://news.example.cn/**", lambda route: route.fulfill(body="<p>the original</p>",
                                                                                content_type="text/html"))
    with page.context.expect_page() as opened:
        page.keyboard.press("o")
    expect(opened.value).to_have_url("https://news.example.cn/2.html")
    opened.value.close()

    press_and_load(page, "Enter")
    expect(page).to_have_url(desk.url(f"/stories/{ids[1]}"))
    expect(page.locator("h1.title")).to_have_text(QUEUE[1][0])


def post_and_follow(page: Page, button) -> None:
    """Click a form's button; the POST is answered by a 303, the browser follows it to a page."""
    with page.expect_response(lambda answer: answer.request.method == "POST") as answer:
        button.click()
    assert answer.value.status == 303, answer.value.status
    page.wait_for_load_state()


def test_every_page_and_action_works_without_javascript(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice", javascript=False)
    expect(page.locator("tr.story-row")).to_have_count(4)
    expect(page.locator(".keys-toggle")).to_be_hidden()     # no keys without JavaScript: no button listing them

    post_and_follow(page, page.locator(f"#story-{ids[0]} form.approve button"))
    expect(page).to_have_url(desk.address)
    expect(flash(page)).to_have_text(f"approved story {ids[0]}: now approved in 政策要闻")
    assert (desk.story(ids[0])["status"], desk.story(ids[0])["decided_by"]) == ("approved", "alice")

    page.check(f"#story-{ids[1]} input[name=story]")
    page.check(f"#story-{ids[2]} input[name=story]")
    page.select_option("#bulk select[name=section]", "科技前沿")
    post_and_follow(page, page.locator("#bulk button[value=move]"))
    expect(flash(page)).to_have_text(f"moved 2 stories: {ids[1]}, {ids[2]}")
    assert [desk.story(s)["section"] for s in ids[1:3]] == ["科技前沿", "科技前沿"]

    post_and_follow(page, page.locator("#undo-form button"))
    expect(flash(page)).to_have_text("undone: back to pending in 会议论坛")
    assert desk.story(ids[2])["section"] == "会议论坛"

    page.fill("#search", "算力中心")
    page.click("#search-form button[type=submit]")
    expect(page.locator("tr.story-row .title")).to_have_text([QUEUE[1][0]])
    page.click("nav.status-tabs a[data-status=approved]")
    expect(page.locator("tr.story-row")).to_have_count(0)
    page.click("#search-form a:text('clear')")
    expect(page.locator("tr.story-row .title")).to_have_text([QUEUE[0][0]])

    page.goto(desk.url(f"/stories/{ids[3]}"))
    page.select_option("#approve-form select[name=section]", "会议论坛")
    post_and_follow(page, page.locator("#approve-form button"))
    expect(page).to_have_url(desk.url(f"/stories/{ids[3]}"))
    expect(flash(page)).to_have_text(f"approved story {ids[3]}: now approved in 会议论坛")
    post_and_follow(page, page.locator("#restore-form button"))
    expect(page.locator(".metadata .status")).to_have_text("pending by alice")
    page.fill("#edit-form input[name=title]", "脑机接口试验进展")
    post_and_follow(page, page.locator("#edit-form button"))
    expect(page.locator("h1.title")).to_have_text("脑机接口试验进展")
    page.fill("#note-form textarea", "等官方通报")
    post_and_follow(page, page.locator("#note-form button"))
    expect(page.locator(".note")).to_contain_text("等官方通报")
    with Store(desk.home / "newsdesk.db") as store:
        assert [n["actor"] for n in store.story_notes(ids[3])] == ["alice"]

    page.click("header a:text('Sources')")
    expect(page.locator("h1")).to_have_text("Sources")
    post_and_follow(page, page.locator("#logout-form button"))
    expect(flash(page)).to_have_text("signed out")
    page.goto(desk.address)
    expect(page).to_have_url(desk.url("/login?next=/"))


HOSTILE_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2; alert(2)">数据条例'
HOSTILE_TEXT = ('开头<script>window.__pwned = 3; alert(3)</script>\n'
                '<img src=x onerror="window.__pwned = 4"> <a href="javascript:window.__pwned = 5">点我</a>')


def test_hostile_titles_text_and_links_are_shown_as_text_and_nothing_runs(served_desk):
    desk = served_desk
    story_id = add_story(desk.home, 1, HOSTILE_TITLE, text=HOSTILE_TEXT, section="政策要闻")
    with Store(desk.home / "newsdesk.db") as store:
        store.add_candidate({"url": "javascript:window.__pwned = 6", "source": "other", "outlet": "<b>某网</b>",
                             "title": "转载" + HOSTILE_TITLE, "text": HOSTILE_TEXT, "cluster_id": story_id})
    page = desk.sign_in("alice")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    expect(page.locator(f"#story-{story_id} .title")).to_have_text(HOSTILE_TITLE)
    assert page.locator("main img, main script").count() == 0
    page.goto(desk.url(f"/stories/{story_id}"))
    expect(page.locator("h1.title")).to_have_text(HOSTILE_TITLE)
    expect(page.locator("section.text p")).to_have_text(
        ['开头<script>window.__pwned = 3; alert(3)</script>',
         '<img src=x onerror="window.__pwned = 4"> <a href="javascript:window.__pwned = 5">点我</a>'])
    expect(page.locator("#copies")).to_contain_text("<b>某网</b>")
    expect(page.locator("#copies .not-a-link")).to_have_text("javascript:window.__pwned = 6")
    assert page.locator("main img, main script, main b").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0

    page.fill("#note-form textarea", '<img src=x onerror="window.__pwned = 7">')
    post_and_follow(page, page.locator("#note-form button"))
    expect(page.locator(".note")).to_contain_text('<img src=x onerror="window.__pwned = 7">')
    assert page.locator("main img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []


def test_the_second_of_two_editors_on_one_story_is_refused_with_who_changed_it_and_what_it_is_now(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    alice, bob = desk.sign_in("alice"), desk.sign_in("bob")
    for page in (alice, bob):
        page.goto(desk.url(f"/stories/{ids[0]}"))
        expect(page.locator(".metadata .status")).to_have_text("pending")
    press_and_load(alice, "a")
    expect(flash(alice)).to_have_text(f"approved story {ids[0]}: now approved in 政策要闻")

    press_and_load(bob, "r")
    expect(flash(bob)).to_have_text(f"story {ids[0]} changed since you read it (version 1, now 2, last by alice: "
                                    "approved 政策要闻); reload it and try again")
    expect(bob.locator(".metadata .status")).to_have_text("approved by alice")
    assert (desk.story(ids[0])["status"], desk.story(ids[0])["decided_by"]) == ("approved", "alice")
    assert [entry[0] for entry in desk.log(ids[0])] == ["crawler", "alice"]

    press_and_load(bob, "r")      # the page now shows version 2: bob decides knowing alice's decision
    expect(flash(bob)).to_have_text(f"rejected story {ids[0]}: now rejected in 政策要闻")
    assert desk.log(ids[0])[-1] == ("bob", "approved", "rejected", "政策要闻")


def test_the_story_page_shows_the_text_the_copies_the_explanation_and_the_history(served_desk):
    desk = served_desk
    story_id = add_story(desk.home, 1, "上海发布数据条例", text="第一段：条例共六章。\n\n第二段：明年三月施行。",
                         section="政策要闻", section_confidence=0.9)
    with Store(desk.home / "newsdesk.db") as store:
        store.add_candidate({"url": "https://b.example.cn/1.html", "source": "other", "outlet": "解放日报",
                             "title": "上海发布数据条例（转载）", "text": "第一段：条例共六章。",
                             "published_at": "2026-11-03T15:00:00+08:00", "cluster_id": story_id})
    page = desk.sign_in("alice")
    page.goto(desk.url(f"/stories/{story_id}"))
    press_and_load(page, "a")
    page.fill("#note-form textarea", "头条候选")
    post_and_follow(page, page.locator("#note-form button"))

    expect(page.locator("h1.title")).to_have_text("上海发布数据条例")
    expect(page.locator("section.text p")).to_have_text(["第一段：条例共六章。", "第二段：明年三月施行。"])
    expect(page.locator(".metadata")).to_contain_text("新华社")
    expect(page.locator("#copies .copy-row")).to_have_count(2)
    expect(page.locator("#copies .copy-row td:first-child")).to_have_text(["新华社", "解放日报"])
    links = page.locator("#copies .copy-row a")
    expect(links.nth(1)).to_have_attribute("href", "https://b.example.cn/1.html")
    expect(links.nth(1)).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator(".explanation-lines")).to_contain_text("政策要闻")
    expect(page.locator("#history .history-row .actor")).to_have_text(["crawler", "alice"])
    expect(page.locator("#history .history-row").last).to_contain_text("pending → approved")
    expect(page.locator(".note")).to_contain_text("头条候选")
    expect(page.locator(".note-meta")).to_contain_text("alice")


def test_keys_still_work_after_a_click_on_a_row_or_its_box_and_enter_follows_a_focused_link(served_desk):
    desk = served_desk
    ids = add_queue(desk.home)
    page = desk.sign_in("alice")
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[0]))
    page.click(f"#story-{ids[2]} .date")
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[2]))
    page.click(f"#story-{ids[1]} input[name=story]")      # ticked with the mouse: the box has the focus
    expect(current_row(page)).to_have_attribute("data-story-id", str(ids[1]))
    page.click(f"#story-{ids[3]} input[name=story]")
    press_and_load(page, "a")
    expect(flash(page)).to_have_text(f"approved 2 stories: {ids[1]}, {ids[3]}")
    assert [desk.story(s)["status"] for s in ids] == ["pending", "approved", "pending", "approved"]

    page.focus("header a:text('Sources')")
    press_and_load(page, "Enter")
    expect(page).to_have_url(desk.url("/sources"))
