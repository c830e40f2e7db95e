"""The sources page for operators: how each source is doing, failing first; enable, disable, test, crawl now."""

from __future__ import annotations

import os
import re
import time

import pytest
from conftest import write_sources
from support.desk import add_editor, desk_app, flashes, post, signed_in_client
from support.pages import STORIES, article, rss

from crawler.configuration.sources import load_sources
from db import Store


@pytest.fixture
def operator(home, server):
    """A home with a healthy feed (served), a failing source and a disabled one; alice signed in."""
    server.add("/rss.xml", rss(server, [("芜湖数据中心集群新开工六个项目", "/a/1.html")]), content_type="application/rss+xml")
    server.add("/a/1.html", article("芜湖数据中心集群新开工六个项目", paragraphs=STORIES["compute"]))
    write_sources(home, [{"name": "wire", "kind": "feed", "url": f"{server.url}/rss.xml"},
                         {"name": "broken", "kind": "feed", "url": f"{server.url}/gone.xml"},
                         {"name": "retired", "kind": "feed", "url": f"{server.url}/old.xml", "enabled": False}])
    with Store(home / "newsdesk.db") as store:
        ok = store.start_run("wire")
        store.finish_run(ok, pages=3, duplicates=1, errors=[])
        for _ in range(2):
            failed = store.start_run("broken")
            store.finish_run(failed, pages=1, duplicates=0, errors=[(f"{server.url}/gone.xml", "HTTP 404 <b>gone</b>")])
    add_editor(home, "alice")
    return home, signed_in_client(desk_app(home), "alice")


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="source-row[^"]*" id="source-([^"]+)"', html)


def test_the_page_lists_every_source_failing_and_never_run_first_with_their_last_run(operator):
    home, client = operator
    html = client.get("/sources").get_data(as_text=True)
    assert rows(html) == ["broken", "retired", "wire"]
    broken = html[html.index('id="source-broken"'):html.index('id="source-retired"')]
    assert '<td class="failing">2</td>' in broken
    assert "HTTP 404 &lt;b&gt;gone&lt;/b&gt;" in broken and "<b>gone" not in html
    assert "2026-11-20 10:00 CST" in broken and "run-failed" in broken
    wire = html[html.index('id="source-wire"'):]
    assert "0 new, 1 already stored, 3 pages" in wire and "run-ok" in wire
    assert "disabled" in html[html.index('id="source-retired"'):html.index('id="source-wire"')]


def test_disable_and_enable_write_sources_yaml(operator):
    home, client = operator
    answer = post(client, "/sources/wire/disable", {"next": "/sources"}, page="/sources")
    assert answer.status_code == 303 and answer.location == "/sources"
    assert "disabled wire" in flashes(client, "/sources")
    assert not load_sources(home / "sources.yaml").get("wire").enabled
    post(client, "/sources/retired/enable", {"next": "/sources"}, page="/sources")
    assert load_sources(home / "sources.yaml").get("retired").enabled
    post(client, "/sources/nosuch/enable", {"next": "/sources"}, page="/sources")
    assert any(m.startswith("no source named 'nosuch' in sources.yaml") for m in flashes(client, "/sources"))


def test_test_shows_what_would_be_queued_and_writes_nothing(operator):
    home, client = operator
    answer = post(client, "/sources/wire/test", page="/sources")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert "Test of wire: 1 article" in html and "芜湖数据中心集群新开工六个项目" in html
    with Store(home / "newsdesk.db") as store:
        assert store.counts()["candidates"] == 0 and len(store.runs("wire")) == 1


def test_a_failing_test_says_why_in_one_line(operator):
    _, client = operator
    answer = post(client, "/sources/broken/test", {"next": "/sources"}, page="/sources")
    assert answer.status_code == 200
    assert "Test of broken: 0 articles" in answer.get_data(as_text=True)
    post(client, "/sources/nosuch/test", {"next": "/sources"}, page="/sources")
    assert any("no source named 'nosuch'" in m for m in flashes(client, "/sources"))


def test_crawl_now_starts_a_crawl_whose_run_appears_on_the_page(operator):
    home, client = operator
    answer = post(client, "/sources/wire/crawl", {"next": "/sources"}, page="/sources")
    assert answer.status_code == 303
    assert any(m.startswith("started a crawl of wire") for m in flashes(client, "/sources"))
    deadline = time.monotonic() + 120
    with Store(home / "newsdesk.db") as store:
        while len(store.runs("wire")) < 2 or store.runs("wire")[0]["status"] == "running":
            assert time.monotonic() < deadline, (home / "desk-crawls.log").read_text()
            time.sleep(0.5)
        assert store.runs("wire")[0]["new"] == 1
    assert "1 new, 0 already stored" in client.get("/sources").get_data(as_text=True)
    post(client, "/sources/retired/crawl", {"next": "/sources"}, page="/sources")
    assert "source 'retired' is disabled; enable it first" in flashes(client, "/sources")


def test_crawl_now_says_when_the_source_is_being_crawled_already(operator):
    home, client = operator
    with Store(home / "newsdesk.db") as store:
        assert store.claim_sources({"wire": "127.0.0.1"}).claimed   # this process crawls wire, as far as anyone knows
        try:
            post(client, "/sources/wire/crawl", {"next": "/sources"}, page="/sources")
            [message] = flashes(client, "/sources")
            assert message.startswith(f"wire is being crawled already (pid {os.getpid()}, since "), message
        finally:
            store.release_claims()
        assert len(store.runs("wire")) == 1    # only the run the fixture wrote: nothing was started
