"""Tell a page that lists several posts (a blog's front page, an archive) from a page of one article.

Such a page has no one text: its posts' excerpts strung together are not an article, and each post has a page
of its own, which the crawl reaches through the listing's links. So extraction returns no text and says why,
rather than one long text or one candidate per excerpt (a teaser cut at "Read more", under the list's URL).
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.document import body_elements, normalise_space
from crawler.extraction.metadata import PageMetadata
from crawler.extraction.title import site_names

# Class words of one post in a list (WordPress "hentry type-post", Blogger "post", Ghost "post-card").
_POST_CLASS = re.compile(r"(?<![a-z-])(?:hentry|post|type-post|blog-?post|post-?card|post-?item|entry)(?![a-z-])",
                         re.IGNORECASE)
# Fewer posts than this are an article with a box of others, not a list.
MIN_POSTS = 3
# What a listed post shows besides its linked headline: an excerpt of at least this many characters.
MIN_EXCERPT_CHARS = 30


def listed_posts(root: etree._Element, metadata: PageMetadata) -> int:
    """How many posts the page lists, each a linked headline over an excerpt; 0 when it is not such a list."""
    if (metadata.first("og:type") or "").lower() == "article":
        return 0
    cards = [element for element in body_elements(root)
             if element.tag == "article" or _POST_CLASS.search(element.get("class") or "")]
    links = set()
    counted: list[etree._Element] = []
    for card in cards:
        if any(ancestor in counted for ancestor in card.iterancestors()):
            continue  # a post's own inner <div class="entry">
        heading = next(card.iter("h1", "h2", "h3"), None)
        link = heading.find(".//a[@href]") if heading is not None else None
        if link is None:
            continue
        excerpt = len(normalise_space(card.text_content())) - len(normalise_space(heading.text_content()))
        if excerpt >= MIN_EXCERPT_CHARS:
            counted.append(card)
            links.add(link.get("href"))
    if len(links) < MIN_POSTS or _has_own_headline(root, counted, metadata):
        return 0
    return len(links)


def _has_own_headline(root: etree._Element, cards: list[etree._Element], metadata: PageMetadata) -> bool:
    """An <h1> outside the listed posts that is neither a link nor the site's name: an article's headline."""
    names = {normalise_space(name).lower() for name in site_names(root, metadata)}
    for heading in root.iter("h1"):
        if any(ancestor in cards for ancestor in heading.iterancestors()) or heading.find(".//a") is not None:
            continue
        text = normalise_space(heading.text_content()).lower()
        if text and text not in names:
            return True
    return False
