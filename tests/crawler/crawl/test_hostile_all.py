"""Issue 8's acceptance: every hostile case in one crawl, beside healthy sources and an editor's decision.

The crawl must end on its own, store the healthy articles, give each hostile run its reason, and store
no local file, no other site's page under a source's URL, no binary text, and change no decision.
"""

from __future__ import annotations

import gzip
import json
import random
from email.utils import format_datetime

from conftest import cli, queue_rows

from crawler.extraction.text_sanity import not_text_reason
from db import Store, clock

TEXT = ("省数据局近日印发《关于推进公共数据授权运营的实施意见》，明确到2027年建成全省统一的公共数据授权运营平台，"
        "推动交通、医疗、气象等领域数据有序开放，培育数据要素市场，支持企业开展数据产品开发和场景应用。")
SECRET = "NEWSDESK-LOCAL-FILE-MARKER"


def page(title: str, body: str = TEXT, canonical: str | None = None, charset: str = "utf-8") -> str:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    return (f"<html><head><meta charset='{charset}'><title>{title}</title>{link}</head><body><article>"
            f"<h1>{title}</h1><p>发布时间：2026年11月19日 09:30</p><p>{body}</p><p>{body}</p></article></body></html>")


def rss(items: list[tuple[str, str]]) -> str:
    date = format_datetime(clock.now())
    entries = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{date}</pubDate></item>" for t, u in items)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>{entries}</channel></rss>"


def urlset(urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"


def test_a_crawl_of_every_hostile_case_ends_on_its_own_and_harms_nothing(server, server_on, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text(page("本地文件", SECRET * 20), encoding="utf-8")
    good, other, blocked = server, server_on("127.0.0.3"), server_on("127.0.0.4")
    xml, feed = "application/xml", "application/rss+xml"

    # Healthy: a feed of two articles, and a reprint (dated earlier) of a story an editor approved.
    good.add("/news/1.html", page("公共数据授权运营实施意见印发"))
    good.add("/news/2.html", page("长三角算力调度平台上线", TEXT.replace("数据", "算力")))
    good.add("/rss.xml", rss([("公共数据授权运营实施意见印发", good.url + "/news/1.html"),
                              ("长三角算力调度平台上线", good.url + "/news/2.html")]), content_type=feed)
    # Hostile, each a source of its own.
    good.add("/local.xml", urlset([secret.as_uri(), f"file:{secret}", "data:text/html,<p>x</p>",
                                   "ftp://127.0.0.1:1/x.html"]), content_type=xml)
    good.add("/self.xml", "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                          f"<sitemap><loc>{good.url}/self.xml</loc></sitemap></sitemapindex>", content_type=xml)
    good.add("/offsite.xml", rss([("跳转", good.url + "/jump.html")]), content_type=feed)
    good.add("/jump.html", b"", status=302, Location=other.url + "/landing.html")
    other.add("/landing.html", page("别站页面"))
    other.add("/takeover.xml", rss([("冒名", other.url + "/takeover.html")]), content_type=feed)
    other.add("/takeover.html", page("冒名顶替", TEXT.replace("数据", "资料"), canonical=good.url + "/news/1.html"))
    blocked.routes["/robots.txt"].status = 503
    blocked.add("/rss.xml", rss([("被挡", blocked.url + "/a.html")]), content_type=feed)
    good.add("/binary.xml", rss([("乱码", good.url + "/binary.html")]), content_type=feed)
    good.add("/binary.html", random.Random(8).randbytes(60_000), content_type="text/html")
    good.add("/broken.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>a&b",
             content_type=feed)
    good.add("/busy.xml", b"busy", status=503, content_type="text/plain", Retry_After="3600")
    good.add("/bomb.xml", gzip.compress(b" " * (3 * 1024 * 1024)), content_type=xml, Content_Encoding="gzip")

    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    sources = [("healthy", "feed", good.url + "/rss.xml"), ("local-files", "sitemap", good.url + "/local.xml"),
               ("self-index", "sitemap", good.url + "/self.xml"), ("off-site", "feed", good.url + "/offsite.xml"),
               ("takeover", "feed", other.url + "/takeover.xml"), ("no-robots", "feed", blocked.url + "/rss.xml"),
               ("binary", "feed", good.url + "/binary.xml"), ("broken", "feed", good.url + "/broken.xml"),
               ("busy", "feed", good.url + "/busy.xml"), ("bomb", "sitemap", good.url + "/bomb.xml")]
    (home / "sources.yaml").write_text(json.dumps({
        "sources": [{"name": n, "kind": k, "url": u} for n, k, u in sources],
        "settings": {"per_domain_delay": 0, "timeout": 10, "retries": 1, "retry_backoff": 0.1, "max_page_mb": 1,
                     "max_run_minutes": 2, "contact": "https://example.org/newsdesk-tests"}}), encoding="utf-8")
    with Store(home / "newsdesk.db") as store:   # an editor's decision already made
        decided, _ = store.add_candidate({"url": "https://archive.example.cn/1.html", "source": "archive",
                                          "title": "公共数据授权运营实施意见印发", "text": TEXT * 2,
                                          "published_at": "2026-11-19T12:00:00+08:00"})
        store.set_status(decided, "approved", section="政策要闻", actor="alice")

    result = cli("--home", str(home), "crawl", timeout=300)

    assert result.returncode == 1, result.stdout + result.stderr    # the hostile sources failed
    assert "Traceback" not in result.stderr
    with Store(home / "newsdesk.db") as store:
        runs = {name: store.last_run(name) for name, _, _ in sources}
        decision = store.get_candidate(decided)
        log = [(e["actor"], e["new_status"]) for e in store.status_log(decided)]
        stored = store.queue(None, all_copies=True)
    assert all(run["status"] != "running" and run["finished_at"] for run in runs.values())
    assert runs["healthy"]["status"] in ("ok", "partial") and runs["healthy"]["new"] == 2, runs["healthy"]
    reasons = {name: " | ".join(e["message"] for e in run["errors"]) for name, run in runs.items()}
    for name, why in (("local-files", "only http and https"), ("self-index", "it lists itself?"), ("off-site", "another site"),
                      ("no-robots", "RFC 9309"), ("binary", "not text"), ("broken", "none has a link; feed is malformed"),
                      ("busy", "Retry-After"), ("bomb", "larger than max_page_mb")):
        assert (runs[name]["status"], runs[name]["new"]) == ("failed", 0), (name, runs[name])
        assert why in reasons[name], (name, reasons[name])
    # Nothing local, nothing binary, no page of another site under a source's URL.
    assert all(SECRET not in row["text"] for row in stored)
    assert all(not_text_reason(row["text"]) is None for row in stored)
    assert all(row["url"].startswith(("http://", "https://")) for row in stored)
    assert all(row["url"] == other.url + "/takeover.html" for row in stored if row["title"] == "冒名顶替")
    real = next(row for row in stored if row["url"] == good.url + "/news/1.html")
    assert real["title"] == "公共数据授权运营实施意见印发"
    assert not any(row["url"].startswith(other.url) and row["title"] == "别站页面" for row in stored)
    # The editor's decision stands: the reprint joined the story; the story is still approved in 政策要闻.
    assert real["cluster_id"] == decision["cluster_id"]
    assert (decision["status"], decision["section"], decision["decided_by"]) == ("approved", "政策要闻", "alice")
    assert log == [("crawler", "pending"), ("alice", "approved")]
    assert {r["status"] for r in queue_rows(home, "--all", "--any-status") if r["cluster_id"] == decision["cluster_id"]} \
        == {"approved"}
