"""A date that names no offset is in the newsletter's time zone (sections.yaml newsletter.timezone), wherever it
is read: a page's date line, a feed entry, a news sitemap."""

from __future__ import annotations

from conftest import cli, queue_rows, write_sources

PARAGRAPHS = {
    "listing": "省数据局今天发布数据要素市场建设方案，提出建设统一的公共数据授权运营平台，培育数据服务企业。",
    "feed": "本市首个算力调度中心投入运行，可为园区企业提供智能算力服务，首批接入企业超过三十家。",
    "sitemap": "长三角量子计算联合实验室发布新一代超导量子芯片，比特数和相干时间均创下新的纪录。",
}


def _page(kind: str, dated: bool) -> str:
    date_line = "<p>发布时间：2026年11月3日 09:30　来源：本站</p>" if dated else ""
    text = "".join(f"<p>{PARAGRAPHS[kind]}第{n}段。</p>" for n in range(1, 4))
    return (f"<html><head><meta charset='utf-8'><title>{kind}新闻</title></head><body>"
            f"<h1>{PARAGRAPHS[kind][:12]}</h1>{date_line}<div class='content'>{text}</div></body></html>")


def test_a_date_without_an_offset_is_read_in_the_newsletters_time_zone(server, home):
    sections = home / "sections.yaml"
    sections.write_text(sections.read_text(encoding="utf-8").replace("timezone: Asia/Shanghai",
                                                                      "timezone: Europe/Berlin"), encoding="utf-8")
    server.add("/list.html", "<html><body><ul class='list'>"
                             f"<li><a href='/news/listing.html'>{PARAGRAPHS['listing'][:14]}</a></li></ul></body></html>")
    server.add("/news/listing.html", _page("listing", dated=True))
    server.add("/rss.xml", f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>
        <item><title>{PARAGRAPHS['feed'][:14]}</title><link>{server.url}/news/feed.html</link>
        <pubDate>2026-11-03 09:30:00</pubDate></item></channel></rss>""", content_type="application/rss+xml")
    server.add("/news/feed.html", _page("feed", dated=False))
    server.add("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>{server.url}/news/sitemap.html</loc><news:news>
          <news:publication_date>2026-11-03T09:30:00</news:publication_date></news:news></url></urlset>""",
               content_type="application/xml")
    server.add("/news/sitemap.html", _page("sitemap", dated=False))
    write_sources(home, [
        {"name": "listing", "kind": "listing", "url": server.url + "/list.html", "links": "ul.list a"},
        {"name": "feed", "kind": "feed", "url": server.url + "/rss.xml"},
        {"name": "sitemap", "kind": "sitemap", "url": server.url + "/sitemap.xml", "max_age_days": 30},
    ])

    result = cli("--home", str(home), "crawl")

    assert result.returncode == 0, result.stdout + result.stderr
    dates = {row["source"]: row["published_at"] for row in queue_rows(home, "--all", "--any-status")}
    assert dates == dict.fromkeys(["listing", "feed", "sitemap"], "2026-11-03T09:30:00+01:00")
    shown = cli("--home", str(home), "queue", "--all", "--any-status").stdout
    assert shown.count("2026-11-03 09:30 CET") == 3, shown


def test_extract_reads_a_date_without_an_offset_in_the_homes_time_zone(home, tmp_path):
    sections = home / "sections.yaml"
    sections.write_text(sections.read_text(encoding="utf-8").replace("timezone: Asia/Shanghai",
                                                                      "timezone: Europe/Berlin"), encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(_page("listing", dated=True), encoding="utf-8")
    result = cli("--home", str(home), "extract", str(page))
    assert result.returncode == 0, result.stderr
    assert "published_at: 2026-11-03T09:30:00+01:00" in result.stdout
