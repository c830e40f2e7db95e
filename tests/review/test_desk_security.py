"""The desk in a hostile world: sign-in required, CSRF refused, security headers, the session cookie, crawled
HTML and javascript: URLs that never run."""

from __future__ import annotations

import re
import stat
from importlib import resources

import pytest
from conftest import cli, write_sources
from support.desk import add_editor, add_story, desk_app, post, sign_in, signed_in_client, token
from support.pages import STORIES, article, rss

from db import Store
from review.desk.secret_key import SECRET_KEY_FILE
from review.desk.security import CONTENT_SECURITY_POLICY, CSRF_REFUSED

PAGES = ["/", "/?status=approved&q=数据", "/stories/1", "/sources"]
FORMS = ["/stories/1/approve", "/stories/1/reject", "/stories/1/move", "/stories/1/restore", "/stories/1/undo",
         "/stories/1/edit", "/stories/1/note", "/stories/1/split", "/stories/1/merge", "/stories/bulk",
         "/sources/wire/disable", "/sources/wire/enable", "/sources/wire/test", "/sources/wire/crawl"]


@pytest.fixture
def desk(home):
    add_editor(home, "alice")
    story = add_story(home, 1, "上海发布数据条例", section="政策要闻")
    return home, desk_app(home), story


def story_row(home, story: int) -> dict:
    with Store(home / "newsdesk.db") as store:
        return store.get_candidate(story)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_but_login_sends_a_stranger_to_sign_in(desk, page):
    _, app, _ = desk
    answer = app.test_client().get(page)
    assert answer.status_code == 303 and answer.location.startswith("/login?next=")


@pytest.mark.parametrize("form", FORMS)
def test_every_form_refuses_a_stranger_and_changes_nothing(desk, form):
    home, app, story = desk
    client = app.test_client()
    answer = client.post(form, data={"csrf_token": token(client), "version": "1", "section": "科技前沿",
                                     "action": "approve", "story": f"{story}:1", "text": "x", "title": "x"})
    assert answer.status_code == 303 and answer.location == "/login"
    assert story_row(home, story)["version"] == 1
    assert (home / "sources.yaml").read_text(encoding="utf-8").count("enabled") == 0


@pytest.mark.parametrize("sent", [None, "", "forged-token"], ids=["missing", "empty", "forged"])
def test_a_form_without_this_sessions_csrf_token_is_refused_with_one_line(desk, sent):
    home, app, story = desk
    client = signed_in_client(app, "alice")
    data = {"version": "1"} if sent is None else {"version": "1", "csrf_token": sent}
    answer = client.post(f"/stories/{story}/reject", data=data)
    assert answer.status_code == 400
    assert CSRF_REFUSED in answer.get_data(as_text=True)
    assert story_row(home, story)["status"] == "pending"


def test_another_sessions_token_is_refused_too(desk):
    home, app, story = desk
    add_editor(home, "bob")
    alice, bob = signed_in_client(app, "alice"), signed_in_client(app, "bob")
    answer = bob.post(f"/stories/{story}/reject", data={"version": "1", "csrf_token": token(alice, "/")})
    assert answer.status_code == 400 and story_row(home, story)["status"] == "pending"


def test_signing_in_needs_the_token_and_gets_a_new_session(desk):
    _, app, _ = desk
    client = app.test_client()
    refused = client.post("/login", data={"username": "alice", "password": "correct horse battery"})
    assert refused.status_code == 400 and CSRF_REFUSED in refused.get_data(as_text=True)
    before = token(client)
    assert sign_in(client, "alice").status_code == 303
    assert token(client, "/") != before, "the anonymous session's token does not survive signing in"


@pytest.mark.parametrize("path", ["/login", "/", "/sources", "/static/desk.css", "/static/desk.js", "/stories/999999",
                                  "/?status=nonsense", "/no-such-page"])
def test_every_response_carries_the_security_headers(desk, path):
    _, app, _ = desk
    for client in (app.test_client(), signed_in_client(app, "alice")):
        answer = client.get(path)
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "script-src 'self';" in CONTENT_SECURITY_POLICY


def test_a_refusal_or_a_redirect_carries_them_as_well(desk):
    home, app, story = desk
    client = signed_in_client(app, "alice")
    for answer in (client.post(f"/stories/{story}/reject", data={}), client.get("/?since=yesterday"),
                   app.test_client().get("/")):
        assert answer.status_code in (303, 400)
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/?since=yesterday").get_data(as_text=True).count("since: &#39;yesterday&#39; is not a date") == 1


def test_templates_have_no_inline_script_style_or_handlers():
    folder = resources.files("review.desk") / "templates"
    for template in folder.iterdir():
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{template.name}: inline script"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), f"{template.name}: inline style or handler"


def test_the_session_cookie_is_signed_httponly_samesite_and_secure_behind_tls(desk):
    home, app, _ = desk
    cookie = sign_in(app.test_client(), "alice").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    behind = desk_app(home, behind_tls_proxy=True)
    cookie = sign_in(behind.test_client(), "alice", **{"wsgi.url_scheme": "https"}).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_secret_key_is_made_once_kept_private_and_sessions_survive_a_restart(desk):
    home, app, _ = desk
    key_file = home / SECRET_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    client = signed_in_client(app, "alice")
    cookie = client.get_cookie("newsdesk_session")
    restarted = desk_app(home).test_client()
    restarted.set_cookie("newsdesk_session", cookie.value)
    assert restarted.get("/").status_code == 200
    assert key_file.read_text() == (home / SECRET_KEY_FILE).read_text()
    forged = desk_app(home, secret_key="another key").test_client()
    forged.set_cookie("newsdesk_session", cookie.value)
    assert forged.get("/").status_code == 303, "a cookie signed with another key is no session"


def test_behind_a_proxy_the_rate_limit_counts_the_clients_address(desk):
    home, _, _ = desk
    app = desk_app(home, behind_tls_proxy=True)
    client = app.test_client()
    for n in range(20):
        sign_in(client, f"guess{n}", "guess", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "alice", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_in(client, "alice", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 303


HOSTILE_TITLE = "<script>window.pwned=1</script>数据安全"
HOSTILE_TEXT = "第一段<img src=x onerror=window.pwned=1>\n<script>window.pwned=2</script>第二段"


def test_crawled_html_and_javascript_urls_are_shown_as_text_never_run(desk):
    home, app, _ = desk
    with Store(home / "newsdesk.db") as store:
        id, _ = store.add_candidate({"url": "javascript:window.pwned=1", "source": "wire", "title": HOSTILE_TITLE,
                                     "outlet": "<b>outlet</b>", "text": HOSTILE_TEXT, "section": "政策要闻"})
        story = store.get_candidate(id)["cluster_id"]
    client = signed_in_client(app, "alice")
    for page in ("/", f"/stories/{story}", "/?q=数据安全"):
        html = client.get(page).get_data(as_text=True)
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;数据安全" in html, page
        assert "<script>window" not in html and "<img src=x" not in html and "<b>outlet" not in html
        assert not re.search(r"""href=["']?\s*javascript:""", html, re.I), page
        assert 'data-url="javascript' not in html
    story_page = client.get(f"/stories/{story}").get_data(as_text=True)
    assert "<p>第一段&lt;img src=x onerror=window.pwned=1&gt;</p>" in story_page
    assert '<span class="not-a-link">javascript:window.pwned=1</span>' in story_page


def test_links_to_originals_open_apart_from_the_desk(desk):
    _, app, story = desk
    html = signed_in_client(app, "alice").get(f"/stories/{story}").get_data(as_text=True)
    links = re.findall(r'<a [^>]*href="https://news\.example\.cn/1\.html"[^>]*>', html)
    assert links and all('rel="noopener noreferrer"' in link and 'target="_blank"' in link for link in links)


def test_post_answers_go_back_only_to_pages_of_the_desk(desk):
    home, app, story = desk
    client = signed_in_client(app, "alice")
    answer = post(client, f"/stories/{story}/note", {"text": "", "next": "https://evil.example/"})
    assert answer.status_code == 303 and answer.location == "/"


def test_a_crawled_page_with_markup_in_its_title_and_text_is_escaped_on_every_page(home, server):
    title = "&lt;script&gt;window.pwned=1&lt;/script&gt;芜湖数据中心集群开工"
    body = STORIES["compute"] + ["&lt;img src=x onerror=window.pwned=1&gt;该项目总投资约一百二十亿元。",
                                 '<a href="javascript:window.pwned=1">点击查看原文</a>该项目配套建设绿色电力专线。']
    server.add("/a/1.html", article(title, paragraphs=body))
    server.add("/feed.xml", rss(server, [("芜湖数据中心集群开工", "/a/1.html")]), content_type="application/rss+xml")
    write_sources(home, [{"name": "site", "kind": "feed", "url": server.url + "/feed.xml"}])
    assert cli("--home", str(home), "crawl").returncode == 0
    add_editor(home, "alice")
    client = signed_in_client(desk_app(home), "alice")
    queue = client.get("/?status=any").get_data(as_text=True)
    story = re.search(r'data-href="(/stories/\d+)"', queue).group(1)
    page = client.get(story).get_data(as_text=True)
    for html in (queue, page):
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;芜湖数据中心集群开工" in html
        assert "<script>window" not in html and "<img src=x" not in html
        assert not re.search(r"""href=["']?\s*javascript:""", html, re.I)
    assert "&lt;img src=x onerror=window.pwned=1&gt;该项目总投资约一百二十亿元。" in page
