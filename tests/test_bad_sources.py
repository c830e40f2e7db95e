"""Bad input from sources: each gives a clear error in its run record and summary; the others finish."""

from __future__ import annotations

import time

import pytest

from conftest import cli, queue_rows, trickle, write_sources
from db import Store

PARAGRAPHS = [
    "上海市经济和信息化委员会日前印发《关于推动数字经济高质量发展的若干措施》，提出到二〇二八年数字经济核心产业增加值占比达到百分之十五。",
    "措施围绕数据要素、算力基础设施、人工智能产业和数字化转型四个方面提出二十条举措，明确了各区和部门的责任分工。",
    "市经信委有关负责人表示，将加快建设公共数据开放平台，支持企业在工业互联网、智能网联汽车等领域开展场景创新。",
]


def article(title: str, date: str = "2026年11月03日 09:30", paragraphs=PARAGRAPHS, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset='{charset}'><title>{title}_测试网</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a><a href='/news/'>新闻</a></div>"
            f"<h1>{title}</h1><div class='info'>发布时间：{date} 来源：测试网</div>"
            f"<div class='content'>{body}</div>"
            f"<div class='footer'>版权所有 测试网 ICP备00000000号</div></body></html>")


def rss(server, items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{server.url}{p}</link>"
                      f"<pubDate>Tue, 03 Nov 2026 09:30:00 +0800</pubDate><description>{t}</description></item>"
                      for t, p in items)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>{entries}</channel></rss>"


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


def slow_answer(delay: float):
    def handler(request):
        time.sleep(delay)
        try:
            request.send_response(200)
            request.send_header("Content-Length", "0")
            request.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


@pytest.fixture
def bad_world(server, tmp_path):
    """A good feed beside every kind of broken source, on one server."""
    s = server
    s.add("/good/1.html", article("数字经济若干措施印发"))
    s.add("/good/2.html", article("算力调度平台上线", paragraphs=[p.replace("数字经济", "算力") for p in PARAGRAPHS]))
    s.add("/good.xml", rss(s, [("数字经济若干措施印发", "/good/1.html"), ("算力调度平台上线", "/good/2.html")]),
          content_type="application/rss+xml")
    # feeds that are broken in ways we can still read
    s.add("/malformed/1.html", article("数据要素市场启动", paragraphs=[p + "数据要素。" for p in PARAGRAPHS]))
    s.add("/malformed.xml", rss(s, [("数据要素市场启动", "/malformed/1.html")]).replace("<title>T</title>", "<title>A & B</title>"),
          content_type="application/rss+xml")
    truncated = rss(s, [("芯片产线投产", "/trunc/1.html"), ("第二条", "/trunc/2.html")])
    s.add("/trunc/1.html", article("芯片产线投产", paragraphs=[p + "芯片。" for p in PARAGRAPHS]))
    s.add("/truncated.xml", truncated[: truncated.index("<item><title>第二条") + 20], content_type="application/rss+xml")
    # a GBK page served with no charset in the header and a WRONG one in the header
    gbk_page = article("安徽省数据资源局发布通知", charset="gb2312").encode("gb18030")
    s.add("/gbk/1.html", gbk_page, content_type="text/html")
    s.add("/gbk/2.html", article("江苏省印发智能制造行动方案", charset="gb2312").encode("gb18030"),
          content_type="text/html; charset=utf-8")
    s.add("/gbk.xml", rss(s, [("安徽省数据资源局发布通知", "/gbk/1.html"), ("江苏省印发智能制造行动方案", "/gbk/2.html")]),
          content_type="application/rss+xml")
    # entries whose pages fail: the entry's own text is used
    s.add("/fallback.xml", rss(s, [("浙江数字政府建设新进展：" + PARAGRAPHS[1], "/gone.html")]),
          content_type="application/rss+xml")
    # sources that fail
    s.add("/html-not-feed.xml", "<!DOCTYPE html><html><body><p>Welcome</p></body></html>")
    s.add("/missing.xml", "not here", status=404, content_type="text/plain")
    s.add("/broken.xml", "oops", status=500, content_type="text/plain")
    s.add("/slow.xml", slow_answer(6))
    s.add("/trickle.xml", trickle(chunks=40, delay=0.25))
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
    ], timeout=3, max_page_mb=10)
    return home


EXPECTED_ERRORS = {
    "html-not-feed": "got an HTML page, not a feed",
    "missing": "HTTP 404",
    "broken": "HTTP 500",
    "slow": "timed out after 3 s",
    "trickle": "timed out after 3 s",
    "loop": "too many redirects",
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
    assert "上海市经济和信息化委员会" in gbk["text"], "GBK bytes were decoded, not garbled"
    assert gbk["published_at"] == "2026-11-03T09:30:00+08:00"
    assert "上海市经济和信息化委员会" in stored["江苏省印发智能制造行动方案"]["text"], "a lying header charset"
