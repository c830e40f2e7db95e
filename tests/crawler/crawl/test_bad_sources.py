"""Bad input from sources: each gives a clear error in its run record and summary; the others finish."""

from __future__ import annotations

import time

import pytest
from conftest import cli, queue_rows, trickle, write_sources
from support.pages import STORIES, article, rss, slow_answer

from db import Store


def big_page(size: int, declare_length: bool):
    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            request.send_header("Content-Length", str(size))
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        chunk = b"<p>" + "很大的页面".encode() * 20000 + b"</p>"
        sent = 0
        try:
            while sent < size:
                request.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


@pytest.fixture
def bad_world(server, tmp_path):
    """A good feed beside every kind of broken source, on one server."""
    s = server
    s.add("/good/1.html", article("数字经济若干措施印发"))
    s.add("/good/2.html", article("算力调度平台上线", paragraphs=STORIES["compute"]))
    s.add("/good.xml", rss(s, [("数字经济若干措施印发", "/good/1.html"), ("算力调度平台上线", "/good/2.html")]),
          content_type="application/rss+xml")
    # feeds that are broken in ways we can still read
    s.add("/malformed/1.html", article("数据要素市场启动", paragraphs=STORIES["data"]))
    s.add("/malformed.xml", rss(s, [("数据要素市场启动", "/malformed/1.html")]).replace("<title>T</title>", "<title>A & B</title>"),
          content_type="application/rss+xml")
    truncated = rss(s, [("芯片产线投产", "/trunc/1.html"), ("第二条", "/trunc/2.html")])
    s.add("/trunc/1.html", article("芯片产线投产", paragraphs=STORIES["chip"]))
    s.add("/truncated.xml", truncated[: truncated.index("<item><title>第二条") + 20], content_type="application/rss+xml")
    # a GBK page served with no charset in the header and a WRONG one in the header
    gbk_page = article("安徽省数据资源局发布通知", paragraphs=STORIES["ahgov"], charset="gb2312").encode("gb18030")
    s.add("/gbk/1.html", gbk_page, content_type="text/html")
    s.add("/gbk/2.html", article("江苏省印发智能制造行动方案", paragraphs=STORIES["jsgov"], charset="gb2312").encode("gb18030"),
          content_type="text/html; charset=utf-8")
    s.add("/gbk.xml", rss(s, [("安徽省数据资源局发布通知", "/gbk/1.html"), ("江苏省印发智能制造行动方案", "/gbk/2.html")]),
          content_type="application/rss+xml")
    # entries whose pages fail: the entry's own text is used
    s.add("/fallback.xml", rss(s, [("浙江数字政府建设新进展：全省八成以上政务服务事项实现一网通办，平均办理时间缩短六成。", "/gone.html")]),
          content_type="application/rss+xml")
    # sources that fail
    s.add("/html-not-feed.xml", "<!DOCTYPE html><html><body><p>Welcome</p></body></html>")
    s.add("/missing.xml", "not here", status=404, content_type="text/plain")
    s.add("/broken.xml", "oops", status=500, content_type="text/plain")
    s.add("/slow.xml", slow_answer(12))
    s.add("/trickle.xml", trickle(chunks=60, delay=0.25))
    s.add("/loop-a", b"", status=302, Location="/loop-b")
    s.add("/loop-b", b"", status=302, Location="/loop-a")
    s.add("/huge.html", big_page(50 * 1024 * 1024, declare_length=True))
    s.add("/huge-stream.html", big_page(50 * 1024 * 1024, declare_length=False))
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    feed = lambda name, path: {"name": name, "kind": "feed", "url": s.url + path}
    write_sources(home, [
        feed("good", "/good.xml"), feed("malformed", "/malformed.xml"), feed("truncated", "/truncated.xml"),
        feed("gbk", "/gbk.xml"), feed("fallback", "/fallback.xml"),
        feed("html-not-feed", "/html-not-feed.xml"), feed("missing", "/missing.xml"),
        feed("broken", "/broken.xml"), feed("slow", "/slow.xml"), feed("trickle", "/trickle.xml"),
        feed("loop", "/loop-a"), {"name": "huge", "kind": "listing", "url": s.url + "/huge.html"},
        {"name": "huge-stream", "kind": "listing", "url": s.url + "/huge-stream.html"},
        feed("dead", "/x.xml") | {"url": "http://127.0.0.1:9/x.xml"},
    ], timeout=8, max_page_mb=10)
    return home


EXPECTED_ERRORS = {
    "html-not-feed": "got an HTML page, not a feed",
    "missing": "HTTP 404",
    "broken": "HTTP 500",
    "slow": "timed out: no complete answer within 8 s",
    "trickle": "timed out: no complete answer within 8 s",
    "loop": "a redirect loop?",
    "huge": "larger than max_page_mb (10 MB)",
    "huge-stream": "larger than max_page_mb (10 MB)",
    "dead": "connection refused",
}


def test_every_bad_source_is_reported_and_the_rest_are_stored(bad_world):
    home = bad_world
    # An editor's decision made before the bad crawl must survive it.
    assert cli("--home", str(home), "crawl", "--source", "good").returncode == 0
    first = queue_rows(home)
    assert cli("--home", str(home), "approve", str(first[0]["id"])).returncode == 0

    result = cli("--home", str(home), "crawl")
    assert result.returncode == 1, "a source that failed outright makes the exit status non-zero"
    with Store(home / "newsdesk.db") as store:
        runs = {name: store.last_run(name) for name in
                ["good", "malformed", "truncated", "gbk", "fallback", *EXPECTED_ERRORS]}
        approved = store.get_candidate(first[0]["id"])
    assert approved["status"] == "approved"

    for name, message in EXPECTED_ERRORS.items():
        run = runs[name]
        assert run["status"] == "failed", (name, run)
        assert any(message in e["message"] for e in run["errors"]), (name, run["errors"])
        assert message in result.stdout, f"the summary shows {name}'s error"
        assert all("\n" not in e["message"] for e in run["errors"])

    assert runs["good"]["duplicates"] == 2 and runs["good"]["new"] == 0
    for name in ("malformed", "truncated"):
        assert runs[name]["new"] == 1, (name, runs[name])
    assert runs["gbk"]["new"] == 2 and not runs["gbk"]["errors"]
    assert runs["fallback"]["new"] == 1 and "used the feed entry's own text" in runs["fallback"]["errors"][0]["message"]

    stored = {row["title"]: row for row in queue_rows(home, "--any-status")}
    assert {"数字经济若干措施印发", "算力调度平台上线", "数据要素市场启动", "芯片产线投产",
            "安徽省数据资源局发布通知", "江苏省印发智能制造行动方案"} <= set(stored)
    gbk = stored["安徽省数据资源局发布通知"]
    assert "安徽省数据资源管理局近日印发通知" in gbk["text"], "GBK bytes were decoded, not garbled"
    assert gbk["published_at"] == "2026-11-03T09:30:00+08:00"
    assert "江苏省工业和信息化厅印发" in stored["江苏省印发智能制造行动方案"]["text"], "a lying header charset"

    health = cli("--home", str(home), "sources", "health")
    assert health.returncode == 0
    lines = health.stdout.splitlines()
    flagged = [line for line in lines if line.startswith("!!")]
    assert any(line.startswith("!! missing: failed") and "HTTP 404" in line for line in flagged)
    assert lines.index(next(l for l in lines if " good: " in l)) > max(lines.index(l) for l in flagged), \
        "failing sources are listed first"


def test_robots_txt_is_obeyed_and_the_user_agent_says_who_we_are(server, tmp_path):
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.add("/private/feed.xml", rss(server, [("不该抓取", "/private/1.html")]), content_type="application/rss+xml")
    server.add("/open.xml", rss(server, [("芯片产线投产", "/private/2.html")]), content_type="application/rss+xml")
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, [{"name": "private", "kind": "feed", "url": server.url + "/private/feed.xml"},
                         {"name": "open", "kind": "feed", "url": server.url + "/open.xml"}],
                  contact="mailto:desk@example.org")
    result = cli("--home", str(home), "crawl")
    assert "forbidden by the site's robots.txt" in result.stdout
    fetched = [path for path, _ in server.requests]
    assert not any(path.startswith("/private/") for path in fetched), fetched
    agents = {headers.get("User-Agent") for _, headers in server.requests}
    assert agents == {"Newsdesk/0.1.0 (news aggregator for newsletters; +mailto:desk@example.org)"}


def test_a_flaky_page_is_retried_with_backoff_and_then_stored(server, tmp_path):
    answers = iter([503, 503, 200])
    times = []

    def flaky(request):
        times.append(time.monotonic())
        status = next(answers, 200)
        body = article("芯片产线投产", paragraphs=STORIES["chip"]).encode() if status == 200 else b"busy"
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    server.add("/flaky.html", flaky)
    server.add("/feed.xml", rss(server, [("芯片产线投产", "/flaky.html")]), content_type="application/rss+xml")
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, [{"name": "flaky", "kind": "feed", "url": server.url + "/feed.xml"}],
                  retries=2, retry_backoff=0.5)
    assert cli("--home", str(home), "crawl").returncode == 0
    assert [row["title"] for row in queue_rows(home)] == ["芯片产线投产"]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.35 and times[2] - times[1] >= 0.75, "each retry waits longer"
