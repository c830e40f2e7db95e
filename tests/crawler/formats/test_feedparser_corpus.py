"""Every file of feedparser's own test corpus goes through the feed spider without a crash."""

from __future__ import annotations

import csv

from conftest import cli, shared_data, write_sources

from db import Store

# What a clean failure looks like: a message from our code, not an exception's repr.
CRASH_MARKERS = ("could not parse", "could not process", "Traceback", "Error:")


def test_every_feedparser_test_file_goes_through_the_feed_spider(server, tmp_path):
    corpus = shared_data("feedparser-tests")
    with open(corpus / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 317
    sources = []
    for number, row in enumerate(rows):
        headers = {}
        if row["http_headers"]:
            name, _, value = row["http_headers"].partition(":")
            headers[name.strip()] = value.strip()
        content_type = headers.pop("Content-type", headers.pop("Content-Type", "application/xml"))
        headers = {k: v for k, v in headers.items() if k.lower() != "content-location"}
        path = f"/fp/{number}.xml"
        server.add(path, (corpus / row["path"]).read_bytes(), content_type=content_type, **headers)
        sources.append({"name": f"fp{number}", "kind": "feed", "url": server.url + path})
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, sources, max_items_per_source=3)
    # Entry links point at example.com and the like: the test server is the proxy, so they 404 here.
    result = cli("--home", str(home), "crawl", env={"http_proxy": server.url, "https_proxy": server.url})
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    with Store(home / "newsdesk.db") as store:
        runs = {s["name"]: store.last_run(s["name"]) for s in sources}
    assert all(run is not None and run["status"] != "running" for run in runs.values())
    crashes = [(name, e["message"]) for name, run in runs.items() for e in run["errors"]
               if any(marker in e["message"] for marker in CRASH_MARKERS)]
    assert crashes == []
    assert "fp316" in result.stdout, "the summary lists every source"
