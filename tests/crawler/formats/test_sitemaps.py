"""Sitemaps: indexes, urlsets, gzip, Google News tags and the age window; broken input gives a clear error."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest
from conftest import shared_data

from crawler.formats.sitemaps import SitemapError, parse_sitemap

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
MB = 1024 * 1024

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://x.cn/a/1.html</loc>
    <news:news><news:publication><news:name>某报</news:name><news:language>zh</news:language></news:publication>
      <news:publication_date>2026-11-20T09:30:00+08:00</news:publication_date>
      <news:title>长三角算力调度平台上线</news:title></news:news></url>
  <url><loc>https://x.cn/a/2.html</loc><lastmod>2026-11-21</lastmod></url>
  <url><loc>https://x.cn/a/old.html</loc><lastmod>2026-03-01</lastmod></url>
  <url><loc>/a/undated.html</loc></url>
</urlset>"""


def parse(body, days=7):
    return parse_sitemap(body, "https://x.cn/sitemap.xml", max_age_days=days, max_bytes=MB, now=NOW)


def test_news_sitemap_gives_dates_titles_and_keeps_the_window():
    sitemap = parse(NEWS.encode())
    assert sitemap.kind == "urlset"
    urls = {u.url: u for u in sitemap.urls}
    assert set(urls) == {"https://x.cn/a/1.html", "https://x.cn/a/2.html", "https://x.cn/a/undated.html"}
    assert urls["https://x.cn/a/1.html"].published_at == "2026-11-20T09:30:00+08:00"
    assert urls["https://x.cn/a/1.html"].title == "长三角算力调度平台上线"
    assert urls["https://x.cn/a/2.html"].published_at is None  # lastmod is a change date, not publication
    assert sitemap.urls[-1].url == "https://x.cn/a/undated.html"  # dated ones first, newest first


def test_gzip_sitemap_is_unpacked():
    assert [u.url for u in parse(gzip.compress(NEWS.encode())).urls][:2] == [
        "https://x.cn/a/2.html", "https://x.cn/a/1.html"]


def test_index_lists_children_inside_the_window():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.cn/s1.xml.gz</loc><lastmod>2026-11-20</lastmod></sitemap>
      <sitemap><loc><![CDATA[https://x.cn/s2.xml]]></loc></sitemap>
      <sitemap><loc>https://x.cn/s2019.xml</loc><lastmod>2019-01-01</lastmod></sitemap></sitemapindex>"""
    sitemap = parse(index)
    assert sitemap.kind == "index"
    assert sitemap.children == ["https://x.cn/s1.xml.gz", "https://x.cn/s2.xml"]


@pytest.mark.parametrize("body, message", [
    (b"", "empty"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "HTML page, not a sitemap"),
    (b"<rss><channel></channel></rss>", "root is <rss>"),
    (b"\x1f\x8b\x08\x00garbage", "broken gzip"),
    (b"\x00\x01\x02 not xml at all", "not readable XML"),
])
def test_broken_sitemaps_say_what_they_are(body, message):
    with pytest.raises(SitemapError, match=message):
        parse(body)


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(b"<urlset>" + b" " * (3 * MB) + b"</urlset>")
    with pytest.raises(SitemapError, match="unpacks to more than 1 MB"):
        parse(bomb)


def test_truncated_urlset_keeps_what_it_can_read():
    sitemap = parse(NEWS.encode()[: NEWS.encode().index(b"<url><loc>https://x.cn/a/2")] + b"<url><loc>https://x")
    assert "https://x.cn/a/1.html" in [u.url for u in sitemap.urls]


def test_real_sitemaps_from_trafilatura_resources():
    folder = shared_data("feeds-sitemaps", "trafilatura-resources")
    plain = parse_sitemap((folder / "sitemap.xml").read_bytes(), "https://www.sitemaps.org/sitemap.xml",
                          max_age_days=100000, max_bytes=MB, now=NOW)
    packed = parse_sitemap((folder / "sitemap.xml.gz").read_bytes(), "https://www.sitemaps.org/sitemap.xml.gz",
                           max_age_days=100000, max_bytes=MB, now=NOW)
    assert len(plain.urls) == len(packed.urls) == 84
    index = parse_sitemap((folder / "sitemap2.xml").read_bytes(), "http://www.example.com/sitemap2.xml",
                          max_age_days=100000, max_bytes=MB, now=NOW)
    assert index.children == ["http://www.example.com/sitemap1.xml.gz", "http://www.example.com/sitemap2.xml.gz"]
    # Those pages are from 2016: a news window of a week keeps none of them.
    assert parse_sitemap((folder / "sitemap.xml").read_bytes(), "https://www.sitemaps.org/sitemap.xml",
                         max_age_days=7, max_bytes=MB, now=NOW).urls == []
