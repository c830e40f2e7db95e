"""Take out of a parsed page what is never the article: comments, embeds, galleries, players, teasers, ruby readings.

Removed before the body, title and date are looked for, so that no extractor (ours or trafilatura) can take
their text or their dates. Only parts the page's own markup names are removed (class and id words, schema.org
types, <rt>/<rp>); a part that holds the headline or the marked article body is kept whatever it is called
(a wrapper named "has-comments" or "post-with-gallery" holds the article). A body that a page ships only
inside <noscript> is unwrapped, so that it is read like any other.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.hints import OTHER_ITEM_WORDS, class_words, is_body_mark

# Class and id words (lowered: hints.class_words) of reader comments: WordPress (comments, comment-list,
# comment-respond, respond), Disqus, generic shapes. Words are matched whole between -, _ and spaces, so
# "commentary" (an opinion column) is not.
_COMMENTS = re.compile(
    r"(?<![a-z])(?:comments?|comment-?(?:list|section|area|thread|wrap(?:per)?|form|block|container|box|body)|"
    r"commentlist|comments-?(?:area|section|list|wrap(?:per)?|container|block|thread)|disqus(?:_thread)?|"
    r"respond|replies|reply-?list|user-?comments|reader-?comments)(?![a-z])"
)
_COMMENT_TYPES = re.compile(r"schema\.org/(?:Comment|UserComments)\b", re.IGNORECASE)
# Embedded social posts, galleries, video players, infoboxes and teaser lists ("player-name", "unrelated" are not).
_NOT_ARTICLE_TEXT = re.compile(
    rf"(?<![a-z])(?:{OTHER_ITEM_WORDS}|"
    r"gallery|photo-?gallery|slideshow|lightbox|video-?player|media-?player|jwplayer|video-js|vjs-[a-z-]+|"
    r"recommended|recommendations?|related(?:-?(?:posts|articles|stories|news|content|links))?|"
    r"you-?may-?like|outbrain|taboola|teasers?|teaser-?list)(?![a-z])"
)
# A gallery or teaser box is removed only when the page has more prose outside it (twice as much, and at least
# this many characters): otherwise it is the page (a photo story whose captions are its text).
MIN_PROSE_ELSEWHERE = 80
_SENTENCE = re.compile(r"[。！？；，.!?;,]")
PROSE_PIECE_CHARS = 30
# A <noscript> body is read when it holds at least this much text and more than the rest of the page.
NOSCRIPT_MIN_CHARS = 200
_MARKED = etree.XPath("//body//*[@class or @id or @itemtype]")
_VISIBLE_TEXT = etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]")
_TEXT_OUTSIDE_NOSCRIPT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template or ancestor::noscript)]")


def prune_page(root: etree._Element) -> None:
    """Remove comments, embeds, galleries, players, teaser lists and ruby readings; unwrap a <noscript> body."""
    _unwrap_noscript_body(root)
    headline = root.xpath("//h1 | //*[@itemprop='articleBody' or @itemprop='headline']")
    marked = _MARKED(root)
    # Comment markup reuses body words ("post-content", "entry-content"): only the headline protects from it.
    holds_headline = _ancestors_or_self(headline)
    holds_kept = _ancestors_or_self([*headline, *(element for element in marked if is_body_mark(element))])
    candidates = []
    for element in marked:
        words = class_words(element)
        comments = bool(_COMMENTS.search(words) or _COMMENT_TYPES.search(element.get("itemtype") or ""))
        if comments or _NOT_ARTICLE_TEXT.search(words):
            candidates.append((element, comments))
    # The prose of the whole page as it stands before anything is removed (measured once, when needed).
    page_prose = _prose_chars(root) if any(not comments for _, comments in candidates) else 0
    for element, comments in candidates:
        if element.getroottree().getroot() is not root:
            continue  # removed already, with a box around it
        # Nothing inside an element is removed before the element itself is looked at (document order), so
        # whether it holds the headline or a marked body is what it was when the page was read.
        if element in (holds_headline if comments else holds_kept):
            continue  # it holds the article
        if not _chars(element):
            continue  # an empty placeholder (a thread a script fills in): nothing to take out
        inside = 0 if comments else _prose_chars(element)
        if comments or page_prose - inside >= max(MIN_PROSE_ELSEWHERE, 2 * inside):
            element.drop_tree()
    for element in list(root.iter("rt", "rp")):
        element.drop_tree()  # the reading printed above a kanji, not text; drop_tree keeps the tail


def _ancestors_or_self(elements: list[etree._Element]) -> set[etree._Element]:
    found: set[etree._Element] = set()
    for element in elements:
        while element is not None and element not in found:
            found.add(element)
            element = element.getparent()
    return found


def _prose_chars(element: etree._Element) -> int:
    """Characters in pieces of text long enough and punctuated enough to be sentences."""
    total = 0
    for piece in _VISIBLE_TEXT(element):
        if len(piece) >= PROSE_PIECE_CHARS:  # spaces collapsed can only make it shorter
            piece = " ".join(piece.split())
            if len(piece) >= PROSE_PIECE_CHARS and _SENTENCE.search(piece):
                total += len(piece)
    return total


def _chars(element: etree._Element) -> int:
    return len("".join("".join(element.itertext()).split()))


def _unwrap_noscript_body(root: etree._Element) -> None:
    body = root.find("body")
    if body is None:
        return
    large = [(noscript, chars) for noscript in body.iter("noscript")
             if (chars := _chars(noscript)) >= NOSCRIPT_MIN_CHARS]
    if not large:
        return  # most pages' <noscript> holds a tracking pixel or a line: the text outside is not needed
    outside = sum(len("".join(piece.split())) for piece in _TEXT_OUTSIDE_NOSCRIPT(body))
    for noscript, chars in large:
        if chars > outside:
            noscript.tag = "div"  # the page's only copy of the article, for readers without JavaScript
