"""Machine-readable entry points of the demo site: RSS 2.0, Atom 1.0, RSS 1.0 (RDF), sitemaps, robots.txt."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
from email.utils import format_datetime
from html import escape as html_escape
from xml.sax.saxutils import escape, quoteattr

from newsdesk.demo.content import ArticlePage, Outlet

logger = logging.getLogger(__name__)

SUMMARY_CHARS = 100
# Every other RSS item carries the tracking parameters real feeds append; crawlers must strip them.
TRACKING_QUERY = "utm_source=rss&spm=c.rss.{n}"


def _summary(page: ArticlePage) -> str:
    text = next((p for p in page.paragraphs if not p.startswith("编者按")), page.paragraphs[0])
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "……"


def _newest_first(pages: list[ArticlePage]) -> list[ArticlePage]:
    return sorted(pages, key=lambda p: p.published_at, reverse=True)


def rss2(outlet: Outlet, pages: list[ArticlePage], base_url: str) -> bytes:
    """RSS 2.0: some links carry tracking parameters (their guid is then not a permalink)."""
    items = []
    for n, page in enumerate(_newest_first(pages)):
        url = base_url + page.path
        if n % 2:
            link = f"{url}?{TRACKING_QUERY.format(n=n)}"
            guid = f'<guid isPermaLink="false">{outlet.key}-{page.path.rsplit("/", 1)[-1]}</guid>'
        else:
            link = url
            guid = f'<guid isPermaLink="true">{escape(url)}</guid>'
        items.append(f"""    <item>
      <title>{escape(page.title)}</title>
      <link>{escape(link)}</link>
      <description>{escape(_summary(page))}</description>
      <pubDate>{format_datetime(page.published_at)}</pubDate>
      <dc:creator>{escape(page.author)}</dc:creator>
      {guid}
    </item>""")
    newest = max(p.published_at for p in pages)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{escape(outlet.name)}</title>
    <link>{escape(base_url + outlet.prefix)}</link>
    <atom:link href={quoteattr(base_url + outlet.prefix + "rss.xml")} rel="self" type="application/rss+xml"/>
    <description>{escape(outlet.name)}最新稿件</description>
    <language>zh-cn</language>
    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>
    <ttl>30</ttl>
{chr(10).join(items)}
  </channel>
</rss>
""".encode("utf-8")


def _body_as_html(page: ArticlePage) -> str:
    return "".join(f"<p>{html_escape(p)}</p>" for p in page.paragraphs)


def atom(outlet: Outlet, pages: list[ArticlePage], base_url: str) -> bytes:
    """Atom 1.0: every entry has a summary; every other one also the full text as <content type="html">."""
    entries = []
    for n, page in enumerate(_newest_first(pages)):
        content = f'\n    <content type="html">{escape(_body_as_html(page))}</content>' if n % 2 == 0 else ""
        entries.append(f"""  <entry>
    <title>{escape(page.title)}</title>
    <link rel="alternate" type="text/html" href={quoteattr(base_url + page.path)}/>
    <id>tag:hubin.demo,2024:{escape(page.path.rsplit("/", 1)[-1])}</id>
    <published>{page.published_at.isoformat()}</published>
    <updated>{page.published_at.isoformat()}</updated>
    <author><name>{escape(page.author or outlet.name)}</name></author>
    <summary type="text">{escape(_summary(page))}</summary>{content}
  </entry>""")
    newest = max(p.published_at for p in pages)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <title>{escape(outlet.name)}</title>
  <subtitle>{escape(outlet.name)}要闻</subtitle>
  <link rel="self" type="application/atom+xml" href={quoteattr(base_url + outlet.prefix + "atom.xml")}/>
  <link rel="alternate" type="text/html" href={quoteattr(base_url + outlet.prefix)}/>
  <id>tag:hubin.demo,2024:feed</id>
  <updated>{newest.isoformat()}</updated>
  <rights>版权所有 {escape(outlet.host)}</rights>
{chr(10).join(entries)}
</feed>
""".encode("utf-8")


def rdf(outlet: Outlet, pages: list[ArticlePage], base_url: str) -> bytes:
    """RSS 1.0 (RDF) with Dublin Core dates, as older Chinese tech portals still publish."""
    ordered = _newest_first(pages)
    seq = "\n".join(f"        <rdf:li rdf:resource={quoteattr(base_url + p.path)}/>" for p in ordered)
    items = "\n".join(f"""  <item rdf:about={quoteattr(base_url + p.path)}>
    <title>{escape(p.title)}</title>
    <link>{escape(base_url + p.path)}</link>
    <description>{escape(_summary(p))}</description>
    <dc:date>{p.published_at.isoformat()}</dc:date>
    <dc:creator>{escape(p.author)}</dc:creator>
  </item>""" for p in ordered)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about={quoteattr(base_url + outlet.prefix + "rss.rdf")}>
    <title>{escape(outlet.name)}</title>
    <link>{escape(base_url + outlet.prefix)}</link>
    <description>{escape(outlet.name)}科技资讯</description>
    <dc:language>zh-cn</dc:language>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{items}
</rdf:RDF>
""".encode("utf-8")


def sitemap_index(entries: list[tuple[str, dt.datetime]]) -> bytes:
    """A sitemap index naming each (url, lastmod) child sitemap."""
    body = "\n".join(f"  <sitemap>\n    <loc>{escape(url)}</loc>\n    <lastmod>{lastmod.isoformat()}</lastmod>\n"
                     "  </sitemap>" for url, lastmod in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</sitemapindex>
""".encode("utf-8")


def urlset(pages: list[ArticlePage], base_url: str) -> bytes:
    """A plain urlset with lastmod; it includes the outlet's old pages an age window must drop."""
    body = "\n".join(f"""  <url>
    <loc>{escape(base_url + p.path)}</loc>
    <lastmod>{p.published_at.isoformat()}</lastmod>
    <changefreq>never</changefreq>
  </url>""" for p in _newest_first(pages))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
""".encode("utf-8")


def news_urlset(outlet: Outlet, pages: list[ArticlePage], base_url: str) -> bytes:
    """A Google News sitemap: recent pages with news:publication_date and news:title."""
    body = "\n".join(f"""  <url>
    <loc>{escape(base_url + p.path)}</loc>
    <news:news>
      <news:publication>
        <news:name>{escape(outlet.name)}</news:name>
        <news:language>zh-cn</news:language>
      </news:publication>
      <news:publication_date>{p.published_at.isoformat()}</news:publication_date>
      <news:title>{escape(p.title)}</news:title>
    </news:news>
  </url>""" for p in _newest_first(pages))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
""".encode("utf-8")


def gzipped(data: bytes) -> bytes:
    """gzip with a fixed mtime, so the same sitemap always has the same bytes (and ETag)."""
    return gzip.compress(data, mtime=0)


def robots_txt(base_url: str, sitemap_path: str) -> bytes:
    return (f"# Newsdesk demo site\nUser-agent: *\nDisallow: /admin/\nAllow: /\n\n"
            f"Sitemap: {base_url}{sitemap_path}\n").encode("utf-8")
