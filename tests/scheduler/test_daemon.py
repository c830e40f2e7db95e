"""`newsdesk schedule` run for real for a few seconds against servers on 127.0.0.x, with one-second intervals: each
source runs when due, a hanging source is cut at its hard time limit while the others go on, a failing source backs
off and, once it recovers, is back on its schedule. Nothing here measures time: it waits for the runs to happen."""

from __future__ import annotations

from datetime import datetime, timedelta

from conftest import cli, trickle, write_sources
from db import Store
from support.daemon import closed, of, rows, start_daemon, stop_daemon, wait_for
from support.pages import STORIES, article, rss

# Each run of hang is cut by the hard limit: 0.1 minutes (when Scrapy stops waiting) and 5 s more.
SETTINGS = {"max_run_minutes": 0.1, "schedule_jitter": 0, "timeout": 60}


def failing_twice(server):
    """A feed answering 503 twice, then its articles."""
    answers = []

    def handler(request):
        answers.append(request.path)
        if len(answers) <= 2:
            request._send(503, {"Content-Type": "text/plain"}, b"down for maintenance")
        else:
            request._send(200, {"Content-Type": "application/rss+xml"},
                          rss(server, [("江苏智能制造三年行动方案", "/jsgov.html")]).encode("utf-8"))
    return handler


def test_the_daemon_runs_each_source_when_due_cuts_a_hanging_one_and_backs_off_a_failing_one(
        home, server, server_on, monkeypatch):
    server.add("/compute.html", article("芜湖数据中心集群新开工", paragraphs=STORIES["compute"]))
    server.add("/rss.xml", rss(server, [("芜湖数据中心集群新开工", "/compute.html")]), content_type="application/rss+xml")
    hanging = server_on("127.0.0.2")
    hanging.add("/rss.xml", trickle(120, 1.0))
    flaky = server_on("127.0.0.3")
    flaky.add("/jsgov.html", article("江苏智能制造三年行动方案", paragraphs=STORIES["jsgov"]))
    flaky.add("/rss.xml", failing_twice(flaky))
    write_sources(home, [{"name": "steady", "kind": "feed", "url": server.url + "/rss.xml", "every": "1s"},
                         {"name": "hang", "kind": "feed", "url": hanging.url + "/rss.xml", "every": "1s"},
                         {"name": "flaky", "kind": "feed", "url": flaky.url + "/rss.xml", "every": "1s"}],
                  **SETTINGS)
    # hang timed out last time (on the daemon's real clock): the daemon crawls it in a process of its own.
    monkeypatch.delenv("NEWSDESK_NOW")
    with Store(home / "newsdesk.db") as store:
        store.close_cut_short({store.start_run("hang"): ("timed_out", "timed out: its feed never answered")})
    monkeypatch.undo()

    daemon = start_daemon(home)
    try:
        seen = wait_for(daemon, home, lambda runs: len(closed(runs, "hang")) >= 2
                        and [r["status"] for r in closed(runs, "flaky")][:3] == ["failed", "failed", "ok"])
    finally:
        log = stop_daemon(daemon)
    assert daemon.returncode == 0, log
    after = rows(home, "SELECT * FROM runs ORDER BY id")

    # Each source ran again and again, when due.
    steady = closed(after, "steady")
    assert len(steady) >= 3 and all(r["status"] == "ok" for r in steady), steady
    assert sum(r["new"] for r in steady) == 1, "stored once, found again as a duplicate on later runs"

    # The hanging source: every run cut at the hard limit, recorded as timed out (or interrupted by the stop).
    hang = closed(after, "hang")[1:]
    assert all(r["status"] in ("timed_out", "interrupted") for r in hang) and hang[0]["status"] == "timed_out"
    assert "passed the hard time limit" in hang[0]["summary"]
    # ... while the others went on: it ran alone, and steady ran in other crawl processes during its run.
    cut = closed(seen, "hang")[1]
    assert any(r["process"] != cut["process"] and cut["started_at"] <= r["started_at"]
               and r["finished_at"] < cut["finished_at"] for r in steady), (cut, steady)

    # The failing source backed off further after each failure, then came back to its schedule.
    flaky_runs = closed(after, "flaky")
    assert "1 failed run in a row" in line_of(log, "flaky: failed", 0)
    assert "2 failed runs in a row" in line_of(log, "flaky: failed", 1)
    assert "backing off" not in line_of(log, "flaky: ok", 0)
    waited = at(flaky_runs[2]["started_at"]) - at(flaky_runs[1]["finished_at"])
    assert waited >= timedelta(seconds=2), "after two failures, at least 3 s (0.75 x 4 x 1s) less the rounding"
    state = rows(home, "SELECT retry_at, retry_reason FROM source_state WHERE source = 'flaky'")[0]
    assert state["retry_at"] is None and state["retry_reason"] is None, "a success resets the backoff"

    # Its stop is recorded; health lists the source that keeps timing out first, the recovered one not failing.
    heartbeat = rows(home, "SELECT * FROM scheduler")[0]
    assert heartbeat["stopped_at"] is not None
    health = cli("--home", str(home), "sources", "health")
    assert health.returncode == 0, health.stderr
    first, *others = health.stdout.splitlines()
    assert "hang: timed_out; failing since" in first and "hard time limit" in first, health.stdout
    assert not any("failing" in line for line in others), health.stdout


def line_of(log: str, start: str, n: int) -> str:
    lines = [line for line in log.splitlines() if f" {start}," in line]
    assert len(lines) > n, log
    return lines[n]


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)
