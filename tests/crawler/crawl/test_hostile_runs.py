"""Hostile sites cannot hold a crawl: every source's run is bounded, ends on its own and is recorded."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, TestServer, cli, queue_rows, trickle, write_sources
from support.pages import STORIES, article, rss

from db import Store

SITEMAP_INDEX = "<?xml version='1.0' encoding='utf-8'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{}</sitemapindex>"
URLSET = "<?xml version='1.0' encoding='utf-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{}</urlset>"
NOW = "2026-11-20T09:00:00+00:00"


def sitemap_index(server, paths) -> str:
    return SITEMAP_INDEX.format("".join(f"<sitemap><loc>{server.url}{p}</loc></sitemap>" for p in paths))


def urlset(server, paths) -> str:
    return URLSET.format("".join(f"<url><loc>{server.url}{p}</loc></url>" for p in paths))


def fetched(server, path: str) -> int:
    return sum(1 for p, _ in server.requests if p.split("?", 1)[0] == path)


def new_home(tmp_path, sources, **settings) -> Path:
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, sources, **settings)
    return home


@pytest.fixture
def second_server():
    """Another site: a server on 127.0.0.2."""
    srv = TestServer("127.0.0.2")
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def good_feed(server, prefix: str = "/good") -> str:
    server.add(f"{prefix}/1.html", article("芯片产线投产", paragraphs=STORIES["chip"]))
    server.add(f"{prefix}/2.html", article("数据授权运营场景清单发布", paragraphs=STORIES["data"]))
    return server.add(f"{prefix}.xml", rss(server, [("芯片产线投产", f"{prefix}/1.html"),
                                                   ("数据授权运营场景清单发布", f"{prefix}/2.html")]),
                      content_type="application/rss+xml")


def slow_page(body: bytes, seconds: float, parts: int = 6):
    """A handler that sends the whole page in parts over `seconds`."""
    step = len(body) // parts + 1

    def handler(request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        try:
            for start in range(0, len(body), step):
                request.wfile.write(body[start:start + step])
                request.wfile.flush()
                time.sleep(seconds / parts)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


# -- 1. bounded runs ------------------------------------------------------------------------------


def test_hostile_sitemaps_are_bounded_and_the_healthy_source_beside_them_is_stored(server, second_server, tmp_path):
    s = server
    xml = "application/xml"
    # An index that lists itself, a chain of ten indexes and a child that redirects back to the index.
    s.add("/sitemap.xml", sitemap_index(s, ["/sitemap.xml", "/chain/1.xml", "/moved.xml"]), content_type=xml)
    for n in range(1, 10):
        s.add(f"/chain/{n}.xml", sitemap_index(s, [f"/chain/{n + 1}.xml"]), content_type=xml)
    s.add("/chain/10.xml", urlset(s, ["/deep.html"]), content_type=xml)
    s.add("/moved.xml", b"", status=301, Location=s.url + "/sitemap.xml")
    # An index of more children than a run may fetch (few, so that the unbounded crawl this test was
    # written against ended in seconds too).
    s.add("/big.xml", sitemap_index(s, [f"/big/{n}.xml" for n in range(30)]), content_type=xml)
    # A listing whose next page leads back to the first.
    s.add("/list/1.html", "<html><body><a href='/list/2.html' rel='next'>下一页</a></body></html>")
    s.add("/list/2.html", "<html><body><a href='/list/1.html' rel='next'>下一页</a></body></html>")
    healthy = good_feed(second_server)
    # The healthy feed lists one article twice, under a second URL that redirects to it: a duplicate, no error.
    second_server.add("/good.xml", rss(second_server, [("芯片产线投产", "/good/1.html"),
                                                       ("数据授权运营场景清单发布", "/good/2.html"),
                                                       ("芯片产线投产", "/short/1")]),
                      content_type="application/rss+xml")
    second_server.add("/short/1", b"", status=301, Location=second_server.url + "/good/1.html")
    home = new_home(tmp_path, [
        {"name": "hostile", "kind": "sitemap", "url": s.url + "/sitemap.xml"},
        {"name": "flood", "kind": "sitemap", "url": s.url + "/big.xml"},
        {"name": "looping", "kind": "listing", "url": s.url + "/list/1.html", "depth": 6},
        {"name": "healthy", "kind": "feed", "url": healthy},
    ], max_sitemaps_per_run=15)

    result = cli("--home", str(home), "crawl")

    assert result.returncode == 1, result.stdout + result.stderr   # the hostile sources yielded nothing
    assert fetched(s, "/sitemap.xml") == 1, "the index that lists itself is fetched once"
    assert fetched(s, "/chain/3.xml") == 1 and fetched(s, "/chain/4.xml") == 0, "indexes are followed three deep"
    flood_fetches = sum(1 for p, _ in s.requests if p.startswith("/big"))
    assert flood_fetches <= 15, f"{flood_fetches} sitemap fetches for one run"
    assert fetched(s, "/list/1.html") == 1 and fetched(s, "/list/2.html") == 1, "pagination never goes back"
    with Store(home / "newsdesk.db") as store:
        runs = {name: store.last_run(name) for name in ("hostile", "flood", "looping", "healthy")}
    assert (runs["healthy"]["status"], runs["healthy"]["new"], runs["healthy"]["duplicates"]) == ("ok", 2, 1), runs["healthy"]
    assert fetched(second_server, "/good/1.html") == 1
    assert {r["title"] for r in queue_rows(home)} == {"芯片产线投产", "数据授权运营场景清单发布"}
    for name, why in (("hostile", "nested deeper than 3"), ("flood", "more than 15 sitemaps")):
        assert runs[name]["status"] == "failed" and runs[name]["finished_at"], runs[name]
        assert any(why in e["message"] for e in runs[name]["errors"]), runs[name]["errors"]
    assert any((e["url"] or "").endswith("/moved.xml") and "which this run fetched already; a redirect loop?" in e["message"]
               for e in runs["hostile"]["errors"]), runs["hostile"]["errors"]
    assert "the rest were not fetched (max_sitemaps_per_run)" in result.stdout


def test_every_fetch_counts_toward_a_run_s_page_limit(server, tmp_path):
    links = "".join(f"<li><a href='/news/{n}.html'>新闻标题第{n}条关于数字经济发展</a></li>" for n in range(30))
    server.add("/list.html", f"<html><body><ul class='list'>{links}</ul></body></html>")
    for n in range(30):
        server.add(f"/news/{n}.html", "", status=302, Location=f"/story/{n}.html")
    home = new_home(tmp_path, [{"name": "many", "kind": "listing", "url": server.url + "/list.html",
                                "links": ".list a"}],
                    max_pages_per_run=10, per_domain_concurrency=1)

    result = cli("--home", str(home), "crawl")

    # robots.txt, the listing, then redirects and what they lead to: every request counts.
    assert len(server.requests) == 10, [path for path, _ in server.requests]
    with Store(home / "newsdesk.db") as store:
        run = store.last_run("many")
    assert run["finished_at"] and run["status"] == "failed"
    assert any("max_pages_per_run" in e["message"] for e in run["errors"]), run["errors"]
    assert "max_pages_per_run" in result.stdout


def test_a_run_past_its_time_limit_ends_timed_out_and_keeps_what_it_stored(server, tmp_path):
    titles = ["芯片产线投产", "数据授权运营场景清单发布", "算力集群新开工", "政务数据质量提升", "智能制造三年行动"]
    bodies = [STORIES["chip"], STORIES["data"], STORIES["compute"], STORIES["ahgov"], STORIES["jsgov"]]
    for n, (title, body) in enumerate(zip(titles, bodies)):
        page = article(title, paragraphs=body).encode()
        # The first page comes at once; each of the others trickles in over a second and a half.
        server.add(f"/slow/{n}.html", slow_page(page, seconds=1.5) if n else page)
    server.add("/slow.xml", rss(server, [(t, f"/slow/{n}.html") for n, t in enumerate(titles)]),
               content_type="application/rss+xml")
    after = good_feed(server, "/after")
    home = new_home(tmp_path, [{"name": "slow", "kind": "feed", "url": server.url + "/slow.xml"},
                               {"name": "after", "kind": "feed", "url": after}],
                    max_run_minutes=0.05, per_domain_concurrency=1)

    result = cli("--home", str(home), "crawl")

    with Store(home / "newsdesk.db") as store:
        slow = store.last_run("slow")
        after_run = store.last_run("after")
    assert slow["status"] == "timed_out", slow
    assert 1 <= slow["new"] < len(titles)
    assert any("max_run_minutes" in e["message"] for e in slow["errors"])
    stored = [r for r in queue_rows(home, "--all") if r["source"] == "slow"]
    assert len(stored) == slow["new"], "what the run stored before the limit is kept"
    assert after_run["status"] == "ok" and after_run["new"] == 2, "the next source still runs"
    line = next(line for line in result.stdout.splitlines() if line.startswith("slow "))
    assert "timed_out" in line
    assert "time limit" in result.stdout


# -- 2. crawlers that cannot be built ----------------------------------------------------------------


def test_a_crawler_that_cannot_be_built_is_recorded_for_every_source(server, second_server, tmp_path):
    home = new_home(tmp_path, [{"name": "one", "kind": "feed", "url": good_feed(server)},
                               {"name": "two", "kind": "feed", "url": good_feed(second_server)},
                               {"name": "three", "kind": "listing", "url": server.url + "/list.html"}])
    models = home / "models"
    models.mkdir()
    (models / "classifier-0001.joblib").write_bytes(b"garbage, not a model")
    (models / "classifier-0001.json").write_text('{"version": "classifier-0001"}', encoding="utf-8")

    result = cli("--home", str(home), "crawl")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    with Store(home / "newsdesk.db") as store:
        runs = {name: store.last_run(name) for name in ("one", "two", "three")}
    for name, run in runs.items():
        assert run is not None, f"{name} has no run record"
        assert run["status"] == "failed" and run["finished_at"], run
        [error] = run["errors"]
        assert error["message"].startswith("could not start: ") and "\n" not in error["message"]
        assert "classifier-0001.joblib" in error["message"] and "classify train" in error["message"]
        assert any(line.startswith(f"{name} ") and "failed" in line for line in result.stdout.splitlines())
    assert result.stdout.count("could not start: ") == 3


# -- 3. signals ------------------------------------------------------------------------------------


def running_runs(database: Path) -> list[tuple]:
    if not database.exists():
        return []
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT source, status FROM runs").fetchall()
    except sqlite3.OperationalError:   # not created yet
        return []
    finally:
        conn.close()


def stored_count(database: Path) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    finally:
        conn.close()


def slow_ones_asked(server, source: str) -> bool:
    return any(fetched(server, f"/{source}/{k}.html") for k in (1, 2, 3))


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_crawl_and_closes_every_run(server, second_server, tmp_path, signum, status):
    sources = []
    for srv, site in ((server, "a"), (second_server, "b")):
        for n in (1, 2):
            name = f"{site}{n}"
            first = article(f"{name}：芯片产线投产", paragraphs=STORIES["chip" if site == "a" else "data"])
            srv.add(f"/{name}/0.html", first)
            for k in (1, 2, 3):
                srv.add(f"/{name}/{k}.html", trickle(chunks=60, delay=0.5))   # 30 s each
            # The fast page last: Scrapy takes the newest request first.
            srv.add(f"/{name}.xml", rss(srv, [(f"{name} 第{k}条", f"/{name}/{k}.html") for k in (1, 2, 3, 0)]),
                    content_type="application/rss+xml")
            sources.append({"name": name, "kind": "feed", "url": f"{srv.url}/{name}.xml"})
    home = new_home(tmp_path, sources, timeout=60, per_domain_concurrency=1, max_sites_at_once=2)
    database = home / "newsdesk.db"
    process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # Both sites' first sources are running, each has stored its first article and is downloading a slow one.
        while not (len(running_runs(database)) >= 2 and stored_count(database) >= 2
                   and slow_ones_asked(server, "a1") and slow_ones_asked(second_server, "b1")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the crawl never got going"
            time.sleep(0.1)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == status, stderr
    assert "Traceback" not in stderr, stderr
    with Store(database) as store:
        runs = {run["source"]: run for run in store.runs()}
    assert set(runs) == {"a1", "b1"}, "no source starts after the signal"
    for run in runs.values():
        assert run["status"] == "interrupted" and run["finished_at"], run
        assert run["new"] >= 1, "what it stored is kept and counted"
    lines = stdout.splitlines()
    assert lines[0].startswith("source"), stdout
    for name in ("a2", "b2"):
        assert any(line.startswith(f"{name} ") and "not run: the crawl was interrupted" in line for line in lines)
    for name in ("a1", "b1"):
        assert any(line.startswith(f"{name} ") and "interrupted" in line for line in lines)


def test_a_crawl_killed_outright_leaves_no_worker_behind(server, tmp_path):
    # The scheduler's hard time limit, kill -9 or the OOM killer end the crawl's process without a word: its
    # page workers must end with it, not wait for pages for ever (each holds a few hundred MB).
    import psutil

    server.add("/slow.html", trickle(chunks=120, delay=0.5))
    server.add("/slow.xml", rss(server, [("一条慢新闻", "/slow.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "slow", "kind": "feed", "url": f"{server.url}/slow.xml"}], timeout=60,
                    workers=2)
    process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 or not fetched(server, "/slow.html"):
            assert process.poll() is None, "the crawl ended by itself"
            assert time.monotonic() < deadline, "the crawl never got going"
            workers = psutil.Process(process.pid).children()
            time.sleep(0.1)
        process.kill()
        process.wait()
        gone, alive = psutil.wait_procs(workers, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for worker in alive:
        worker.kill()
    assert not alive, f"workers left running: {[w.pid for w in alive]}"


# -- 4. Retry-After ----------------------------------------------------------------------------------


def test_a_site_that_asks_for_more_than_the_cap_is_left_alone_until_then(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_NOW", NOW)   # for this process's store too
    until = "2026-11-20 18:00 CST"   # the newsletter's zone, Asia/Shanghai
    server.add("/busy.xml", "busy", status=503, content_type="text/plain", Retry_After="3600")
    home = new_home(tmp_path, [{"name": "busy", "kind": "feed", "url": server.url + "/busy.xml"},
                               {"name": "fine", "kind": "feed", "url": good_feed(server)}], retries=2)
    env = {"NEWSDESK_NOW": NOW}

    first = cli("--home", str(home), "crawl", env=env)

    assert fetched(server, "/busy.xml") == 1, "not retried: the site asked for more than max_retry_after"
    with Store(home / "newsdesk.db") as store:
        run = store.last_run("busy")
        assert store.backoffs() == {"busy": ("2026-11-20T10:00:00+00:00",
                                             "the site asked us to (Retry-After on HTTP 503)")}
    assert run["status"] == "failed"
    assert any("HTTP 503" in e["message"] and until in e["message"] for e in run["errors"]), run["errors"]
    assert until in first.stdout
    health = cli("--home", str(home), "sources", "health", env=env)
    assert any(line.startswith("!! busy:") and f"backing off until {until}" in line
               for line in health.stdout.splitlines()), health.stdout

    second = cli("--home", str(home), "crawl", env=env)

    assert fetched(server, "/busy.xml") == 1, "the next crawl does not ask again"
    line = next(line for line in second.stdout.splitlines() if line.startswith("busy "))
    assert line.split(None, 2)[2] == f"backing off until {until}: the site asked us to (Retry-After on HTTP 503)"
    assert second.returncode == 0
    with Store(home / "newsdesk.db") as store:
        assert store.last_run("busy")["id"] == run["id"], "no run: the source was not crawled"
        assert store.last_run("fine")["status"] == "ok"

    later = cli("--home", str(home), "crawl", "--source", "busy", env={"NEWSDESK_NOW": "2026-11-20T12:00:00+00:00"})
    assert fetched(server, "/busy.xml") == 2, "once the time has come the source is crawled again"
    assert "backing off" not in later.stdout


def test_a_short_retry_after_is_waited_for_then_the_retry_succeeds(server, tmp_path):
    asked_at: list[float] = []

    def busy_for_a_second(request) -> None:
        # Like a real overloaded site: asking again sooner than it said gets another 503.
        now = time.monotonic()
        ready = bool(asked_at) and now - asked_at[0] >= 1.0
        asked_at.append(now)
        body = article("芯片产线投产", paragraphs=STORIES["chip"]).encode() if ready else b"busy"
        request.send_response(200 if ready else 503)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        if not ready:
            request.send_header("Retry-After", "1")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    server.add("/page.html", busy_for_a_second)
    feed = server.add("/feed.xml", rss(server, [("芯片产线投产", "/page.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "busy", "kind": "feed", "url": feed}], retries=1, retry_backoff=0)

    result = cli("--home", str(home), "crawl")

    assert result.returncode == 0, result.stdout
    assert len(asked_at) == 2, "retried once"
    assert [row["title"] for row in queue_rows(home)] == ["芯片产线投产"]
    with Store(home / "newsdesk.db") as store:
        assert store.backoffs() == {}


@pytest.mark.parametrize("value, seconds", [
    ("120", 120.0), (" 0 ", 0.0), ("Fri, 20 Nov 2026 11:30:00 GMT", 9000.0),
    ("Fri, 20 Nov 2026 08:00:00 GMT", 0.0),      # a date gone by: ask again now
    ("soon", None), ("-5", None), ("", None), (None, None),
])
def test_retry_after_is_read_as_seconds_or_an_http_date(value, seconds):
    from datetime import datetime

    from crawler.crawl.retry_after import retry_after_seconds

    assert retry_after_seconds(value, datetime.fromisoformat(NOW)) == seconds
