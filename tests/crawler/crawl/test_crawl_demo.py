"""End to end on the bundled demo site: every kind of source into the queue, as a user runs it."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from conftest import cli, queue_rows, write_sources

from db import Store, clock
from newsdesk.demo import DemoSite, demo_catalogue, demo_sources

pytestmark = pytest.mark.clock
TODAY = clock.today()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """One crawl of the demo site, shared by the tests of this module (a crawl takes seconds)."""
    site = DemoSite(today=TODAY)
    base = site.start()
    home = tmp_path_factory.mktemp("demo") / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, demo_sources(base), per_domain_concurrency=4)
    first = cli("--home", str(home), "crawl")
    requests_after_first = len(site.requests_seen)
    second = cli("--home", str(home), "crawl")
    yield {"home": home, "base": base, "site": site, "first": first, "second": second,
           "second_requests": site.requests_seen[requests_after_first:]}
    site.stop()


def by_path(rows, base):
    return {urlsplit(row["url"]).path: row for row in rows}


def test_first_crawl_queues_every_fresh_article_of_every_kind_of_source(demo_home):
    assert demo_home["first"].returncode == 0, demo_home["first"].stdout + demo_home["first"].stderr
    rows = by_path(queue_rows(demo_home["home"], "--all", "--any-status"), demo_home["base"])
    catalogue = demo_catalogue(TODAY)
    fresh = [page for page in catalogue
             if dt.datetime.fromisoformat(page["published_at"]).date() > TODAY - dt.timedelta(days=30)]
    missing = [page["path"] for page in fresh if page["path"] not in rows]
    assert missing == []
    assert len(rows) == len(fresh), "old sitemap URLs outside the age window are not fetched"
    for page in fresh:
        row = rows[page["path"]]
        assert row["title"] == page["title"], page["path"]
        assert row["published_at"] == page["published_at"], page["path"]
        assert page["text"].split("\n")[-1][:30] in row["text"] or page.get("exact_copy_of"), page["path"]


def test_queue_json_has_the_contract_fields(demo_home):
    rows = queue_rows(demo_home["home"])
    required = {"id", "url", "title", "source", "outlet", "published_at", "section", "status", "cluster_id", "text"}
    assert rows and all(required <= set(row) for row in rows)
    assert {row["source"] for row in rows} == {s["name"] for s in demo_sources(demo_home["base"])}
    assert all(row["status"] == "pending" for row in rows)
    assert not any("utm_" in row["url"] or "spm=" in row["url"] for row in queue_rows(demo_home["home"], "--all", "--any-status"))


def test_exact_copy_is_one_story(demo_home):
    rows = by_path(queue_rows(demo_home["home"], "--all", "--any-status"), demo_home["base"])
    for page in demo_catalogue(TODAY):
        if page["exact_copy_of"]:
            assert rows[page["path"]]["cluster_id"] == rows[page["exact_copy_of"]]["cluster_id"]
    stories = queue_rows(demo_home["home"], "--any-status")
    assert len(stories) < len(rows), "the default queue lists one row per story"


def test_second_crawl_is_conditional_and_finds_nothing_new(demo_home):
    second = demo_home["second"]
    assert second.returncode == 0
    with Store(demo_home["home"] / "newsdesk.db") as store:
        for source in demo_sources(demo_home["base"]):
            run = store.last_run(source["name"])
            assert run["new"] == 0 and not run["errors"], run
            if source["kind"] == "feed":
                assert run["summary"] == "not modified since the last run"
    articles = [path for path in demo_home["second_requests"] if path.endswith(".html") and "list" not in path
                and path.count("/") > 2]
    assert articles == [], "stored articles are not downloaded again"


def test_sources_test_shows_articles_and_writes_nothing(demo_home, tmp_path):
    home = demo_home["home"]
    database = home / "newsdesk.db"
    before = (database.read_bytes(), (home / "sources.yaml").read_bytes())
    result = cli("--home", str(home), "sources", "test", "chaoyong-news", "--json")
    assert result.returncode == 0, result.stderr
    previews = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(previews) >= 10, result.stderr[-3000:]
    assert {p["state"] for p in previews} == {"already stored"}
    assert (database.read_bytes(), (home / "sources.yaml").read_bytes()) == before

    fresh = tmp_path / "fresh"
    assert cli("init", str(fresh)).returncode == 0
    write_sources(fresh, demo_sources(demo_home["base"]))
    listed = cli("--home", str(fresh), "sources", "test", "jianghuai-gov")
    assert listed.returncode == 0, listed.stderr
    assert "[new]" in listed.stdout and "nothing was written" in listed.stdout
    with Store(fresh / "newsdesk.db") as store:
        assert store.counts()["candidates"] == 0 and store.runs() == []
