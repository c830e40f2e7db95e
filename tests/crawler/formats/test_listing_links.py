"""Article links found on a listing page without a selector: not navigation, pagination, sidebars or footers."""

from __future__ import annotations

from crawler.formats.listing_links import (
    find_article_links,
    links_by_selector,
    next_page_url,
)

PORTAL = """<html><head><meta charset="gb2312"><title>工作动态_某省数据资源管理局</title></head><body>
<table width="100%"><tr><td class="top">
  <a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/gzdt/">工作动态</a> <a href="/hdjl/">互动交流</a>
  <a href="/zwgk/zcjd/">政策解读专栏与解读材料汇编</a>
</td></tr>
<tr><td width="70%">
  <table class="list">
    <tr><td><a href="/gzdt/2026/t20261103_101.html">省数据资源局召开全省数据要素市场化配置改革推进会</a></td><td>2026-11-03</td></tr>
    <tr><td><a href="/gzdt/2026/t20261102_100.html" title="关于印发《公共数据授权运营管理办法》的通知">关于印发《公共数据授权运营管理办法》的…</a></td><td>2026-11-02</td></tr>
    <tr><td><a href="/gzdt/2026/t20261101_99.html">合肥市加快推进城市大脑二期建设</a></td><td>2026-11-01</td></tr>
    <tr><td><a href="/gzdt/2026/t20261030_98.html">全省一体化政务服务平台上线“免证办”服务</a></td><td>2026-10-30</td></tr>
  </table>
  <div class="page"><a href="list.html">首页</a> <a href="list_1.html">1</a> <a href="list_2.html">2</a>
    <a href="list_2.html">下一页</a> <a href="list_9.html">尾页</a></div>
</td>
<td class="right">
  <div class="hot"><h3>热点新闻</h3>
    <a href="/gzdt/2025/t20250101_1.html">去年的一条热点新闻标题也很长很长</a>
    <a href="/gzdt/2025/t20250102_2.html">另一条很长的热点新闻标题在侧栏里</a></div>
</td></tr></table>
<div class="footer"><a href="/about.html">关于我们网站联系方式说明</a> 版权所有 某省数据资源管理局 <a href="https://beian.miit.gov.cn/">皖ICP备00000000号-1</a>
<a href="https://www.gov.cn/">中国政府网国务院门户网站</a></div>
</body></html>"""

MODERN = """<html><body><header><nav><a href="/tech/">Technology news and analysis</a></nav></header>
<main><ul class="news-list">
 <li><a href="/2026/11/03/chip-fab-opens.html">New chip fab opens in Wuxi with 28nm line</a></li>
 <li><a href="/2026/11/02/quantum-record.html">Quantum team sets a record for qubit fidelity</a></li>
 <li><a href="/2026/11/01/data-exchange.html">Shanghai data exchange passes a trading milestone</a></li>
</ul><a rel="next" href="?page=2">Older</a></main>
<aside><a href="/2026/10/01/most-read.html">The most read story of the whole month so far</a></aside>
<footer><a href="/privacy">Privacy policy and terms of use</a></footer></body></html>"""


def test_portal_table_listing_gives_only_the_articles():
    links = find_article_links(PORTAL, "http://sjzyj.ah.gov.cn/gzdt/list.html")
    assert links == [
        "http://sjzyj.ah.gov.cn/gzdt/2026/t20261103_101.html",
        "http://sjzyj.ah.gov.cn/gzdt/2026/t20261102_100.html",
        "http://sjzyj.ah.gov.cn/gzdt/2026/t20261101_99.html",
        "http://sjzyj.ah.gov.cn/gzdt/2026/t20261030_98.html",
    ]


def test_modern_listing_ignores_nav_aside_and_footer():
    assert find_article_links(MODERN, "https://x.com/tech/") == [
        "https://x.com/2026/11/03/chip-fab-opens.html",
        "https://x.com/2026/11/02/quantum-record.html",
        "https://x.com/2026/11/01/data-exchange.html",
    ]


def test_pagination_is_found_by_text_or_rel():
    assert next_page_url(PORTAL, "http://sjzyj.ah.gov.cn/gzdt/list.html") == "http://sjzyj.ah.gov.cn/gzdt/list_2.html"
    assert next_page_url(MODERN, "https://x.com/tech/") == "https://x.com/tech/?page=2"
    assert next_page_url("<html><body><a href='/a'>x</a></body></html>", "https://x.com/") is None


def test_selector_matches_anchors_or_containers():
    base = "http://sjzyj.ah.gov.cn/gzdt/list.html"
    assert len(links_by_selector(PORTAL, base, "table.list a")) == 4
    assert len(links_by_selector(PORTAL, base, "table.list")) == 4
    assert links_by_selector(PORTAL, base, ".nothing-here") == []


def test_empty_or_linkless_pages_give_nothing():
    assert find_article_links("", "https://x.com/") == []
    assert find_article_links("<html><body><p>no links</p></body></html>", "https://x.com/") == []
