"""The issue page in a real browser (Chromium, driven by Playwright): a new issue from the form, a story moved
with the keys and put back by dragging, its edit form opened with e; each change in the database."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from support.browser import browser, served_desk  # noqa: F401  (fixtures)
from support.issues import approve_fixed_stories

from crawler.configuration.home import Home
from db import Store
from review import issues


def policy_order(home) -> list[int]:
    with Store(home / "newsdesk.db") as store:
        issue = issues.show_issue(store, Home(home).sections(), 39)
    return [story.story_id for section in issue.sections if section.name == "政策要闻" for story in section.stories]


def current_story(page: Page):
    return page.locator("li.issue-story.current")


def test_an_issue_is_started_reordered_by_keys_and_by_dragging_and_edited(served_desk):
    desk = served_desk
    with Store(desk.home / "newsdesk.db") as store:
        ids = approve_fixed_stories(store, Home(desk.home).sections())
    newest, older = ids[0], ids[2]    # the two 政策要闻 stories, newest first
    page = desk.sign_in("alice")
    page.click("nav >> text=Issues")
    for field, value in {"year": "2026", "number": "11", "total": "39", "month": "11"}.items():
        page.fill(f"form.new-issue input[name={field}]", value)
    with page.expect_navigation():
        page.get_by_role("button", name="Start the issue").click()
    expect(page.locator("h1")).to_contain_text("总第39期")
    assert policy_order(desk.home) == [newest, older]

    expect(current_story(page)).to_have_attribute("data-story-id", str(newest))
    with page.expect_navigation():
        page.keyboard.press("Shift+J")
    expect(page.locator("li.issue-story[data-section=政策要闻]").first).to_have_attribute("data-story-id", str(older))
    assert policy_order(desk.home) == [older, newest]

    # The drop submits the story's move form: the page reloads, and a key pressed before its script is bound is lost.
    with page.expect_navigation():
        page.drag_and_drop(f"li.issue-story[data-story-id='{newest}']", f"li.issue-story[data-story-id='{older}']")
    expect(page.locator("li.issue-story[data-section=政策要闻]").first).to_have_attribute("data-story-id", str(newest))
    assert policy_order(desk.home) == [newest, older]

    page.keyboard.press("j")
    expect(current_story(page)).to_have_attribute("data-story-id", str(older))
    page.keyboard.press("e")
    title = current_story(page).locator("details.edit-story input[name=title]")
    expect(title).to_be_focused()
    title.fill("三省一市签署数据跨域流通协议")
    with page.expect_navigation():
        title.press("Enter")
    expect(page.locator(f"li.issue-story[data-story-id='{older}'] .issue-title")).to_have_text("三省一市签署数据跨域流通协议")
