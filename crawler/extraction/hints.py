"""What a page's own markup says about a part of it: class and id words for furniture or for the body."""

from __future__ import annotations

import re

from lxml import etree

# The class-word patterns below are written in lower case and read class_words(), which is lowered: matching
# lowered text is 3-5 times faster than re.IGNORECASE, and class words are read for every element of a page.

# Boxes that hold other stories, other people's posts or readers' replies (reader comments, embedded social
# posts, teasers, sliders, infoboxes). One list for the pruning of the page (crawler.extraction.pruning,
# which matches whole words) and for telling a date of another item from the article's (in_other_item).
# Posts embedded from social networks: quoted in the story (their text is the article's, as readers and the
# English benchmark's labels take it), but their dates are theirs.
SOCIAL_EMBED_WORDS = r"twitter-tweet|instagram-media|tiktok-embed|fb-post|social-embed|embedded-post"
# Boxes that are not the article at all: infoboxes, teasers and sliders of other stories.
NOT_ARTICLE_WORDS = r"infobox|read-?next|more-?stories|teaser|slider|carousel|swiper"
OTHER_ITEM_WORDS = f"{SOCIAL_EMBED_WORDS}|{NOT_ARTICLE_WORDS}"
# Boxes of links to other pages: comments, related and popular lists, sidebars (furniture and other items).
_LINK_BOX_WORDS = r"disqus|repl(?:y|ies)|respond|related|recommend|trending|popular|most-?read|sidebar|widget"
# Class and id words that mark page furniture (comments, footers, sidebars, share bars, related links...),
# including the pinyin names Chinese templates use (pinglun 评论, tuijian 推荐, xiangguan 相关, fenxiang 分享).
_FURNITURE = re.compile(
    r"comment|discuss|pinglun|footer|\bfoot\b|copyright|banquan|side-?bar|"
    r"\brail\b|-rail\b|tuijian|xiangguan|xgxw|xgyd|more-?stories|read-?more|"
    r"share|sharing|bdshare|jiathis|fenxiang|social|\bnav|navbar|menu|breadcrumb|crumbs|pagination|"
    r"pager|sponsor|advert|\bads?\b|\bad-|-ad\b|guanggao|banner|promo|newsletter|subscribe|signup|cookie|"
    rf"consent|gdpr|modal|popup|toolbar|\blogin|register|\btags?\b|keyword|{_LINK_BOX_WORDS}"
)
# Markers publishers and CMSs put on the body itself (TRS and UCAP run many government portals).
_BODY_MARK = re.compile(
    r"article-?body|article-?content|article-?text|articlecont|post-?body|post-?content|entry-?content|"
    r"story-?body|story-?content|body-?text|artibody|trs_editor|custom_unionstyle|ucap-content|pages_content|"
    r"news-?content|news-?text|newstext|content-?text|text-?content|main-?text|\bzw\b|\bzoom\b|con_?txt|"
    r"txt_?con|detail-?content|article_con"
)
_FURNITURE_TAGS = frozenset({"footer", "nav", "aside"})
FURNITURE_FACTOR = 0.2
BODY_MARK_FACTOR = 2.0
# Parts of a page that hold other items and their dates: reader comments, embedded social posts, teasers,
# sliders and lists of other stories, encyclopedia infoboxes (a person's birth date).
_OTHER_ITEMS = re.compile(rf"comment(?!ary)|vcard|biography|{_LINK_BOX_WORDS}|{OTHER_ITEM_WORDS}")
_OTHER_ITEM_TYPES = re.compile(r"schema\.org/(?:Comment|Answer|Review|SocialMediaPosting|Person)\b", re.IGNORECASE)


def class_words(element: etree._Element) -> str:
    """The element's class and id attributes, lowered, as the class-word patterns read them."""
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


def is_body_mark(element: etree._Element, words: str | None = None) -> bool:
    """The element says it is the article body (itemprop=articleBody, article-body and CMS body classes).
    words: its class_words when the caller has them."""
    return element.get("itemprop") == "articleBody" or bool(_BODY_MARK.search(words or class_words(element)))


def element_hint(element: etree._Element) -> float:
    """How an element's own markup scales the prose inside it: <1 for furniture, >1 for a marked body."""
    tag = element.tag
    if tag in ("body", "html"):
        return 1.0  # templates put layout words like "has-sidebar" on <body>
    words = class_words(element)
    if is_body_mark(element, words):
        return BODY_MARK_FACTOR
    if tag in _FURNITURE_TAGS or (words.strip() and _FURNITURE.search(words)):
        return FURNITURE_FACTOR
    return 1.0


def is_other_item(element: etree._Element) -> bool:
    """The element itself is a comment, an embedded post, a teaser list or an infobox (or a <nav>)."""
    if element.tag == "nav":
        return True  # not <aside>: mobile templates put the headline and its date line in one
    words = class_words(element)
    return bool((words.strip() and _OTHER_ITEMS.search(words)) or _OTHER_ITEM_TYPES.search(element.get("itemtype") or ""))


class MarkupHints:
    """What the markup of one parsed page says about its elements, each element judged once: the hint of its
    nearest marked ancestor, and whether it sits in another item. For a tree that no longer changes."""

    def __init__(self) -> None:
        self._factors: dict[etree._Element, float] = {}
        self._other_item: dict[etree._Element, bool] = {}

    def factor(self, element: etree._Element | None) -> float:
        """The hint of the element's nearest marked ancestor (itself included)."""
        return _nearest(element, self._factors, _marked_hint, 1.0, lambda _: True)

    def in_other_item(self, element: etree._Element | None) -> bool:
        """The element sits in a comment, an embedded post, a teaser list or an infobox, not in the article."""
        return _nearest(element, self._other_item, lambda e: True if is_other_item(e) else None, False,
                        lambda e: isinstance(e.tag, str) and e.tag not in ("body", "html"))


def _marked_hint(element: etree._Element) -> float | None:
    hint = element_hint(element)
    return hint if hint != 1.0 else None


def _nearest(element, cache: dict, judge, default, within):
    """What judge says of the element's nearest ancestor (itself included) it says anything of (not None), while
    within holds, else default; each element walked past remembers the answer in cache, so a page's elements are
    each judged once."""
    path = []
    value = default
    while element is not None and within(element):
        if element in cache:
            value = cache[element]
            break
        path.append(element)
        own = judge(element)
        if own is not None:
            value = own
            break
        element = element.getparent()
    for visited in path:
        cache[visited] = value
    return value
