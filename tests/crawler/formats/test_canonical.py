"""Canonical URLs: tracking and fragments dropped, host lowercased, rel=canonical honoured when sane."""

import os
import subprocess
import sys

import pytest
from conftest import REPO

from crawler.crawl.items import Candidate
from crawler.crawl.pipelines import Duplicate, DuplicatePipeline
from crawler.formats.canonical import canonical_url, clean_url, site_of
from db import Store


@pytest.mark.parametrize("url, expected", [
    ("HTTP://News.Example.CN/a/2026/1103.html#comments", "http://news.example.cn/a/2026/1103.html"),
    ("https://x.cn/a.html?utm_source=rss&utm_medium=feed&id=7", "https://x.cn/a.html?id=7"),
    ("https://x.cn/a.html?spm=a1.b2&from=timeline&share_id=9&isappinstalled=0", "https://x.cn/a.html"),
    ("https://x.cn:443/a.html?fbclid=1&gclid=2&page=2", "https://x.cn/a.html?page=2"),
    ("http://x.cn:8080/a.html", "http://x.cn:8080/a.html"),
    ("http://x.cn", "http://x.cn/"),
    ("http://x.cn/新闻/一.html", "http://x.cn/%E6%96%B0%E9%97%BB/%E4%B8%80.html"),
    ("http://x.cn/%E6%96%B0%E9%97%BB/a.html", "http://x.cn/%E6%96%B0%E9%97%BB/a.html"),
])
def test_tracking_fragments_and_case(url, expected):
    assert canonical_url(url) == expected


def test_rel_canonical_on_the_same_site_wins():
    assert canonical_url("https://m.x.com.cn/a.html?from=wx", declared="https://www.x.com.cn/2026/a.html") == \
        "https://www.x.com.cn/2026/a.html"
    assert canonical_url("https://x.cn/print/1.html", declared="/news/1.html") == "https://x.cn/news/1.html"


def test_insane_rel_canonical_is_ignored():
    # Portals that point every page at their home page, or at another site, do not merge all articles.
    assert canonical_url("https://x.cn/news/1.html", declared="https://x.cn/") == "https://x.cn/news/1.html"
    assert canonical_url("https://x.cn/news/1.html", declared="https://other.com/1.html") == "https://x.cn/news/1.html"
    # gov.cn: a.gov.cn and b.gov.cn are different sites
    assert canonical_url("https://a.gov.cn/1.html", declared="https://b.gov.cn/1.html") == "https://a.gov.cn/1.html"


@pytest.mark.parametrize("a, b, same", [
    ("https://a.github.io/x", "https://b.github.io/y", False),       # the Public Suffix List's private part
    ("https://news.x.com.cn/1", "https://www.x.com.cn/2", True),
    ("https://a.gov.cn/1", "https://b.gov.cn/1", False),
    ("https://news.bbc.co.uk/1", "https://www.bbc.co.uk/2", True),
    ("http://127.2.0.9/a", "http://127.3.0.9/a", False),              # an IP address is a site of its own
    ("http://127.2.0.9:8080/a", "http://127.2.0.9:9090/b", True),
    ("http://[::1]/a", "http://[::2]/a", False),
    ("http://localhost/a", "http://intranet/a", False),
])
def test_sites_are_told_apart_by_the_public_suffix_list(a, b, same):
    assert (site_of(a) == site_of(b)) is same
    expected = "/".join(b.split("/")[:3]) + "/real" if same else a
    assert canonical_url(a, declared="/".join(b.split("/")[:3]) + "/real") == clean_url(expected)


def test_site_of_names_the_registrable_domain_or_the_address():
    assert site_of("https://a.github.io/x") == "a.github.io"
    assert site_of("https://news.x.com.cn/1") == "x.com.cn"
    assert site_of("http://[::1]:8080/") == "::1"
    assert site_of("http://127.2.0.9:8080/") == "127.2.0.9"


def test_the_public_suffix_list_is_read_from_the_installed_snapshot_without_network():
    script = (
        "import sys\n"
        "from crawler.formats.canonical import site_of\n"
        "events = []\n"
        "sys.addaudithook(lambda event, args: events.append(event) if event.startswith(('socket.connect', "
        "'socket.getaddrinfo', 'urllib.Request')) or (event == 'open' and isinstance(args[1], str) "
        "and 'w' in args[1]) else None)\n"
        "assert site_of('https://a.github.io/x') == 'a.github.io'\n"
        "assert site_of('https://www.x.com.cn/x') == 'x.com.cn'\n"
        "print(events)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS":
                                 "https://publicsuffix.org/list/public_suffix_list.dat"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _candidate(source: str, url: str, fetched_url: str) -> Candidate:
    return Candidate(source=source, url=url, fetched_url=fetched_url, title="t",
                     text="芯片产线投产。" * 20, published_at="2026-11-03T09:30:00+08:00")


def test_a_declared_canonical_that_another_source_stored_from_its_own_url_is_not_taken(tmp_path):
    with Store(tmp_path / "newsdesk.db") as store:
        store.add_candidate(_candidate("real", "http://x.cn/news/1.html", "http://x.cn/news/1.html").store_fields())
        pipeline = DuplicatePipeline(store)
        claimed = pipeline.process_item(_candidate("users", "http://x.cn/news/1.html", "http://x.cn/u/evil.html?utm_source=x"))
        assert claimed.url == "http://x.cn/u/evil.html"
        with pytest.raises(Duplicate):   # the same source's own copy under another address is a duplicate
            pipeline.process_item(_candidate("real", "http://x.cn/news/1.html", "http://m.x.cn/news/1.html"))
        with pytest.raises(Duplicate):   # so is the very page another source fetched
            pipeline.process_item(_candidate("other", "http://x.cn/news/1.html", "http://x.cn/news/1.html"))
