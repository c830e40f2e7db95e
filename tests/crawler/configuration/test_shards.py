"""`newsdesk crawl --shard i/N`: sources split among N crawl processes by site, a site's sources in one of them."""

from __future__ import annotations

from conftest import cli, write_sources
from support.pages import rss

from crawler.configuration.shards import shard_of
from db import Store

# Sites whose hash puts two of them in each of two shards (shard_of is a stable hash: the same in every process).
HOSTS = ("127.0.0.21", "127.0.0.24", "127.0.0.25", "127.0.0.26")


def test_each_shard_crawls_only_its_sites_and_every_source_of_a_site_together(server_on, home):
    sources = []
    for host in HOSTS:
        server = server_on(host)
        for name in ("a", "b"):
            server.add(f"/{name}.xml", rss(server, []), content_type="application/rss+xml")
            sources.append({"name": f"{host}-{name}", "kind": "feed", "url": f"{server.url}/{name}.xml"})
    write_sources(home, sources)
    expected = {shard: {s["name"] for s in sources if shard_of(s["url"], 2) == shard} for shard in (1, 2)}
    assert all(expected.values()), "the hosts chosen fill both shards"

    crawled = {}
    for shard in (1, 2):
        result = cli("--home", str(home), "crawl", "--shard", f"{shard}/2")
        assert result.returncode == 0, result.stdout + result.stderr
        with Store(home / "newsdesk.db") as store:
            crawled[shard] = {s["name"] for s in sources if store.last_run(s["name"])} - set().union(*crawled.values())
        assert all(name in result.stdout for name in crawled[shard]), result.stdout

    assert crawled == expected
    for host in HOSTS:   # a site's two sources in the same shard
        assert sum({f"{host}-a", f"{host}-b"} <= names for names in crawled.values()) == 1


def test_a_shard_that_is_not_i_of_n_is_a_one_line_error(home):
    for bad in ("3/2", "0/2", "two", "1/0"):
        result = cli("--home", str(home), "crawl", "--shard", bad)
        assert result.returncode != 0
        assert f"--shard '{bad}': expected i/N" in result.stderr and len(result.stderr.strip().splitlines()) == 1, \
            result.stderr
