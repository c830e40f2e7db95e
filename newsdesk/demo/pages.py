"""HTML of the demo site: article pages, outlet home and listing pages, each outlet in its own layout."""

from __future__ import annotations

import datetime as dt
import json
import logging
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from string import Template

from newsdesk.demo.content import ArticlePage, Outlet

logger = logging.getLogger(__name__)

# The provincial portal is the one outlet still in GB2312-era tooling: its bytes are GB18030 (a
# superset, so every character survives) while its pages declare gb2312, as such portals do.
PAGE_ENCODING = {"jianghuai": "gb18030"}
HOME_ITEMS = 12
SIDEBAR_ITEMS = 5
RELATED_ITEMS = 3
NOTHING_MORE = "没有了"
GOV_INDENT = "\u3000\u3000"


@dataclass(frozen=True)
class HtmlPage:
    """One rendered page: its bytes and when its content last changed."""

    body: bytes
    last_modified: dt.datetime


@lru_cache(maxsize=None)
def _template(name: str) -> Template:
    return Template(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def encoding_of(outlet: Outlet) -> str:
    return PAGE_ENCODING.get(outlet.key, "utf-8")


def _encode(outlet: Outlet, html: str) -> bytes:
    return html.encode(encoding_of(outlet))


def _body_html(page: ArticlePage) -> str:
    """The article body in the outlet's markup; the visible text is exactly page.paragraphs."""
    paragraphs = [escape(p) for p in page.paragraphs]
    key = page.outlet.key
    if key == "jianghuai":
        # Old CMS output: one <td>, paragraphs separated by <br><br>, indented with full-width spaces.
        return "<br><br>\n".join(GOV_INDENT + p for p in paragraphs)
    if key == "taihu":
        return "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in paragraphs)
    if key == "shuzhi":
        return "\n".join(f'<p style="text-align: justify; text-indent: 2em;">{p}</p>' for p in paragraphs)
    if key == "hubin" and paragraphs[0].startswith("编者按"):
        return "\n".join([f'<p class="editor-note"><strong>{paragraphs[0]}</strong></p>']
                         + [f"<p>{p}</p>" for p in paragraphs[1:]])
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def _link(page: ArticlePage) -> str:
    return f'<a href="{escape(page.path)}" title="{escape(page.title)}">{escape(page.title)}</a>'


def _link_list(outlet: Outlet, pages: list[ArticlePage]) -> str:
    if outlet.key == "jianghuai":
        return "\n".join(f'        <tr><td class="side_li">·&nbsp;{_link(p)}</td></tr>' for p in pages)
    return "".join(f"<li>{_link(p)}</li>" for p in pages)


def _nav_html(outlet: Outlet) -> str:
    links = [f'<a href="{escape(path)}">{escape(label)}</a>' for label, path in outlet.nav]
    if outlet.key == "jianghuai":
        return "&nbsp;|&nbsp;".join(links)
    if outlet.key == "taihu":
        return " ".join(links)
    return "".join(f"<li>{link}</li>" for link in links)


def _channel(page: ArticlePage) -> tuple[str, str]:
    label, path = page.outlet.nav[1] if page.section else page.outlet.nav[-1]
    return label, path


def _summary(page: ArticlePage, limit: int = 80) -> str:
    first = next((p for p in page.paragraphs if not p.startswith("编者按")), page.paragraphs[0])
    return first if len(first) <= limit else first[:limit] + "……"


def render_article(page: ArticlePage, outlet_pages: list[ArticlePage], base_url: str) -> HtmlPage:
    """An article page in its outlet's layout; outlet_pages (oldest first) feed the sidebars and 上一篇/下一篇."""
    outlet = page.outlet
    index = outlet_pages.index(page)
    others = [p for p in reversed(outlet_pages) if p is not page]
    related = [p for p in others if p.section == page.section][:RELATED_ITEMS] or others[:RELATED_ITEMS]
    prev_page = outlet_pages[index - 1] if index > 0 else None
    next_page = outlet_pages[index + 1] if index + 1 < len(outlet_pages) else None
    channel, channel_url = _channel(page)
    published = page.published_at
    fields = {
        "title": escape(page.title),
        "title_json": escape(json.dumps(page.title, ensure_ascii=False)[1:-1]),
        "site": escape(outlet.name),
        "canonical": escape(base_url + page.path),
        "description": escape(_summary(page)),
        "keywords": escape(",".join(filter(None, [page.section or "", outlet.name]))),
        "published_iso": published.isoformat(),
        "pub_local": published.strftime("%Y-%m-%d %H:%M"),
        "date_text": escape(outlet.date_format.format(dt=published)),
        "credit": escape(page.credit),
        "author": escape(page.author),
        "editor": escape(outlet.editor),
        "body": _body_html(page),
        "nav": _nav_html(outlet),
        "channel": escape(channel),
        "channel_url": escape(channel_url),
        "hot": _link_list(outlet, others[:SIDEBAR_ITEMS]),
        "related": _link_list(outlet, related),
        "prev": _link(prev_page) if prev_page else NOTHING_MORE,
        "next": _link(next_page) if next_page else NOTHING_MORE,
        "host": escape(outlet.host),
        "icp": escape(outlet.icp),
    }
    html = _template(f"{outlet.key}_article.html").substitute(fields)
    return HtmlPage(_encode(outlet, html), published)


def _items_html(outlet: Outlet, pages: list[ArticlePage], relative_to: str | None) -> str:
    rows = []
    for page in pages:
        url = page.path
        if relative_to:
            # The portal's CMS writes links relative to the listing page, as many old CMSes do.
            url = _relative(page.path, relative_to)
        rows.append(Template(outlet.item_html).substitute(
            url=escape(url), title=escape(page.title), summary=escape(_summary(page, 60)),
            date=escape(outlet.listing_date.format(dt=page.published_at)),
            iso=page.published_at.isoformat()))
    return "\n".join(rows)


def _relative(path: str, from_page: str) -> str:
    return posixpath.relpath(path, posixpath.dirname(from_page))


def render_index(outlet: Outlet, heading: str, pages: list[ArticlePage], *, pagination: str = "",
                 page_path: str | None = None) -> HtmlPage:
    """An outlet's home, channel or listing page: newest first, in the outlet's layout."""
    relative_to = page_path if outlet.key == "jianghuai" else None
    html = _template(f"{outlet.key}_index.html").substitute(
        heading=escape(heading), site=escape(outlet.name), nav=_nav_html(outlet),
        items=_items_html(outlet, pages, relative_to), pagination=pagination,
        host=escape(outlet.host), icp=escape(outlet.icp))
    newest = max((p.published_at for p in pages), default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    return HtmlPage(_encode(outlet, html), newest)


def render_home(outlet: Outlet, heading: str, outlet_pages: list[ArticlePage]) -> HtmlPage:
    """The outlet's front page (also served for its channel links): its newest articles."""
    newest = list(reversed(outlet_pages))[:HOME_ITEMS]
    return render_index(outlet, heading, newest)


def gov_pagination(number: int, total: int) -> str:
    """The portal's pager: list.html, list_2.html, ... with 首页/上一页/下一页/尾页."""
    def name(n: int) -> str:
        return "list.html" if n == 1 else f"list_{n}.html"
    parts = [f"共{total}页&nbsp;&nbsp;当前第{number}页&nbsp;&nbsp;", f'<a href="{name(1)}">首页</a>']
    parts.append(f'<a href="{name(number - 1)}">上一页</a>' if number > 1 else "<span>上一页</span>")
    parts.append(f'<a href="{name(number + 1)}">下一页</a>' if number < total else "<span>下一页</span>")
    parts.append(f'<a href="{name(total)}">尾页</a>')
    return "&nbsp;".join(parts)


def modern_pagination(base_path: str, number: int, total: int) -> str:
    """The business site's pager: /news/, /news/?page=2, ... with rel=prev/next."""
    def href(n: int) -> str:
        return base_path if n == 1 else f"{base_path}?page={n}"
    parts = ['<nav class="pagination">']
    if number > 1:
        parts.append(f'<a class="prev" rel="prev" href="{href(number - 1)}">上一页</a>')
    for n in range(1, total + 1):
        parts.append(f'<span class="current">{n}</span>' if n == number else f'<a href="{href(n)}">{n}</a>')
    if number < total:
        parts.append(f'<a class="next" rel="next" href="{href(number + 1)}">下一页</a>')
    parts.append("</nav>")
    return " ".join(parts)


def render_site_index(rows: list[tuple[Outlet, str, str]], today: dt.date) -> bytes:
    """The demo's own front page: one row per outlet with the entry point a source would use."""
    html_rows = "\n".join(
        f'<tr><td>{escape(o.name)}</td><td><a href="{escape(o.prefix)}">{escape(o.prefix)}</a></td>'
        f'<td>{escape(kind)}</td><td><a href="{escape(entry)}">{escape(entry)}</a></td></tr>'
        for o, kind, entry in rows)
    return _template("site_index.html").substitute(rows=html_rows, today=today.isoformat()).encode("utf-8")
