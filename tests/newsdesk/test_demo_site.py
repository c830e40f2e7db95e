"""The bundled demo news site: its feeds, sitemaps, listings and pages, served for real on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import re
import subprocess
import sys
from collections import Counter, defaultdict
from email.utils import format_datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from db import clock
from newsdesk.demo import DemoSite, demo_catalogue, demo_sources
from support.desk import Running

pytestmark = pytest.mark.clock
TODAY = clock.today() - dt.timedelta(days=17)
SECTIONS = {"政策要闻", "区域实践", "会议论坛", "科技前沿"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}
# Where each outlet's layout puts the article body (what an extractor should find).
BODY_SELECTORS = {"/jianghai/": "#detail", "/hubin/": ".article-content", "/shuzhi/": "article .content",
                  "/jianghuai/": "td.bt_content", "/chaoyong/": ".article-body", "/taihu/": ".TRS_Editor"}


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request without redirects or error handling in the way: status, headers, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site():
    with DemoSite(today=TODAY) as running:
        yield running


@pytest.fixture(scope="module")
def catalogue():
    return demo_catalogue(TODAY)


def outlet_pages(catalogue: list[dict], prefix: str) -> list[dict]:
    return [entry for entry in catalogue if entry["path"].startswith(prefix)]


def published(entry: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(entry["published_at"])


def without_query(url: str) -> str:
    return urlsplit(url)._replace(query="", fragment="").geturl()


# ---------------------------------------------------------------- the content itself

def test_the_site_has_enough_outlets_pages_and_sections(catalogue):
    assert len({entry["outlet"] for entry in catalogue}) >= 5
    assert len(catalogue) >= 60
    originals = [entry for entry in catalogue if entry["copy_of"] is None]
    sections = Counter(entry["section"] for entry in originals)
    assert set(sections) == SECTIONS | {None}
    assert all(sections[name] >= 9 for name in SECTIONS), sections
    assert sections[None] >= 8
    assert len({entry["path"] for entry in catalogue}) == len(catalogue)


def test_every_original_story_is_300_to_900_characters_in_3_to_7_paragraphs(catalogue):
    for entry in catalogue:
        if entry["copy_of"] is None:
            paragraphs = entry["text"].split("\n")
            assert 3 <= len(paragraphs) <= 7, entry["story_id"]
            assert 300 <= len("".join(paragraphs)) <= 900, entry["story_id"]


def test_reprints_cover_at_least_eight_stories_with_two_to_four_outlets_each(catalogue):
    outlets_by_story = defaultdict(set)
    for entry in catalogue:
        outlets_by_story[entry["story_id"]].add(entry["outlet"])
    reprinted = {entry["copy_of"] for entry in catalogue if entry["copy_of"]}
    assert len(reprinted) >= 8
    for story in reprinted:
        assert 2 <= len(outlets_by_story[story]) <= 4, story


def test_reprints_are_edited_copies_that_run_after_their_original(catalogue):
    originals = {entry["story_id"]: entry for entry in catalogue if entry["copy_of"] is None}
    edits = Counter()
    for copy in (entry for entry in catalogue if entry["copy_of"]):
        original = originals[copy["copy_of"]]
        delay = published(copy) - published(original)
        assert dt.timedelta(hours=1) <= delay <= dt.timedelta(days=2), copy["path"]
        assert copy["outlet"] != original["outlet"]
        if copy["exact_copy_of"]:
            continue
        assert copy["text"] != original["text"]
        copy_paragraphs, original_paragraphs = copy["text"].split("\n"), original["text"].split("\n")
        edits["headline"] += copy["title"] != original["title"]
        edits["shorter"] += len(copy_paragraphs) < len(original_paragraphs)
        edits["note"] += copy_paragraphs[0].startswith("编者按")
        edits["byline"] += any("记者" in p and "记者" not in original["text"] for p in copy_paragraphs[:2])
        kept = [p for p in copy_paragraphs if p in original_paragraphs]
        edits["reordered"] += kept != [p for p in original_paragraphs if p in kept]
    assert all(edits[kind] >= 1 for kind in ("headline", "shorter", "note", "byline", "reordered")), edits


def test_one_reprint_is_an_exact_copy_of_its_original(catalogue):
    by_path = {entry["path"]: entry for entry in catalogue}
    exact = [entry for entry in catalogue if entry["exact_copy_of"]]
    assert len(exact) == 1
    copy, original = exact[0], by_path[exact[0]["exact_copy_of"]]
    assert copy["text"] == original["text"] and copy["title"] == original["title"]
    assert copy["outlet"] != original["outlet"] and copy["story_id"] == original["story_id"]


def test_two_different_stories_report_the_same_summit(catalogue):
    summit = [entry for entry in catalogue
              if entry["copy_of"] is None and "浦江人工智能开发者峰会" in entry["text"]]
    assert len({entry["story_id"] for entry in summit}) == 2
    first, second = (set(entry["text"].split("\n")) for entry in summit)
    assert not first & second


def test_one_story_quotes_a_paragraph_of_another(catalogue):
    originals = [entry for entry in catalogue if entry["copy_of"] is None]
    stories_by_paragraph = defaultdict(set)
    for entry in originals:
        for paragraph in entry["text"].split("\n"):
            stories_by_paragraph[paragraph].add(entry["story_id"])
    shared = [paragraph for paragraph, stories in stories_by_paragraph.items() if len(stories) > 1]
    assert len(shared) == 1


def test_dates_are_relative_to_today_and_never_in_the_future(catalogue):
    cutoff = dt.datetime.combine(TODAY, dt.time(8, 0), dt.timezone(dt.timedelta(hours=8)))
    ages = []
    for entry in catalogue:
        assert entry["published_at"].endswith("+08:00")
        assert published(entry) <= cutoff, entry["path"]
        ages.append((TODAY - published(entry).date()).days)
    assert min(ages) == 0
    assert sum(age > 20 for age in ages) == sum(age >= 200 for age in ages) >= 2  # the sitemap's old pages
    later = demo_catalogue(TODAY + dt.timedelta(days=30))
    assert [published(e) - published(f) for e, f in zip(catalogue, later)] == [dt.timedelta(days=-30)] * len(later)


def test_default_today_is_the_clocks_today_in_shanghai():
    newest = max(published(entry) for entry in demo_catalogue())
    assert newest.date() == clock.today("Asia/Shanghai")


# ---------------------------------------------------------------- pages over HTTP

def test_every_catalogue_page_answers_200_with_its_text_title_and_canonical(site, catalogue):
    for entry in catalogue:
        status, headers, body = fetch(site.base_url + entry["path"])
        assert status == 200, entry["path"]
        assert headers["content-type"].startswith("text/html")
        encoding = "gb18030" if entry["path"].startswith("/jianghuai/") else "utf-8"
        document = lxml.html.document_fromstring(body.decode(encoding))
        assert document.findtext(".//title") == f"{entry['title']}_{entry['outlet']}"
        assert document.xpath("//link[@rel='canonical']/@href") == [site.base_url + entry["path"]]
        prefix = "/" + entry["path"].split("/")[1] + "/"
        container = document.cssselect(BODY_SELECTORS[prefix])[0]
        lines = [line.strip() for line in container.text_content().split("\n") if line.strip()]
        assert lines == entry["text"].split("\n"), entry["path"]
        page_text = document.text_content()
        editor_line = "编辑：" if prefix == "/taihu/" else "责任编辑"
        for furniture in ("分享到", "微信", "微博", "热点新闻", "相关阅读", "上一篇", "下一篇", "版权所有",
                          "ICP备", "主办单位", "来源：" + entry["credit"], editor_line):
            assert furniture in page_text, (entry["path"], furniture)


def test_tracking_parameters_do_not_change_the_page(site, catalogue):
    path = catalogue[-1]["path"]
    assert fetch(site.base_url + path + "?utm_source=rss&spm=xyz")[2] == fetch(site.base_url + path)[2]


def test_unknown_paths_are_404_and_admin_is_forbidden(site):
    assert fetch(site.base_url + "/no/such/page.html")[0] == 404
    assert fetch(site.base_url + "/jianghai/2001-01/01/c_1.htm")[0] == 404
    assert fetch(site.base_url + "/chaoyong/news/?page=99")[0] == 404
    assert fetch(site.base_url + "/admin/")[0] == 403


def test_robots_txt_allows_all_but_admin_and_names_the_sitemap(site):
    status, headers, body = fetch(site.base_url + "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    text = body.decode("utf-8")
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert f"Sitemap: {site.base_url}/shuzhi/sitemap_index.xml" in text


# ---------------------------------------------------------------- feeds

@pytest.mark.parametrize("path, prefix, version, content_type", [
    ("/jianghai/rss.xml", "/jianghai/", "rss20", "application/rss+xml"),
    ("/hubin/atom.xml", "/hubin/", "atom10", "application/atom+xml"),
    ("/taihu/rss.rdf", "/taihu/", "rss10", "application/rdf+xml"),
])
def test_feeds_parse_cleanly_and_list_every_article_of_their_outlet(site, catalogue, path, prefix, version,
                                                                    content_type):
    status, headers, body = fetch(site.base_url + path)
    assert status == 200 and headers["content-type"].startswith(content_type)
    feed = feedparser.parse(body, response_headers={"content-type": headers["content-type"]})
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    expected = {entry["path"]: entry for entry in outlet_pages(catalogue, prefix)}
    links = [without_query(item.link) for item in feed.entries]
    assert sorted(links) == sorted(site.base_url + p for p in expected)
    for item in feed.entries:
        entry = expected[urlsplit(item.link).path]
        assert item.title == entry["title"]
        assert item.summary
        assert item.get("published_parsed") or item.get("updated_parsed")
        assert item.id


def test_rss_feed_has_tracking_parameters_on_some_links(site):
    feed = feedparser.parse(fetch(site.base_url + "/jianghai/rss.xml")[2])
    queries = [parse_qs(urlsplit(item.link).query) for item in feed.entries]
    tracked = [q for q in queries if q]
    assert 0 < len(tracked) < len(queries)
    assert all("utm_source" in q and "spm" in q for q in tracked)
    assert all(item.get("published_parsed") for item in feed.entries)


def test_atom_feed_has_full_html_content_on_some_entries(site, catalogue):
    feed = feedparser.parse(fetch(site.base_url + "/hubin/atom.xml")[2])
    with_content = [item for item in feed.entries if item.get("content")]
    assert 0 < len(with_content) < len(feed.entries)
    by_path = {entry["path"]: entry for entry in catalogue}
    for item in with_content:
        assert item.content[0].type == "text/html"
        text = lxml.html.fromstring(item.content[0].value).text_content()
        assert text == by_path[urlsplit(item.link).path]["text"].replace("\n", "")


@pytest.mark.parametrize("path", ["/jianghai/rss.xml", "/hubin/atom.xml", "/taihu/rss.rdf",
                                  "/shuzhi/sitemap_index.xml", "/shuzhi/sitemap-articles.xml.gz"])
def test_feeds_answer_conditional_get_with_304(site, path):
    status, headers, body = fetch(site.base_url + path)
    assert status == 200 and headers["etag"] and headers["last-modified"]
    status, again, body_304 = fetch(site.base_url + path, {"If-None-Match": headers["etag"]})
    assert (status, body_304, again["etag"]) == (304, b"", headers["etag"])
    assert fetch(site.base_url + path, {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert fetch(site.base_url + path, {"If-None-Match": '"something-else"'})[0] == 200
    long_ago = format_datetime(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), usegmt=True)
    assert fetch(site.base_url + path, {"If-Modified-Since": long_ago})[0] == 200


def test_head_requests_answer_headers_only(site):
    status, headers, body = fetch(site.base_url + "/jianghai/rss.xml", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


# ---------------------------------------------------------------- the sitemap outlet

def test_sitemap_index_leads_to_a_gzip_urlset_and_a_news_sitemap_listing_every_article(site, catalogue):
    status, headers, body = fetch(site.base_url + "/shuzhi/sitemap_index.xml")
    assert status == 200 and headers["content-type"].startswith("application/xml")
    children = etree.fromstring(body).xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS)
    assert len(children) == 2
    locations = {}
    for child in children:
        status, headers, body = fetch(child)
        assert status == 200
        if child.endswith(".gz"):
            assert headers["content-type"] in ("application/gzip", "application/x-gzip")
            assert body[:2] == b"\x1f\x8b"
            urlset = etree.fromstring(gzip.decompress(body))
            for url in urlset.xpath("//sm:url", namespaces=SITEMAP_NS):
                locations[url.findtext("sm:loc", namespaces=SITEMAP_NS)] = url.findtext("sm:lastmod",
                                                                                        namespaces=SITEMAP_NS)
        else:
            urlset = etree.fromstring(body)
            for url in urlset.xpath("//sm:url", namespaces=SITEMAP_NS):
                assert url.xpath("news:news/news:title/text()", namespaces=SITEMAP_NS)
                locations[url.findtext("sm:loc", namespaces=SITEMAP_NS)] = url.xpath(
                    "news:news/news:publication_date/text()", namespaces=SITEMAP_NS)[0]
            assert urlset.xpath("//sm:url", namespaces=SITEMAP_NS)
    expected = {site.base_url + e["path"]: e["published_at"] for e in outlet_pages(catalogue, "/shuzhi/")}
    assert locations == expected
    old = [when for when in locations.values() if (TODAY - dt.datetime.fromisoformat(when).date()).days >= 200]
    assert len(old) >= 2


# ---------------------------------------------------------------- the GBK portal

def test_portal_pages_are_gb18030_bytes_with_no_charset_in_the_http_header(site, catalogue):
    entry = outlet_pages(catalogue, "/jianghuai/")[0]
    status, headers, body = fetch(site.base_url + entry["path"])
    assert headers["content-type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = body.decode("gb18030")
    assert f"<title>{entry['title']}_江淮政务网</title>" in page
    assert 'content="text/html; charset=gb2312"' in page
    stamp = published(entry).strftime("%Y年%m月%d日 %H:%M")
    assert re.search(rf"发布时间：{stamp}(&nbsp;|\s)+来源：", page)
    assert "<br><br>" in page and "\u3000\u3000" in page


def follow_next(site, url: str, encoding: str) -> list[str]:
    """The listing's pages in order, found by following its 下一页 links."""
    seen = []
    while url and url not in seen:
        seen.append(url)
        status, _, body = fetch(url)
        assert status == 200, url
        document = lxml.html.document_fromstring(body.decode(encoding))
        nexts = [a.get("href") for a in document.iter("a") if a.text_content().strip() == "下一页"]
        url = urljoin(url, nexts[0]) if nexts else None
    return seen


@pytest.mark.parametrize("source_name, prefix, encoding", [
    ("jianghuai-gov", "/jianghuai/", "gb18030"), ("chaoyong-news", "/chaoyong/", "utf-8")])
def test_listings_paginate_and_link_every_article_among_other_links(site, catalogue, source_name, prefix, encoding):
    source = next(s for s in demo_sources(site.base_url) if s["name"] == source_name)
    pages = follow_next(site, source["url"], encoding)
    assert len(pages) == source["depth"] + 1 == 3
    article_links, other_links = set(), set()
    expected = {site.base_url + e["path"] for e in outlet_pages(catalogue, prefix)}
    for url in pages:
        document = lxml.html.document_fromstring(fetch(url)[2].decode(encoding))
        for anchor in document.iter("a"):
            if anchor.get("href", "").startswith(("#", "javascript:")):
                continue
            link = urljoin(url, anchor.get("href"))
            (article_links if link in expected else other_links).add(link)
        if source.get("links"):
            selected = {urljoin(url, a.get("href")) for a in document.cssselect(source["links"])}
            assert selected and selected <= expected
    assert article_links == expected
    assert len(other_links) >= 5  # nav, sidebar, footer and pager links a listing spider must skip


def test_portal_listing_has_dates_beside_its_links(site):
    page = fetch(site.base_url + "/jianghuai/xxgk/list.html")[2].decode("gb18030")
    rows = lxml.html.document_fromstring(page).cssselect("table.xxgk_list tr")
    assert rows and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.cssselect("td.rq")[0].text) for row in rows)


# ---------------------------------------------------------------- sources and entry points

def test_demo_sources_cover_every_kind_and_name_one_links_selector(site):
    sources = demo_sources(site.base_url)
    assert {s["kind"] for s in sources} == {"feed", "listing", "sitemap"}
    assert len({s["name"] for s in sources}) == len(sources)
    listings = [s for s in sources if s["kind"] == "listing"]
    assert len(listings) == 2 and sum("links" in s for s in listings) == 1
    for source in sources:
        assert source["url"].startswith(site.base_url)
        assert fetch(source["url"])[0] == 200


def test_the_site_serves_the_same_pages_as_its_catalogue_for_any_day():
    other_day = TODAY + dt.timedelta(days=103)
    with DemoSite(today=other_day) as running:
        for entry in demo_catalogue(other_day)[::10]:
            assert fetch(running.base_url + entry["path"])[0] == 200
        assert running.requests_seen


def test_python_m_crawler_demo_prints_its_base_url_and_serves():
    process = subprocess.Popen([sys.executable, "-m", "newsdesk.demo", "--port", "0"], stdout=subprocess.PIPE,
                               text=True)
    try:
        base_url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        assert fetch(base_url + "/robots.txt")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["from-a-terminal", "started-with-ctrl-c-ignored"])
def test_python_m_crawler_demo_stops_on_ctrl_c(sigint_ignored):
    # A script's background job starts with SIGINT ignored, and Python leaves it so: the site listens for it itself.
    site = Running("--port", "0", module="newsdesk.demo", sigint_ignored=sigint_ignored)
    try:
        site.wait_for(r"^http://127\.0\.0\.1:\d+$", timeout=60)
        assert site.interrupt() == 0
    finally:
        site.stop()
