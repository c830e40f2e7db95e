"""What a page's own markup says about a part of it: class and id words for furniture or for the body."""

from __future__ import annotations

import re

from lxml import etree

# Class and id words that mark page furniture (comments, footers, sidebars, share bars, related links...),
# including the pinyin names Chinese templates use (pinglun 评论, tuijian 推荐, xiangguan 相关, fenxiang 分享).
_FURNITURE = re.compile(
    r"comment|disqus|repl(?:y|ies)|respond|discuss|pinglun|footer|\bfoot\b|copyright|banquan|sidebar|side-?bar|"
    r"\brail\b|-rail\b|related|recommend|tuijian|xiangguan|xgxw|xgyd|more-?stories|read-?more|trending|popular|"
    r"most-?read|share|sharing|bdshare|jiathis|fenxiang|social|\bnav|navbar|menu|breadcrumb|crumbs|pagination|"
    r"pager|sponsor|advert|\bads?\b|\bad-|-ad\b|guanggao|banner|promo|newsletter|subscribe|signup|cookie|"
    r"consent|gdpr|modal|popup|widget|toolbar|\blogin|register|\btags?\b|keyword",
    re.IGNORECASE,
)
# Markers publishers and CMSs put on the body itself (TRS and UCAP run many government portals).
_BODY_MARK = re.compile(
    r"article-?body|article-?content|article-?text|articlecont|post-?body|post-?content|entry-?content|"
    r"story-?body|story-?content|body-?text|artibody|trs_editor|custom_unionstyle|ucap-content|pages_content|"
    r"news-?content|news-?text|newstext|content-?text|text-?content|main-?text|\bzw\b|\bzoom\b|con_?txt|"
    r"txt_?con|detail-?content|article_con",
    re.IGNORECASE,
)
_FURNITURE_TAGS = frozenset({"footer", "nav", "aside"})
FURNITURE_FACTOR = 0.2
BODY_MARK_FACTOR = 2.0


def is_body_mark(element: etree._Element) -> bool:
    """The element says it is the article body (itemprop=articleBody, article-body and CMS body classes)."""
    return element.get("itemprop") == "articleBody" or bool(
        _BODY_MARK.search(f"{element.get('class', '')} {element.get('id', '')}"))


def element_hint(element: etree._Element) -> float:
    """How an element's own markup scales the prose inside it: <1 for furniture, >1 for a marked body."""
    tag = element.tag
    if tag in ("body", "html"):
        return 1.0  # templates put layout words like "has-sidebar" on <body>
    if is_body_mark(element):
        return BODY_MARK_FACTOR
    words = f"{element.get('class', '')} {element.get('id', '')}"
    if tag in _FURNITURE_TAGS or (words.strip() and _FURNITURE.search(words)):
        return FURNITURE_FACTOR
    return 1.0


class MarkupHints:
    """The hint of an element's nearest marked ancestor (itself included), cached per element."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, float] = {}

    def factor(self, element: etree._Element | None) -> float:
        path = []
        factor = 1.0
        while element is not None:
            if element in self._cache:
                factor = self._cache[element]
                break
            path.append(element)
            own = element_hint(element)
            if own != 1.0:
                factor = own
                break
            element = element.getparent()
        for visited in path:
            self._cache[visited] = factor
        return factor


# Parts of a page that hold other items and their dates: reader comments, embedded social posts, teasers,
# sliders and lists of other stories, encyclopedia infoboxes (a person's birth date).
_OTHER_ITEMS = re.compile(
    r"comment(?!ary)|disqus|repl(?:y|ies)|respond|related|recommend|teaser|slider|carousel|swiper|"
    r"twitter-tweet|instagram-media|tiktok-embed|fb-post|social-embed|embedded-post|infobox|vcard|biography|"
    r"trending|popular|most-?read|more-?stories|read-?next|sidebar|widget",
    re.IGNORECASE,
)
_OTHER_ITEM_TYPES = re.compile(r"schema\.org/(?:Comment|Answer|Review|SocialMediaPosting|Person)\b", re.IGNORECASE)


def in_other_item(element: etree._Element | None) -> bool:
    """The element sits in a comment, an embedded post, a teaser list or an infobox, not in the article."""
    while element is not None and isinstance(element.tag, str) and element.tag not in ("body", "html"):
        if element.tag == "nav":
            return True  # not <aside>: mobile templates put the headline and its date line in one
        words = f"{element.get('class', '')} {element.get('id', '')}"
        if (words.strip() and _OTHER_ITEMS.search(words)) or _OTHER_ITEM_TYPES.search(element.get("itemtype") or ""):
            return True
        element = element.getparent()
    return False
