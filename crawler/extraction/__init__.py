"""Article extraction: title, body, publication date, author, outlet, canonical URL and language of a page."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from crawler.cjk import is_cjk
from crawler.extraction.blocks import Block, text_blocks
from crawler.extraction.body import Body, extract_body
from crawler.extraction.bylines import find_author, find_outlet
from crawler.extraction.dates import find_published_at
from crawler.extraction.document import normalise_space, parse_html
from crawler.extraction.hints import MarkupHints
from crawler.extraction.language import detect_language
from crawler.extraction.listing import listed_posts
from crawler.extraction.metadata import canonical_url, read_metadata
from crawler.extraction.pruning import prune_page
from crawler.extraction.title import find_title
from crawler.formats.charset import decode_html
from db import clock

logger = logging.getLogger(__name__)

__all__ = ["Article", "extract", "extract_bytes"]

# Lines around the headline where bylines and 来源 lines are looked for.
_HEADER_LINES = 12


@dataclass
class Article:
    """What extraction found in one page."""

    title: str | None
    text: str                 # body only, paragraphs separated by "\n"
    published_at: str | None  # ISO 8601 WITH offset, e.g. "2023-07-26T09:30:00+08:00"; None when unknown
    author: str | None
    outlet: str | None        # publisher the page names (og:site_name, 来源：XXX line, JSON-LD publisher...)
    canonical_url: str | None # <link rel=canonical> / og:url, made absolute against url
    language: str | None      # e.g. "zh", "en" when determinable
    charset: str | None = None  # the codec the page's bytes were read with; None when given decoded text
    note: str | None = None     # why there is no text when the page says why (a list of posts, not one article)

    def to_dict(self) -> dict:
        return asdict(self)


def extract(html: str, url: str | None = None, *, default_tz: str = clock.DEFAULT_ZONE) -> Article:
    """Extract the article from decoded HTML. Pure: the result depends only on (html, url, default_tz).
    default_tz: where a date that names no offset is read (the newsletter's time zone)."""
    root = parse_html(html)
    if root is None:
        return Article(None, "", None, None, None, None, None)
    metadata = read_metadata(root)
    prune_page(root)  # trafilatura reads the page without them too (body.py hands it the pruned tree)
    title = find_title(root, metadata, url)
    posts = listed_posts(root, metadata)
    if posts:
        # A list's name is its <title> (the blog's or the section's), not one of its posts' headlines.
        list_name = normalise_space(root.findtext(".//title") or "") or title
        return Article(list_name, "", None, None, metadata.first("og:site_name"), canonical_url(metadata, url),
                       detect_language(metadata, title or ""),
                       note=f"a list of {posts} posts (a front page or an archive), not one article")
    blocks = text_blocks(root)
    hints = MarkupHints()  # the tree no longer changes: what its markup says is read once per element
    body = extract_body(root, blocks, title, url, hints)
    span = (body.first_block, body.last_block) if body.first_block is not None else None
    published_at = find_published_at(root, metadata, blocks, hints, title, span, url, default_tz,
                                     western_dates=bool(body.text) and not is_cjk(body.text))
    header_lines = _header_lines(blocks, body.first_block)
    return Article(
        title=title,
        text=body.text,
        published_at=published_at,
        author=find_author(metadata, header_lines + _byline_lines(blocks, body)),
        outlet=find_outlet(metadata, header_lines),
        canonical_url=canonical_url(metadata, url),
        language=detect_language(metadata, body.text or title or ""),
    )


def extract_bytes(body: bytes, url: str | None = None, content_type: str | None = None,
                  encoding: str | None = None, *, default_tz: str = clock.DEFAULT_ZONE) -> Article:
    """Decode fetched bytes (crawler.formats.charset.decode_html) and extract the article."""
    text, used = decode_html(body, content_type=content_type, override=encoding)
    logger.debug("decoded %s as %s", url or "page", used)
    article = extract(text, url, default_tz=default_tz)
    article.charset = used
    return article


def _byline_lines(blocks: list[Block], body: Body) -> list[str]:
    """The body's first lines and the lines around its end, where reporters are credited."""
    if body.first_block is None or body.last_block is None:
        return []
    around_end = blocks[max(body.first_block, body.last_block - 2):body.last_block + 4]
    return [block.text for block in [*blocks[body.first_block:body.first_block + 2], *around_end]
            if len(block.text) <= 300]


def _header_lines(blocks: list[Block], first_body_block: int | None) -> list[str]:
    if first_body_block is None:
        return []
    start = max(0, first_body_block - _HEADER_LINES)
    return [block.text for block in blocks[start:first_body_block + 1] if len(block.text) <= 120]
