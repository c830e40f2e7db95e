"""`kill -9` of the daemon (and the crawl it started) in the middle of a crawl, then a restart: the database is
whole, every stored article and editor's decision is kept, none twice, and the killed run is closed as interrupted."""

from __future__ import annotations

import threading

from conftest import write_sources
from support.daemon import closed, kill_daemon_group, of, real_clock_cli, rows, start_daemon, stop_daemon, wait_for
from support.pages import STORIES, article, rss

TITLES = {"compute": "芜湖数据中心集群新开工", "data": "浙江公共数据授权运营", "chip": "无锡晶圆产线投产",
          "ahgov": "安徽政务数据质量提升", "jsgov": "江苏智能制造行动方案"}


def slow_the_first_time(body: str):
    """An article page that hangs the first time it is asked for (the crawl is killed meanwhile), then answers."""
    asked = threading.Event()

    def handler(request):
        if not asked.is_set():
            asked.set()
            asked.wait()        # set already: what follows is the hang
            threading.Event().wait(120)
            return
        request._send(200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8"))
    return handler


def test_a_daemon_killed_mid_crawl_restarts_with_everything_kept_once(home, server, server_on):
    for key in ("compute", "data"):
        server.add(f"/{key}.html", article(TITLES[key], paragraphs=STORIES[key]))
    server.add("/rss.xml", rss(server, [(TITLES[k], f"/{k}.html") for k in ("compute", "data")]),
               content_type="application/rss+xml")
    slow = server_on("127.0.0.2")
    slow.add("/chip.html", article(TITLES["chip"], paragraphs=STORIES["chip"]))
    slow.add("/ahgov.html", article(TITLES["ahgov"], paragraphs=STORIES["ahgov"]))
    slow.add("/jsgov.html", slow_the_first_time(article(TITLES["jsgov"], paragraphs=STORIES["jsgov"])))
    slow.add("/rss.xml", rss(slow, [(TITLES[k], f"/{k}.html") for k in ("chip", "ahgov", "jsgov")]),
             content_type="application/rss+xml")
    sources = [{"name": "wire", "kind": "feed", "url": server.url + "/rss.xml", "every": "1h"},
               {"name": "portal", "kind": "feed", "url": slow.url + "/rss.xml", "every": "1h"}]
    write_sources(home, sources[:1], timeout=120, max_sites_at_once=1)

    # Editors decided on what an earlier crawl stored.
    crawled = real_clock_cli("--home", str(home), "crawl")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    first, second = (row["id"] for row in rows(home, "SELECT id FROM candidates ORDER BY id"))
    assert real_clock_cli("--home", str(home), "approve", str(first)).returncode == 0
    assert real_clock_cli("--home", str(home), "reject", str(second)).returncode == 0
    decided = decisions(home)
    assert len(decided) == 4

    # The daemon crawls the new source, stores two of its articles, hangs on the third: kill -9.
    write_sources(home, sources, timeout=120, max_sites_at_once=1)
    daemon = start_daemon(home)
    wait_for(daemon, home, lambda runs: any(r["status"] == "running" for r in of(runs, "portal"))
             and len(rows(home, "SELECT id FROM candidates WHERE source = 'portal'")) >= 2)
    kill_daemon_group(daemon)
    killed = of(rows(home, "SELECT * FROM runs ORDER BY id"), "portal")[-1]
    assert killed["status"] == "running", "nothing could close it"
    stored = rows(home, "SELECT id, url, text_hash FROM candidates ORDER BY id")

    # Restarted: the killed run is closed as interrupted, the source crawled again, its last article stored.
    daemon = start_daemon(home)
    try:
        wait_for(daemon, home, lambda runs: any(r["id"] > killed["id"] for r in closed(runs, "portal")))
    finally:
        log = stop_daemon(daemon)
    assert daemon.returncode == 0, log

    assert rows(home, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    runs = {run["id"]: run for run in rows(home, "SELECT * FROM runs")}
    assert runs[killed["id"]]["status"] == "interrupted", runs[killed["id"]]
    assert runs[killed["id"]]["new"] == 2, "what it stored is counted and kept"
    assert not [run for run in runs.values() if run["status"] == "running"]
    after = rows(home, "SELECT id, url, text_hash FROM candidates ORDER BY id")
    assert [row for row in after if row["id"] <= stored[-1]["id"]] == stored, "every stored article kept as it was"
    assert len({row["url"] for row in after}) == len({row["text_hash"] for row in after}) == len(after) == 5
    assert decisions(home) == decided, "every decision kept"
    assert rows(home, "SELECT * FROM crawl_locks") == [], "the killed crawl's locks went with it"


def decisions(home) -> list[dict]:
    """The editors' decisions: their log, and the stories they decided."""
    return (rows(home, "SELECT * FROM status_log WHERE new_status IN ('approved', 'rejected') ORDER BY id")
            + rows(home, "SELECT id, status, section, decided_by FROM stories WHERE status IN ('approved', 'rejected')"
                         " ORDER BY id"))
