"""Find the article's own headline: og:title or <h1> confirmed by <title>, else <title> without its site name."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import etree

from crawler.cjk import HAN
from crawler.extraction.document import body_elements, normalise_space
from crawler.extraction.hints import class_words
from crawler.extraction.metadata import PageMetadata, json_ld_text
from crawler.formats.canonical import site_of

# What sites put between the headline and their own name in <title>: "标题_新华网", "标题 - 人民网",
# "Title | Site", "Title – Site", "标题--中国政府网", "标题｜澎湃新闻", "…之城！-新华网".
_SITE_SEPARATOR = re.compile(
    rf"\s*(?:_+|\|+|｜|--+|——|\s[-–—·•:]\s|\s::\s|丨|(?<=[{HAN}”」》）！？。…])[-–](?=[{HAN}])"
    r"|-(?=[\w-]+\.(?:com|cn|net|org|gov|edu)\b))\s*",
    re.IGNORECASE,
)
_SPACES_AND_QUOTES = re.compile(r"[\s\"'“”‘’「」『』]+")
_DASHES = str.maketrans("–—−", "---")      # <title> and <h1> often differ only in the dash they print
_NOT_ALNUM = re.compile(r"\W+")
_TRAILING_SEPARATORS = re.compile(r"(?:\s*[-–—_|｜]){2,}\s*$")
# A part of a title that is a host name is the site's ("海姑娘 | blog.wenxuecity.com").
_HOST_NAME = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|cn|gov|edu|info|io|co)(?:\.[a-z]{2})?",
                        re.IGNORECASE)
# Short headings of a template's boxes ("Blog统计", "公告"), never a story's headline.
_FURNITURE_HEADING = re.compile(r"导航|公告|统计|菜单|目录|搜索|友情链接|最新评论|最新文章|文章分类|日历|"
                                r"navigation|menu|search|archives|categories|calendar|recent (posts|comments)",
                                re.IGNORECASE)
# A part left after the site's name that is a channel ("国际", "Opinion", "Auto News"), not a subtitle.
_CHANNEL_MAX = 12
# Class words are read lowered (hints.class_words).
_HEADLINE_CLASS = re.compile(r"title|headline|biaoti|tit\b|art_?tit|news_?tit|h1")
# Where templates put the site's own name: the blog title in the header, the logo.
_SITE_NAME_MARK = re.compile(r"\b(?:site-?title|site-?name|blog-?title|blog-?name|logo|brand|masthead)\b")
# A link to the site's front page: "/", "./", "index.html", "https://example.org/".
_HOME_LINK = re.compile(r"^(?:https?://[^/]+)?/?(?:\./?|index\.\w+)?$", re.IGNORECASE)
# Old templates mark the headline with a class instead of <h1>: <div class="Heading">, <td class="biaoti">.
# One of the class words is one of these (one search over all of them).
_HEADLINE_MARK = re.compile(
    r"(?:^|\s)(?:title|heading|headline|biaoti|bt|art_?title|news_?title|article-?title|detail-?title|tit|"
    r"entry-?title|post-?title|story-?title)(?=\s|$)"
)
_MAX_HEADINGS = 8


def find_title(root: etree._Element, metadata: PageMetadata, url: str | None = None) -> str | None:
    """The headline, without a site-name suffix; never the site's or blog's own name when a headline exists."""
    page_title = normalise_space(root.findtext(".//title") or "")
    own_names = {_compact(name) for name in site_names(root, metadata)}
    declared = [
        text for text in (
            metadata.first("og:title", "twitter:title", "title", "dc.title", "headline"),
            *(json_ld_text(article.get("headline")) for article in metadata.articles()),
        ) if not text or _compact(text) not in own_names
    ]
    headings = [text for text in _heading_texts(root) if _compact(text) not in own_names]
    if headings and _compact(page_title) in own_names:
        page_title = ""  # a <title> that is only the blog's name says nothing about the post
    site = _SiteNames(own_names, _domain_names(url, metadata), root, metadata)

    # The headline readers see, stated again by the page's metadata (an <h1> that is the og:title or the
    # JSON-LD headline), is the article's own, even where <title> carries a variant written for search engines.
    stated = {_compact(_strip_site_name(text, headings, site)) for text in declared if text}
    for heading in headings:
        if _compact(heading) in stated:
            return heading
    # A headline the page states twice (og:title or <h1>, and again in <title>) is the article's own;
    # when several do, the longest (a broken og:title attribute can cut the headline short).
    stripped_title = _strip_site_name(page_title, headings, site) if page_title else None
    confirmed = []
    for candidate in [*declared, *headings]:
        candidate = _clean(candidate)
        if candidate and page_title and _confirmed_by(candidate, page_title):
            candidate = _strip_site_name(candidate, headings, site) if candidate == page_title else candidate
            if stripped_title and _compact(stripped_title).startswith(_compact(candidate)):
                candidate = stripped_title
            confirmed.append(candidate)
    if confirmed:
        return max(confirmed, key=len)
    for candidate in declared:
        candidate = _clean(candidate)
        if candidate:
            return _strip_site_name(candidate, headings, site)
    if stripped_title:
        # A heading that is the <title> reworded a little ("Скайрим (skyrim) …") is what readers see.
        return next((heading for heading in headings if _nearly(heading, stripped_title)), stripped_title)
    return _clean(headings[0]) if headings else None


def _nearly(heading: str, title: str) -> bool:
    """Reworded, not the title with a badge or a site's name added or taken away ("原创" + the title)."""
    a, b = _compact(heading), _compact(title)
    return a not in b and b not in a and SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def site_names(root: etree._Element, metadata: PageMetadata) -> list[str]:
    """Names the page gives itself: og:site_name, the JSON-LD publisher, a heading that links home (a logo)."""
    names = [metadata.first("og:site_name", "application-name")]
    names += [json_ld_text(article.get("publisher")) for article in metadata.articles()]
    for heading in root.iter("h1", "h2", "p", "div", "span"):
        marked = heading.get("class") is not None or heading.get("id") is not None
        if (marked and _SITE_NAME_MARK.search(class_words(heading))) or (heading.tag in ("h1", "h2") and any(
                _HOME_LINK.match((link.get("href") or "").strip())
                for link in heading.xpath("ancestor-or-self::a | .//a"))):
            names.append(normalise_space(heading.text_content()))
    return [name for name in names if name and len(name) <= 80]


def _heading_texts(root: etree._Element) -> list[str]:
    """<h1>s, <h2>s that say they are titles, then elements whose class or id is a headline word."""
    texts = []
    for element in root.iter("h1", "h2"):
        if element.tag == "h2" and not _HEADLINE_CLASS.search(class_words(element)):
            continue
        text = normalise_space(element.text_content())
        if 2 <= len(text) <= 200 and not (len(text) <= 10 and _FURNITURE_HEADING.search(text)):
            texts.append(text)
    if len(texts) >= _MAX_HEADINGS:
        return texts[:_MAX_HEADINGS]
    for element in body_elements(root):
        if element.get("class") is None and element.get("id") is None:
            continue
        if _HEADLINE_MARK.search(class_words(element)):
            text = normalise_space(element.text_content())
            if 4 <= len(text) <= 120:
                texts.append(text)
                if len(texts) == _MAX_HEADINGS:
                    break
    return texts


def _clean(text: str | None) -> str | None:
    text = _TRAILING_SEPARATORS.sub("", normalise_space(text))   # "谁来为无序拆房“埋单”？- -"
    return text or None


def _compact(text: str) -> str:
    return _SPACES_AND_QUOTES.sub("", text).lower().translate(_DASHES)


def _confirmed_by(candidate: str, page_title: str) -> bool:
    """The candidate is <title>, starts it, or is one of its separated parts (short names included)."""
    if len(candidate) >= 4 and _starts_or_holds(candidate, page_title):
        return True
    parts = [_compact(part) for part in _SITE_SEPARATOR.split(page_title) if part.strip()]
    return len(parts) > 1 and _compact(candidate) == parts[0] and len(parts[0]) >= 2


def _starts_or_holds(candidate: str, page_title: str) -> bool:
    a, b = _compact(candidate), _compact(page_title)
    if not a or not b:
        return False
    return b.startswith(a) or (len(a) >= 8 and a in b)


class _SiteNames:
    """What a site calls itself in titles: the names the page gives (og:site_name, the publisher, a logo)
    and its domain ("VG247" on vg247.com, "SpaceNews.com")."""

    def __init__(self, own_names: set[str], domain_names: set[str], root: etree._Element,
                 metadata: PageMetadata) -> None:
        self.own_names, self.domain_names = own_names, domain_names
        self.root, self.metadata = root, metadata

    def named(self, part: str) -> bool:
        return (_compact(part) in self.own_names or _NOT_ALNUM.sub("", part.lower()) in self.domain_names
                or bool(_HOST_NAME.fullmatch(part.strip())))


def _domain_names(url: str | None, metadata: PageMetadata) -> set[str]:
    """The page's site as titles write it: "vg247", "vg247com", "thevg247" for vg247.com."""
    names = set()
    for address in (url, metadata.canonical, metadata.first("og:url")):
        site = site_of(address) if address and address.startswith(("http://", "https://")) else ""
        label = site.split(".")[0]
        if len(label) >= 3 and not label.isdigit():
            names |= {label, _NOT_ALNUM.sub("", site), f"the{label}"}
    return names


def _part_spans(title: str) -> list[tuple[int, int]]:
    """Where the parts of a title lie between its separators."""
    spans, start = [], 0
    for separator in [*_SITE_SEPARATOR.finditer(title), None]:
        end = separator.start() if separator else len(title)
        if title[start:end].strip():
            spans.append((start, end))
        start = separator.end() if separator else end
    return spans


def _strip_site_name(title: str, headings: list[str], site: _SiteNames) -> str:
    """Drop trailing (or leading) site and channel names split off by separators."""
    spans = _part_spans(title)
    if len(spans) < 2:
        return _without_site_name(title, site.root, site.metadata)
    parts = [title[start:end].strip() for start, end in spans]
    # The page's heading prints the same parts ("X – the subtitle" in <title> and in <h1>): it is the
    # headline, separator and all.
    holding = _heading_holding_parts([_compact(part) for part in parts], headings)
    if holding is not None:
        return holding
    compact_headings = {_compact(heading) for heading in headings}
    for part in parts:
        if _compact(part) in compact_headings:
            return part  # the page's own heading says which part is the headline
    # The site names itself: drop that, and a channel's short name beside it; a longer part is a subtitle.
    first, last = 0, len(parts)
    while last - first > 1 and site.named(parts[last - 1]):
        last -= 1
    while last - first > 1 and site.named(parts[first]):
        first += 1
    if (first, last) != (0, len(parts)):
        while last - first > 1 and len(parts[last - 1]) <= _CHANNEL_MAX and len(parts[last - 1].split()) <= 2:
            last -= 1
        return title[spans[first][0]:spans[last - 1][1]].strip()
    # "标题_频道_网站", "Title - Section - Site": the headline comes first; "Site | Headline" puts a much
    # shorter part first.
    longest = max(parts, key=len)
    if len(longest) < 4:
        return title
    return parts[0] if len(parts[0]) * 2 >= len(longest) else longest


def _heading_holding_parts(parts: list[str], headings: list[str]) -> str | None:
    """The heading that holds two or more consecutive parts of a title, in order, as most of its text."""
    for heading in headings:
        compact_heading = _compact(heading)
        for first in range(len(parts) - 1):
            position, last = 0, first
            while last < len(parts) and parts[last] and (found := compact_heading.find(parts[last], position)) >= 0:
                position, last = found + len(parts[last]), last + 1
            if last - first >= 2 and sum(len(part) for part in parts[first:last]) >= 0.7 * len(compact_heading):
                return heading
    return None


def _without_site_name(page_title: str, root: etree._Element, metadata: PageMetadata) -> str:
    """<title> without a trailing site name the page gives elsewhere (og:site_name, a logo <h1>).

    This catches suffixes set off by a plain space ("标题 松花江网"), which no separator rule can."""
    names = [metadata.first("og:site_name", "application-name")]
    names += [normalise_space(h.text_content()) for h in root.iter("h1")]
    for name in names:
        if not name or len(name) < 2 or not page_title.endswith(name):
            continue
        rest = page_title[: -len(name)].rstrip(" -–—_|｜·:：")
        if len(rest) >= max(4, len(name)):
            return rest
    return page_title
