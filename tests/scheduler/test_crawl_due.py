"""Cron mode: `newsdesk crawl --due` crawls only the sources whose time has come, and two started at once crawl each
due source once. Also what `schedule status` and `schedule --print-systemd` show for a home."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, SUITE_NOW, cli, write_sources
from support.pages import STORIES, article, rss

LATER = "2026-11-20T12:30:00+08:00"     # two and a half hours after the suite's now


def feed_home(home, server, server_on) -> dict[str, str]:
    """Four hourly sources on two sites; {source: its feed's path on its server}."""
    other = server_on("127.0.0.2")
    entries, feeds = [], {}
    for n, (key, host) in enumerate([("compute", server), ("data", server), ("chip", other), ("ahgov", other)]):
        host.add(f"/{key}.html", article(STORIES[key][0][:12], paragraphs=STORIES[key]))
        host.add(f"/{key}.xml", rss(host, [(STORIES[key][0][:12], f"/{key}.html")]), content_type="application/rss+xml")
        entries.append({"name": key, "kind": "feed", "url": f"{host.url}/{key}.xml", "every": "1h"})
        feeds[key] = (host, f"/{key}.xml")
    write_sources(home, entries)
    return feeds


def crawl_due(home, now: str = SUITE_NOW) -> subprocess.Popen:
    env = {**{k: v for k, v in os.environ.items() if k != "NEWSDESK_HOME"}, "NEWSDESK_NOW": now}
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl", "--due"], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_crawl_due_started_at_once_crawl_each_due_source_once(home, server, server_on):
    feeds = feed_home(home, server, server_on)
    first, second = crawl_due(home), crawl_due(home)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    for name in feeds:   # crawled by one of them; the other found it taken (or no longer due)
        assert sum(line.split()[:3] == [name, "feed", "ok"] for out, _ in outputs for line in out.splitlines()) == 1

    for name, (host, path) in feeds.items():
        assert [p for p, _ in host.requests].count(path) == 1, (name, host.requests, outputs)
    status = cli("--home", str(home), "schedule", "status")
    assert status.returncode == 0, status.stderr
    assert "never run for this home" in status.stdout, "cron mode: no daemon"
    assert all("next 2026-11-20 11:" in line for line in status.stdout.splitlines()[1:]), status.stdout
    asked = [len(host.requests) for host in (server, feeds["chip"][0])]

    # Nothing is due until an hour has passed: cron's next call crawls nothing and prints nothing.
    again = crawl_due(home)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and out == "", out + err
    assert [len(host.requests) for host in (server, feeds["chip"][0])] == asked, "nothing fetched"

    # Later, every source is due again.
    later = crawl_due(home, LATER)
    out, err = later.communicate(timeout=300)
    assert later.returncode == 0, out + err
    assert all(name in out for name in feeds), out


def test_print_systemd_writes_the_units_for_this_home(home):
    printed = cli("--home", str(home), "schedule", "--print-systemd")
    assert printed.returncode == 0, printed.stderr
    text = printed.stdout
    for unit in ("newsdesk-schedule.service", "newsdesk-crawl.service", "newsdesk-crawl.timer"):
        assert unit in text, text
    assert str(home.resolve()) in text and "schedule" in text and "crawl --due" in text
