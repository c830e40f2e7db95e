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

from crawler.extraction.document import body_elements
from crawler.extraction.hints import NOT_ARTICLE_WORDS, class_words, is_body_mark

# Class and id words (lowered: hints.class_words) of reader comments: WordPress (comments, comment-list,
# comment-respond, respond), Disqus, generic shapes. Words are matched whole between -, _ and spaces, so
# "commentary" (an opinion column) is not.
_COMMENTS = re.compile(
    r"(?<![a-z])(?:comments?|comment-?(?:list|section|area|thread|wrap(?:per)?|form|block|container|box|body)|"
    r"commentlist|comments-?(?:area|section|list|wrap(?:per)?|container|block|thread)|disqus(?:_thread)?|"
    r"respond|replies|reply-?list|user-?comments|reader-?comments)(?![a-z])"
)
_COMMENT_TYPES = re.compile(r"schema\.org/(?:Comment|UserComments)\b", re.IGNORECASE)
# Galleries, video players, infoboxes and teaser lists ("player-name", "unrelated" are not). Posts embedded from
# social networks stay: the story quotes them.
_NOT_ARTICLE_TEXT = re.compile(
    rf"(?<![a-z])(?:{NOT_ARTICLE_WORDS}|"
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
# Not text, for the prose count (libxml2 keeps <script> and <style> text raw; a <template> may hold elements).
_NOT_TEXT_TAGS = ("script", "style", "template")
_TEXT_OUTSIDE_NOSCRIPT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template or ancestor::noscript)]")


def prune_page(root: etree._Element) -> None:
    """Remove comments, embeds, galleries, players, teaser lists and ruby readings; unwrap a <noscript> body."""
    _unwrap_noscript_body(root)
    marked = [(element, class_words(element)) for element in body_elements(root) if element.get("class") is not None
              or element.get("id") is not None or element.get("itemtype") is not None]
    candidates = []
    for element, words in marked:
        itemtype = element.get("itemtype")
        comments = bool(_COMMENTS.search(words) or (itemtype and _COMMENT_TYPES.search(itemtype)))
        if comments or _NOT_ARTICLE_TEXT.search(words):
            candidates.append((element, comments))
    if candidates:
        _remove_boxes(root, marked, candidates)
    for element in list(root.iter("rt", "rp")):
        element.drop_tree()  # the reading printed above a kanji, not text; drop_tree keeps the tail


def _remove_boxes(root: etree._Element, marked: list[tuple[etree._Element, str]],
                  candidates: list[tuple[etree._Element, bool]]) -> None:
    """Remove the comment threads, and the other boxes that have less prose than the page outside them."""
    headline = [element for element in root.iter(etree.Element)
                if element.tag == "h1" or element.get("itemprop") in ("articleBody", "headline")]
    # Comment markup reuses body words ("post-content", "entry-content"): only the headline protects from it.
    holds_headline = _ancestors_or_self(headline)
    holds_kept, prose = set(), {}
    if not all(comments for _, comments in candidates):
        holds_kept = _ancestors_or_self([*headline, *(element for element, words in marked
                                                      if is_body_mark(element, words))])
        prose = _prose_by_element(root)  # as the page stands before anything is removed
    page_prose = prose.get(root, 0)
    for element, comments in candidates:
        if element.getroottree().getroot() is not root:
            continue  # removed already, with a box around it
        # Nothing inside an element is removed before the element itself is looked at (document order), so
        # what it holds (the headline, a marked body, prose) is what it held when the page was read.
        if element in (holds_headline if comments else holds_kept):
            continue  # it holds the article
        if not _chars(element):
            continue  # an empty placeholder (a thread a script fills in): nothing to take out
        inside = 0 if comments else prose.get(element, 0)
        if comments or page_prose - inside >= max(MIN_PROSE_ELSEWHERE, 2 * inside):
            element.drop_tree()


def _ancestors_or_self(elements: list[etree._Element]) -> set[etree._Element]:
    found: set[etree._Element] = set()
    for element in elements:
        while element is not None and element not in found:
            found.add(element)
            element = element.getparent()
    return found


def _prose_by_element(root: etree._Element) -> dict[etree._Element, int]:
    """For each element that holds any: the characters in its pieces of text long enough and punctuated
    enough to be sentences (outside scripts and styles). One pass over the page's text."""
    not_text = {inner for element in root.iter(*_NOT_TEXT_TAGS) for inner in element.iter()}
    prose: dict[etree._Element, int] = {}
    for element in root.iter(etree.Element):
        parent = element.getparent()
        for piece, holder in ((element.text, element), (element.tail, parent)):
            if not piece or len(piece) < PROSE_PIECE_CHARS or holder in not_text:
                continue  # spaces collapsed can only make a piece shorter
            chars = len(" ".join(piece.split()))
            if chars < PROSE_PIECE_CHARS or not _SENTENCE.search(piece):
                continue
            while holder is not None:
                prose[holder] = prose.get(holder, 0) + chars
                holder = holder.getparent()
    return prose


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
