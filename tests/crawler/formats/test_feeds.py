"""Feeds parsed from the bytes Scrapy fetched: every dialect, dates with their offsets, clear errors."""

from __future__ import annotations

import pytest

from crawler.formats.feeds import FeedError, parse_feed

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>某某网</title><link>https://x.cn/</link>
<item><title>长三角数据要素市场启动</title><link>/a/1.html?utm_source=rss</link>
  <pubDate>Tue, 03 Nov 2026 09:30:00 +0800</pubDate><description>摘要一</description>
  <author>editor@x.cn (王某)</author></item>
<item><title>Second &amp; more</title><link>https://x.cn/a/2.html</link>
  <pubDate>Tue, 03 Nov 2026 01:30:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>科技报</title><id>urn:x</id><updated>2026-11-03T00:00:00Z</updated>
<entry><title>量子计算新突破</title><link rel="alternate" href="https://y.cn/q.html"/><id>urn:1</id>
  <published>2026-11-02T08:00:00+08:00</published><updated>2026-11-03T08:00:00+08:00</updated>
  <content type="html">&lt;p&gt;全文第一段。&lt;/p&gt;&lt;p&gt;全文第二段。&lt;/p&gt;</content></entry>
</feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://z.cn/"><title>Z</title><link>https://z.cn/</link></channel>
<item rdf:about="https://z.cn/1.html"><title>芯片产线投产</title><link>https://z.cn/1.html</link>
<dc:date>2026-11-01T10:00:00+08:00</dc:date></item></rdf:RDF>"""


def test_rss2_links_are_absolute_and_dates_keep_their_offset():
    feed = parse_feed(RSS2.encode(), "https://x.cn/rss.xml", "application/rss+xml")
    first, second = feed.entries
    assert first.link == "https://x.cn/a/1.html?utm_source=rss"
    assert first.hints["title"] == "长三角数据要素市场启动"
    assert first.hints["published_at"] == "2026-11-03T09:30:00+08:00"
    assert first.hints["summary"] == "摘要一"
    assert second.hints["title"] == "Second & more"
    assert second.hints["published_at"] == "2026-11-03T01:30:00+00:00"
    assert feed.warning is None


def test_atom_prefers_published_and_carries_content():
    [entry] = parse_feed(ATOM.encode(), "https://y.cn/atom.xml").entries
    assert entry.link == "https://y.cn/q.html"
    assert entry.hints["published_at"] == "2026-11-02T08:00:00+08:00"
    assert "全文第二段" in entry.hints["content"]


def test_rss1_rdf():
    [entry] = parse_feed(RSS1.encode(), "https://z.cn/index.rdf").entries
    assert entry.link == "https://z.cn/1.html"
    assert entry.hints["published_at"] == "2026-11-01T10:00:00+08:00"


def test_gbk_feed_is_decoded_by_its_declaration():
    body = RSS2.replace('encoding="utf-8"', 'encoding="gb2312"').encode("gb18030")
    feed = parse_feed(body, "https://x.cn/rss.xml", "text/xml")
    assert feed.entries[0].hints["title"] == "长三角数据要素市场启动"


def test_malformed_but_readable_feed_keeps_its_entries_and_warns():
    body = RSS2.replace("<title>Second &amp; more</title>", "<title>Second & more</title>").encode()
    feed = parse_feed(body, "https://x.cn/rss.xml")
    assert len(feed.entries) == 2
    assert feed.warning and "malformed" in feed.warning


def test_truncated_feed_keeps_the_entries_before_the_cut():
    body = RSS2.encode()[: RSS2.encode().index(b"<item><title>Second")] + b"<item><title>Sec"
    feed = parse_feed(body, "https://x.cn/rss.xml")
    assert feed.entries[0].hints["title"] == "长三角数据要素市场启动"


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><head><title>Home</title></head><body><a href='/'>x</a></body></html>",
     "got an HTML page, not a feed"),
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a readable feed"),
])
def test_what_is_not_a_feed_says_what_it_is(body, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(body, "https://x.cn/rss.xml", "text/html")


@pytest.mark.parametrize("damage, where", [
    ("<!-- the template's comment is never closed\n", "unclosed token at line 3"),
    ("<description><![CDATA[ site news, never closed\n", "unclosed CDATA section at line"),
])
def test_malformed_feed_with_no_readable_entry_says_why(damage: str, where: str):
    body = RSS2.replace("<item>", damage + "<item>", 1).encode()
    with pytest.raises(FeedError) as raised:
        parse_feed(body, "https://x.cn/rss.xml")
    message = str(raised.value)
    assert message.startswith("the feed is malformed and no entry could be read: ")
    assert where in message and message.endswith("; check it in a browser or ask the site")
    assert "\n" not in message and "<unknown>" not in message


def test_a_well_formed_feed_without_entries_is_not_an_error():
    body = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    feed = parse_feed(body, "https://x.cn/rss.xml", "application/rss+xml")
    assert feed.entries == [] and feed.warning is None


@pytest.mark.parametrize("content_type", [None, "application/rss+xml"])
def test_an_empty_feed_with_a_quibble_is_not_an_error(content_type):
    # No Content-Type, a wrong encoding declaration (feedparser's NonXMLContentType, CharacterEncodingOverride):
    # the feed was read to its end and truly has no entries.
    body = '<?xml version="1.0" encoding="us-ascii"?><rss version="2.0"><channel><title>某网</title></channel></rss>'
    feed = parse_feed(body.encode("utf-8"), "https://x.cn/rss.xml", content_type)
    assert feed.entries == [] and feed.title == "某网" and feed.warning


def test_the_warning_of_a_readable_damaged_feed_names_the_line():
    body = RSS2.replace("<title>Second &amp; more</title>", "<title>Second & more</title>").encode()
    assert parse_feed(body, "https://x.cn/rss.xml").warning == \
        "feed is malformed but readable: not well-formed (invalid token) at line 6"
