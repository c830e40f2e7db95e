"""Find the article links of a listing page: not navigation, pagination, sidebars or footer links.

Without a selector from the operator, links are scored by where they sit and what they look like:
article links carry a headline (a long anchor text), live in the page's main list, and share a URL
shape with their neighbours. The container whose links look most like headlines wins, and links of
the same URL shape elsewhere in the main column join it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from crawler.cjk import HAN_CHARACTER, count
from crawler.formats.canonical import WEB_SCHEMES, site_of

# Ancestors whose links are never articles of this listing.
CHROME_WORDS = re.compile(
    r"nav|menu|header|footer|foot|sidebar|side|aside|right|breadcrumb|crumb|copyright|friend|"
    r"share|toolbar|topbar|banner|login|search|hot|rank|recommend|related|tags?\b|pagination|pager|page-?nav",
    re.I,
)
CHROME_TAGS = {"nav", "header", "footer", "aside"}
PAGINATION_TEXT = re.compile(
    r"^(下一页|上一页|首页|尾页|末页|前一页|后一页|下页|上页|next|prev(ious)?|first|last|more|更多|»|«|>|<|\d{1,3})$",
    re.I,
)
NEXT_PAGE_TEXT = re.compile(r"^(下一页|下页|后一页|next( page)?|›|»|>)$", re.I)
NON_ARTICLE_PATH = re.compile(r"/(tag|tags|category|author|login|register|search|about|contact)(/|$)", re.I)


@dataclass
class Link:
    url: str
    text: str
    container: str      # path of the nearest list-like ancestor
    in_chrome: bool
    shape: str          # URL path with digits folded, for "same kind of link"


def headline_like(text: str) -> bool:
    """Long enough to be a headline: 6+ Chinese characters, or 4+ words elsewhere."""
    if count(HAN_CHARACTER, text) >= 6:
        return True
    return len(text.split()) >= 4 and len(text) >= 20


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"\d+", "0", parts.path)
    return f"{parts.hostname}{path.rsplit('/', 1)[0]}/*{path.rsplit('.', 1)[-1] if '.' in path else ''}"


def _in_chrome(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in CHROME_TAGS:
            return True
        marker = f"{ancestor.get('id', '')} {ancestor.get('class', '')} {ancestor.get('role', '')}"
        if marker.strip() and CHROME_WORDS.search(marker):
            return True
    return False


def _container(element) -> str:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("ul", "ol", "table", "tbody", "dl", "section", "article", "main") or (
            ancestor.tag == "div" and len(ancestor) >= 3
        ):
            return ancestor.getroottree().getpath(ancestor)
    return "/"


def _links(document, base_url: str) -> list[Link]:
    site = site_of(base_url)
    links = []
    for anchor in document.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in WEB_SCHEMES or site_of(url) != site:
            continue
        text = " ".join((anchor.get("title") or anchor.text_content() or "").split())
        links.append(Link(url=url, text=text, container=_container(anchor),
                          in_chrome=_in_chrome(anchor), shape=_shape(url)))
    return links


def find_article_links(page_html: str, base_url: str) -> list[str]:
    """The article URLs of a listing page, in page order, without duplicates."""
    document = lxml_html.fromstring(page_html or "<html></html>")
    page = base_url.split("#", 1)[0]
    candidates = [
        link for link in _links(document, base_url)
        if link.url != page and headline_like(link.text) and not PAGINATION_TEXT.match(link.text)
        and not NON_ARTICLE_PATH.search(urlsplit(link.url).path)
    ]
    main = [link for link in candidates if not link.in_chrome] or candidates
    if not main:
        return []
    by_container: dict[str, list[Link]] = defaultdict(list)
    for link in main:
        by_container[link.container].append(link)
    best = max(by_container.values(), key=lambda group: (len(group), sum(len(l.text) for l in group)))
    shapes = {link.shape for link in best}
    chosen = [link for link in main if link.container == best[0].container or link.shape in shapes]
    return list(dict.fromkeys(link.url for link in chosen))


def links_by_selector(page_html: str, base_url: str, selector: str) -> list[str]:
    """The operator's CSS selector: matched <a> elements, or the links inside matched elements."""
    document = lxml_html.fromstring(page_html or "<html></html>")
    urls = []
    for element in document.cssselect(selector):
        anchors = [element] if element.tag == "a" else element.iter("a")
        for anchor in anchors:
            href = (anchor.get("href") or "").strip()
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                urls.append(urljoin(base_url, href).split("#", 1)[0])
    return list(dict.fromkeys(urls))


def next_page_url(page_html: str, base_url: str) -> str | None:
    """The listing's next page: rel=next, a '下一页'/'Next' link, or a link classed next."""
    document = lxml_html.fromstring(page_html or "<html></html>")
    for link in document.xpath("//link[@rel='next'] | //a[@rel='next']"):
        if link.get("href"):
            return urljoin(base_url, link.get("href"))
    for anchor in document.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        text = " ".join(anchor.text_content().split())
        marker = f"{anchor.get('class', '')} {anchor.get('id', '')}".lower()
        if NEXT_PAGE_TEXT.match(text) or re.search(r"\bnext\b", marker):
            url = urljoin(base_url, href)
            if url.split("#", 1)[0] != base_url.split("#", 1)[0]:
                return url
    return None
