"""Canonical URLs: tracking and fragments dropped, host lowercased, rel=canonical honoured when sane."""

import pytest

from crawler.canonical import canonical_url


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
