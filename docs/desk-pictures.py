"""The README's pictures of the desk: the demo crawled into a temporary home, served, and shot with Chromium.

Run `.venv/bin/python docs/desk-pictures.py` from the repository (about a minute: the demo crawl, then the
pages). It needs Debian's Chromium (/usr/bin/chromium, which `make test` installs; Playwright downloads no
browser) and writes docs/desk-queue.png, docs/desk-story.png,
docs/desk-story-copies.png, docs/desk-sources.png, docs/desk-keys.png and docs/desk-issue.png,
1280x800 each.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
PICTURES = REPO / "docs"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}
EDITOR, PASSWORD = "wang.fang", "pictures of the desk"


def newsdesk(home: Path, *args: str, **options) -> subprocess.CompletedProcess:
    """`newsdesk --home HOME ARGS` from this checkout; stops the script with its output when it fails."""
    done = subprocess.run([sys.executable, "-m", "newsdesk.cli", "--home", str(home), *args], cwd=REPO,
                          capture_output=True, text=True, **options)
    if done.returncode != 0:
        sys.exit(f"error: newsdesk {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def serve(home: Path) -> tuple[subprocess.Popen, str]:
    """`newsdesk review` on a free port, and the address it printed."""
    desk = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "review", "--port", "0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in desk.stdout:
        found = re.search(r"the desk is at (http://\S+/)", line)
        if found:
            return desk, found.group(1)
    sys.exit("error: newsdesk review ended before it printed its address")


def sign_in(page: Page, address: str) -> None:
    page.goto(address + "login")
    page.fill("input[name=username]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("tr.story-row.current")).to_be_visible()    # marked by desk.js: the keys are ready


def decide(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=PICTURES / name)
    print(f"wrote docs/{name}")


def take_pictures(address: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()
        sign_in(page, address)
        # A morning's work under way: two stories decided (the message and the Undo button show), the cursor
        # on the third row.
        decide(page, "a")
        page.keyboard.press("j")
        decide(page, "r")
        page.keyboard.press("j")
        shoot(page, "desk-queue.png")
        page.keyboard.press("?")
        expect(page.locator("#keys")).to_be_visible()
        shoot(page, "desk-keys.png")
        page.keyboard.press("Escape")

        reprinted = page.locator("tr.story-row:has(.also)").first
        page.goto(address.rstrip("/") + reprinted.get_attribute("data-href"))
        expect(page.locator(".explanation-lines")).not_to_be_empty()
        shoot(page, "desk-story.png")
        page.locator("section.copies").evaluate("section => section.scrollIntoView()")
        shoot(page, "desk-story-copies.png")

        page.goto(address + "sources")
        expect(page.locator("tr.source-row").first).to_be_visible()
        shoot(page, "desk-sources.png")

        # An issue drafted from six stories approved at once (x selects, a approves the selection).
        page.goto(address)
        for _ in range(6):
            page.keyboard.press("x")
            page.keyboard.press("j")
        decide(page, "a")
        page.goto(address + "issues")
        for field, value in {"year": "2026", "number": "11", "total": "39", "month": "11"}.items():
            page.fill(f"form.new-issue input[name={field}]", value)
        with page.expect_navigation():
            page.get_by_role("button", name="Start the issue").click()
        expect(page.locator("li.issue-story").first).to_be_visible()
        shoot(page, "desk-issue.png")
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="desk-pictures-") as folder:
        home = Path(folder) / "home"
        print("crawling the demo site (about half a minute)")
        newsdesk(home, "demo", "--no-serve", "--port", "0")
        newsdesk(home, "users", "add", EDITOR, "--password-stdin", input=PASSWORD + "\n")
        desk, address = serve(home)
        try:
            take_pictures(address)
        finally:
            desk.terminate()
            desk.wait()


if __name__ == "__main__":
    main()
