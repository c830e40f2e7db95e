"""The desk in a real browser: Debian's Chromium driven by Playwright, against a real `newsdesk review` of a test home.

Import the fixtures into a test module: `from support.browser import browser, served_desk  # noqa: F401`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from support.desk import ADDRESS, PASSWORD, Running, add_editor

from crawler.configuration.yaml_files import update_yaml
from db import Store

CHROMIUM = Path("/usr/bin/chromium")     # Debian's, installed by `make test`; Playwright never downloads one
EDITORS = ("alice", "bob")
VIEWPORT = {"width": 1280, "height": 800}
# How long an expectation waits for the page to come right: a ceiling, never a measure (CI is a loaded 2-core
# machine, and signing in verifies a 64 MiB Argon2 hash).
PATIENCE_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for a test module; each editor gets a context (cookies, storage) of their own."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    expect.set_options(timeout=PATIENCE_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@dataclass
class ServedDesk:
    """A `newsdesk review` serving a home on 127.0.0.1, and the browser contexts the test opened on it."""

    home: Path
    address: str
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)

    def open(self, *, javascript: bool = True) -> Page:
        """A new browser context (a new editor's browser) and a page in it, signed in to nothing yet."""
        context = self.browser.new_context(java_script_enabled=javascript, viewport=VIEWPORT, locale="zh-CN")
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, name: str = "alice", *, javascript: bool = True) -> Page:
        """A browser of its own, signed in through the login form; it ends on the queue."""
        page = self.open(javascript=javascript)
        page.goto(self.address)
        expect(page).to_have_url(self.address + "login?next=/")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator(".flash")).to_have_text(f"signed in as {name}")
        expect(page).to_have_url(self.address)
        return page

    def url(self, path: str) -> str:
        return self.address + path.lstrip("/")

    def story(self, story_id: int) -> dict:
        with Store(self.home / "newsdesk.db") as store:
            return store.story(story_id)

    def log(self, story_id: int) -> list[tuple]:
        """The story's audit entries: (actor, old status, new status, new section)."""
        with Store(self.home / "newsdesk.db") as store:
            return [(e["actor"], e["old_status"], e["new_status"], e["new_section"]) for e in store.story_log(story_id)]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def words_only(document):
    """The classifier without its pretrained encoder: a desk process loads it for its first story page's
    explanation, over 10 s on a loaded 2-core machine, and these tests are about the desk, not the encoder."""
    document["classifier"]["encoder"] = "none"
    return document


@pytest.fixture
def served_desk(home, browser) -> Iterator[ServedDesk]:
    """The test's home served by `newsdesk review --port 0`, with editors alice and bob. Add stories to
    served_desk.home before opening pages (the desk reads the database on every request)."""
    update_yaml(home / "sections.yaml", words_only)
    for name in EDITORS:
        add_editor(home, name)
    running = Running("--home", str(home), "review", "--port", "0")
    desk = None
    try:
        desk = ServedDesk(home, running.wait_for(ADDRESS, timeout=60).group(1), browser)
        yield desk
    finally:
        if desk is not None:
            desk.close()
        running.stop()
