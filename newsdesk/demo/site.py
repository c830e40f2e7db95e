"""Every URL of the demo site and what it answers, built once per server from the content and a base URL."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from newsdesk.demo import feeds, pages
from newsdesk.demo.content import ArticlePage, Outlet, build_pages, china_today, outlets

logger = logging.getLogger(__name__)

RSS_PATH = "/jianghai/rss.xml"
ATOM_PATH = "/hubin/atom.xml"
RDF_PATH = "/taihu/rss.rdf"
SITEMAP_INDEX_PATH = "/shuzhi/sitemap_index.xml"
SITEMAP_GZ_PATH = "/shuzhi/sitemap-articles.xml.gz"
SITEMAP_NEWS_PATH = "/shuzhi/sitemap-news.xml"
GOV_LIST_PATH = "/jianghuai/xxgk/list.html"
NEWS_LIST_PATH = "/chaoyong/news/"
NEWS_SITEMAP_DAYS = 3  # the news sitemap lists what ran in the last few days; the rest is in the gzip urlset

HTML = "text/html; charset=utf-8"
# The portal's server, like many, names no charset: clients must read the page's own declaration.
HTML_NO_CHARSET = "text/html"
CONTENT_TYPES = {
    RSS_PATH: "application/rss+xml; charset=utf-8",
    ATOM_PATH: "application/atom+xml; charset=utf-8",
    RDF_PATH: "application/rdf+xml; charset=utf-8",
    SITEMAP_INDEX_PATH: "application/xml; charset=utf-8",
    SITEMAP_NEWS_PATH: "application/xml; charset=utf-8",
    SITEMAP_GZ_PATH: "application/x-gzip",
}


@dataclass(frozen=True)
class Resource:
    """What one URL answers: bytes, their type, and the validators conditional GET compares."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"')


def _html_type(outlet: Outlet) -> str:
    return HTML_NO_CHARSET if pages.encoding_of(outlet) != "utf-8" else HTML


def build_site(base_url: str, today: dt.date | None = None) -> dict[str, Resource]:
    """Path (plus "?page=N" for the paginated business listing) -> Resource, for every URL the site serves."""
    today = today or china_today()
    all_pages = build_pages(today)
    by_outlet: dict[str, list[ArticlePage]] = {key: [] for key in outlets()}
    for page in all_pages:
        by_outlet[page.outlet.key].append(page)

    routes: dict[str, Resource] = {}
    for key, outlet in outlets().items():
        outlet_pages = by_outlet[key]
        html_type = _html_type(outlet)
        for page in outlet_pages:
            rendered = pages.render_article(page, outlet_pages, base_url)
            routes[page.path] = Resource(rendered.body, html_type, rendered.last_modified)
        for label, path in outlet.nav:
            heading = outlet.name if label == "首页" else label
            rendered = pages.render_home(outlet, heading, outlet_pages)
            routes[path] = Resource(rendered.body, html_type, rendered.last_modified)
        home = pages.render_home(outlet, outlet.name, outlet_pages)
        routes.setdefault(outlet.prefix, Resource(home.body, html_type, home.last_modified))

    routes.update(_listings(by_outlet))
    routes.update(_feeds(by_outlet, base_url, today))
    newest = max(p.published_at for p in all_pages)
    robots = feeds.robots_txt(base_url, SITEMAP_INDEX_PATH)
    routes["/robots.txt"] = Resource(robots, "text/plain; charset=utf-8", newest)
    routes["/"] = Resource(pages.render_site_index(_entry_points(), today), HTML, newest)
    logger.debug("demo site: %d URLs, %d article pages", len(routes), len(all_pages))
    return routes


def _entry_points() -> list[tuple[Outlet, str, str]]:
    by_key = outlets()
    return [(by_key["jianghai"], "RSS 2.0", RSS_PATH), (by_key["hubin"], "Atom 1.0", ATOM_PATH),
            (by_key["taihu"], "RSS 1.0 (RDF)", RDF_PATH), (by_key["shuzhi"], "sitemap", SITEMAP_INDEX_PATH),
            (by_key["jianghuai"], "listing (GBK)", GOV_LIST_PATH), (by_key["chaoyong"], "listing", NEWS_LIST_PATH)]


def _chunks(items: list[ArticlePage], size: int) -> list[list[ArticlePage]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _listings(by_outlet: dict[str, list[ArticlePage]]) -> dict[str, Resource]:
    routes = {}
    gov = outlets()["jianghuai"]
    gov_pages = _chunks(list(reversed(by_outlet["jianghuai"])), gov.per_page)
    for number, chunk in enumerate(gov_pages, start=1):
        path = GOV_LIST_PATH if number == 1 else GOV_LIST_PATH.replace("list.html", f"list_{number}.html")
        rendered = pages.render_index(gov, "政务公开", chunk, page_path=path,
                                      pagination=pages.gov_pagination(number, len(gov_pages)))
        routes[path] = Resource(rendered.body, _html_type(gov), rendered.last_modified)

    news = outlets()["chaoyong"]
    news_pages = _chunks(list(reversed(by_outlet["chaoyong"])), news.per_page)
    for number, chunk in enumerate(news_pages, start=1):
        rendered = pages.render_index(news, "快讯", chunk,
                                      pagination=pages.modern_pagination(NEWS_LIST_PATH, number, len(news_pages)))
        resource = Resource(rendered.body, HTML, rendered.last_modified)
        routes[f"{NEWS_LIST_PATH}?page={number}"] = resource
        if number == 1:
            routes[NEWS_LIST_PATH] = resource
    return routes


def _feeds(by_outlet: dict[str, list[ArticlePage]], base_url: str, today: dt.date) -> dict[str, Resource]:
    by_key = outlets()

    def resource(path: str, body: bytes, items: list[ArticlePage]) -> Resource:
        return Resource(body, CONTENT_TYPES[path], max(p.published_at for p in items))

    routes = {
        RSS_PATH: resource(RSS_PATH, feeds.rss2(by_key["jianghai"], by_outlet["jianghai"], base_url),
                           by_outlet["jianghai"]),
        ATOM_PATH: resource(ATOM_PATH, feeds.atom(by_key["hubin"], by_outlet["hubin"], base_url), by_outlet["hubin"]),
        RDF_PATH: resource(RDF_PATH, feeds.rdf(by_key["taihu"], by_outlet["taihu"], base_url), by_outlet["taihu"]),
    }
    cutoff = today - dt.timedelta(days=NEWS_SITEMAP_DAYS)
    recent = [p for p in by_outlet["shuzhi"] if p.published_at.date() >= cutoff]
    older = [p for p in by_outlet["shuzhi"] if p.published_at.date() < cutoff]
    news = feeds.news_urlset(by_key["shuzhi"], recent, base_url)
    routes[SITEMAP_NEWS_PATH] = resource(SITEMAP_NEWS_PATH, news, recent)
    routes[SITEMAP_GZ_PATH] = resource(SITEMAP_GZ_PATH, feeds.gzipped(feeds.urlset(older, base_url)), older)
    index = feeds.sitemap_index([(base_url + SITEMAP_GZ_PATH, routes[SITEMAP_GZ_PATH].last_modified),
                                 (base_url + SITEMAP_NEWS_PATH, routes[SITEMAP_NEWS_PATH].last_modified)])
    routes[SITEMAP_INDEX_PATH] = resource(SITEMAP_INDEX_PATH, index, by_outlet["shuzhi"])
    return routes

