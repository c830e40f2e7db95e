"""Choose the article body: the density scorer on CJK pages, trafilatura elsewhere, each backing the other up.

The rule, per page: find the body by text density (crawler.extraction.density). When its text is mostly
CJK, keep it: trafilatura's heuristics are tuned on Western pages, and on Chinese portals they let comments,
copyright footers and "related" lists through or miss <br>-separated table text (measured: body F1 0.95
against 0.90 on chinese-web-content-extraction). Otherwise run trafilatura (favouring precision) and keep
its text, unless it found nothing or the density body holds over RESCUE_RATIO times more prose. Either way
furniture lines (editor, source, share, paging, copyright) and the headline and byline are removed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from crawler.cjk import CJK_CHARACTER, is_cjk
from crawler.extraction.blocks import Block
from crawler.extraction.boilerplate import strip_furniture
from crawler.extraction.density import densest_body
from crawler.extraction.document import normalise_space
from crawler.extraction.hints import MarkupHints
from crawler.extraction.chunks import joined_chunks
from crawler.extraction.layout_tables import without_layout_tables

logger = logging.getLogger(__name__)

# trafilatura prints a table row whose cells are empty (spacer rows of layout tables) as "| | |".
_EMPTY_TABLE_ROW = re.compile(r"^[\s|]*$")
_SENTENCE_END = re.compile(r"[。！？!?；;，,]")
# Trafilatura is replaced only when the density body holds this many times more prose.
RESCUE_RATIO = 3.0
# The density body of a CJK page is trusted when it has at least this many characters.
MIN_DENSITY_CHARS = 60
# Trafilatura's fallbacks (readability, then justext) are a third of its time and change its text on few pages:
# where its own text is short (under its MIN_EXTRACTED_SIZE, 250, where it asks justext too), where readability
# finds twice as much, or where its text is more tables than paragraphs. So its own extractor runs alone first,
# and again with the fallbacks where one of those may hold: its text is short, the density body (a page-wide
# reading like readability's: where readability's text replaced trafilatura's on the benchmarks' pages, the
# density body was within 2% of it) is FALLBACK_RATIO times longer (under 2, for a margin), or the page is laid
# out in tables. Measured on 546 pages (the benchmarks', the demo's and other projects' test pages): the same
# text on every page as running the fallbacks always, at two thirds of trafilatura's time on the crawl's farm.
FALLBACK_BELOW_CHARS = 250
FALLBACK_RATIO = 1.5


@dataclass
class Body:
    """The body text and where it sits among the page's blocks (for finding the date line)."""

    text: str
    first_block: int | None
    last_block: int | None
    method: str


def extract_body(root: etree._Element, blocks: list[Block], title: str | None, url: str | None,
                 hints: MarkupHints) -> Body:
    density = densest_body(root, blocks, hints)
    chosen = density.blocks
    span = (chosen[0].index, chosen[-1].index) if chosen else (None, None)
    density_lines = strip_furniture(paragraphs(chosen), title)
    density_text = "\n".join(density_lines)

    if is_cjk(density_text) and len(density_text) >= MIN_DENSITY_CHARS:
        return Body(density_text, *span, method="density")

    page = joined_chunks(without_layout_tables(root))
    # Trafilatura keeps <pre> text as it stands; a hostile page pads it with a megabyte of spaces.
    trafilatura_lines = [normalise_space(line) for line in _trafilatura(page, url, len(density_text)).split("\n")
                         if not _EMPTY_TABLE_ROW.match(line)]
    trafilatura_text = "\n".join(strip_furniture(trafilatura_lines, title))
    # The density span may run on into a sidebar's widgets: only the prose outside furniture weighs here.
    density_prose = _prose_chars("\n".join(paragraphs([b for b in chosen if hints.factor(b.container) >= 1.0])))
    if density_prose > RESCUE_RATIO * max(1, _prose_chars(trafilatura_text)):
        return Body(density_text, *span, method="density")
    if not trafilatura_text.strip():
        return Body(density_text, *span, method="density")
    return Body(trafilatura_text, *span, method="trafilatura")


def paragraphs(blocks: list[Block]) -> list[str]:
    """Block texts as paragraphs, re-joining CJK lines that a single <br> hard-wrapped mid-sentence."""
    lines: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None and _is_hard_wrap(previous, block):
            lines[-1] += block.text
        else:
            lines.append(block.text)
        previous = block
    return lines


def _is_hard_wrap(previous: Block, block: Block) -> bool:
    text = previous.text
    return (
        not previous.ends_paragraph
        and previous.container is block.container
        and len(text) >= 20
        and bool(CJK_CHARACTER.match(text[-1]))
        and bool(CJK_CHARACTER.match(block.text[0]))
    )


def _trafilatura(root: etree._Element, url: str | None, density_chars: int) -> str:
    """Trafilatura's text: its own extractor first, then, where they may change that, with its fallbacks."""
    if density_chars < FALLBACK_BELOW_CHARS or _table_laid(root):  # known before it runs: run it once, whole
        return _run_trafilatura(root, url, fast=False)
    text = _run_trafilatura(root, url, fast=True)
    if len(text) < FALLBACK_BELOW_CHARS or density_chars > FALLBACK_RATIO * len(text):
        return _run_trafilatura(root, url, fast=False)
    return text


def _table_laid(root: etree._Element) -> bool:
    """A page with as many tables as paragraphs or more (or none), where trafilatura may prefer readability's text."""
    paragraphs = sum(1 for _ in root.iter("p"))
    return paragraphs == 0 or sum(1 for _ in root.iter("table")) >= paragraphs


def _run_trafilatura(root: etree._Element, url: str | None, fast: bool) -> str:
    import trafilatura

    try:
        # Our parsed and pruned tree: what trafilatura would parse from the page's markup, without printing
        # the page and parsing it again. trafilatura works on a copy of a tree it is given (tested).
        text = trafilatura.extract(
            root, url=url, fast=fast, favor_precision=True, include_comments=False, include_tables=True,
            deduplicate=False, with_metadata=False,
        )
    except Exception as error:  # trafilatura raises assorted errors on odd markup; the density body remains
        logger.debug("trafilatura failed on %s: %s", url, error)
        return ""
    return text or ""


def _prose_chars(text: str) -> int:
    """Characters in lines that read as sentences, or rows of a table of figures (a standings table is the
    article on a results page, though no row is a sentence)."""
    return sum(len(line) for line in text.split("\n") if _SENTENCE_END.search(line) or _is_table_row(line))


def _is_table_row(line: str) -> bool:
    return line.startswith("|") and sum(1 for cell in line.split("|") if cell.strip()) >= 3
