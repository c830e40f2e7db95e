"""Split a page into text blocks: runs of inline text between block-level tags and <br> line breaks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.extraction.document import normalise_space

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form frame frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split()
)
# Never page text: code, styling, widgets and embedded documents.
SKIPPED_TAGS = frozenset(
    "script style noscript template iframe object embed svg canvas textarea input head title meta link map "
    "area audio video source track applet param datalist".split()
)
# Form widgets hold labels, not text; but an unclosed <button/> swallows the rest of the page when parsed, so
# one that holds a lot of text is walked like any other element.
WIDGET_TAGS = frozenset({"button", "select", "option", "optgroup"})
WIDGET_MAX_CHARS = 200
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[，。！？；：、,.!?;:…]")


@dataclass
class Block:
    """One run of text and how much of it sits inside links."""

    text: str
    link_chars: int
    container: etree._Element
    index: int
    ends_paragraph: bool = True
    chars: int = field(init=False)
    punctuation: int = field(init=False)

    def __post_init__(self) -> None:
        self.chars = len(self.text.replace(" ", ""))
        self.punctuation = len(_PUNCTUATION.findall(self.text))

    @property
    def text_chars(self) -> int:
        """Characters outside links."""
        return max(0, self.chars - self.link_chars)

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def is_hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def text_blocks(root: etree._Element) -> list[Block]:
    """Every visible text block of the page in document order."""
    collector = _Collector()
    collector.walk(root, root, in_link=False)
    collector.flush(root, ends_paragraph=True)
    return collector.blocks


class _Collector:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[tuple[str, bool]] = []

    def flush(self, container: etree._Element, ends_paragraph: bool) -> None:
        pieces = self.pieces
        if not pieces:
            return
        joined = pieces[0][0] if len(pieces) == 1 else "".join([piece for piece, _ in pieces])
        if joined.isspace():
            pieces.clear()  # the white space between tags: most runs of a page (and no block)
            return
        text = normalise_space(joined)
        link_chars = sum([len(piece.replace(" ", "").strip()) for piece, in_link in pieces if in_link])
        pieces.clear()
        if text:
            block = Block(text, 0, container, len(self.blocks), ends_paragraph)
            block.link_chars = min(block.chars, link_chars)
            self.blocks.append(block)

    def walk(self, element: etree._Element, container: etree._Element, in_link: bool) -> None:
        is_block = element.tag in BLOCK_TAGS
        if is_block:
            self.flush(container, ends_paragraph=True)
            container = element
        pieces = self.pieces  # emptied, never replaced, by flush
        if element.text:
            pieces.append((element.text, in_link))
        for child in element:
            tag = child.tag
            if (not isinstance(tag, str) or tag in SKIPPED_TAGS or is_hidden(child)
                    or (tag in WIDGET_TAGS and _is_small_widget(child))):
                pass
            elif tag == "br":
                # One <br> is a line break inside a paragraph; the block still ends there so that each line can
                # be judged on its own (table-layout portals put whole articles in one <td> split by <br>).
                # A second <br> in a row makes the line before it the end of a paragraph.
                if not pieces and self.blocks and self.blocks[-1].container is container:
                    self.blocks[-1].ends_paragraph = True
                self.flush(container, ends_paragraph=False)
            else:
                self.walk(child, container, in_link or tag == "a")
            if child.tail:
                pieces.append((child.tail, in_link))
        if is_block:
            self.flush(container, ends_paragraph=True)


def _is_small_widget(element: etree._Element) -> bool:
    text_length = 0
    for text in element.itertext():
        text_length += len(text.strip())
        if text_length > WIDGET_MAX_CHARS:
            return False
    return True
