"""Find the article body by text and link density over DOM blocks (in the spirit of GNE and BTE).

Each text block gets a value: positive for prose (text outside links, with punctuation), negative for
navigation, link lists, footers and short label-like lines. Every element's score is the value of its own
blocks plus its children's scores, where a child box can cost its parent at most BOX_COST (an advert or
related-links box inside the article must not split it). The body is the best-scoring element, minus the
boxes inside it that are worth less than nothing, trimmed to its best contiguous run of blocks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import etree

from crawler.extraction.blocks import Block, text_blocks
from crawler.extraction.boilerplate import is_boilerplate
from crawler.extraction.hints import MarkupHints

logger = logging.getLogger(__name__)

# What a block without punctuation costs before its text counts: keeps menus, labels and short captions
# from adding up to a body.
LINE_COST = 10
# Link text counts against a block: link lists are navigation even when long.
LINK_WEIGHT = 1.5
# The most a junk box (menu, advert, related links) inside an element can take from that element's score.
BOX_COST = 100
# A block that is mostly link text is navigation, wherever it sits.
MAX_LINK_DENSITY = 0.5


@dataclass
class DensityResult:
    """The blocks chosen as body and the element that holds them."""

    blocks: list[Block]
    container: etree._Element | None
    score: float


def block_value(block: Block, hint: float = 1.0) -> float:
    """Positive for prose, negative for navigation, labels and furniture."""
    if block.link_density > MAX_LINK_DENSITY or is_boilerplate(block.text):
        return -(LINE_COST + block.chars)
    cost = 0 if block.punctuation else LINE_COST
    value = block.text_chars - cost - LINK_WEIGHT * block.link_chars
    return value * hint if value > 0 else value


def densest_body(root: etree._Element, blocks: list[Block] | None = None,
                 hints: MarkupHints | None = None) -> DensityResult:
    """The blocks of the best-scoring subtree, without its junk boxes, trimmed to their best run.
    hints: the page's MarkupHints when the caller has them already."""
    if blocks is None:
        blocks = text_blocks(root)
    if not blocks:
        return DensityResult([], None, 0.0)
    hints = hints or MarkupHints()
    values = {id(block): block_value(block, hints.factor(block.container)) for block in blocks}
    own: dict[etree._Element, float] = {}
    for block in blocks:
        own[block.container] = own.get(block.container, 0.0) + values[id(block)]
    scores, depths = _subtree_scores(own)
    # The best score; among equals the deepest element, i.e. the child that holds all of its parent's value.
    best = max(scores, key=lambda element: (scores[element], depths[element]))
    best_score = scores[best]
    kept = _kept_elements(best, scores)
    inside = [block for block in blocks if block.container in kept]
    start, end = _best_run([values[id(block)] for block in inside])
    chosen = [block for block in inside[start:end] if values[id(block)] > -LINE_COST or _is_prose(block)]
    return DensityResult(chosen, best, best_score)


def _subtree_scores(own: dict[etree._Element, float]) -> tuple[dict, dict]:
    """Scores (and depths) of every element that holds a block; a child box costs its parent <= BOX_COST.

    Elements without blocks score nothing and cost nothing, so only the blocks' ancestors are visited."""
    children: dict[etree._Element, list[etree._Element]] = {}
    depths: dict[etree._Element, int] = {}
    for container in own:
        path = []
        element = container
        while element is not None and element not in depths:
            path.append(element)
            element = element.getparent()
        if not path:
            continue  # reached through an earlier block already
        depth = depths[element] + 1 if element is not None else 0
        if element is not None:
            children.setdefault(element, []).append(path[-1])
        for above, below in zip(reversed(path), reversed(path[:-1])):
            children.setdefault(above, []).append(below)
        for offset, visited in enumerate(reversed(path)):
            depths[visited] = depth + offset
    scores: dict[etree._Element, float] = {}
    for element in sorted(depths, key=depths.__getitem__, reverse=True):
        score = own.get(element, 0.0)
        for child in children.get(element, ()):
            score += max(scores[child], -BOX_COST)
        scores[element] = score
    return scores, depths


def _kept_elements(container: etree._Element, scores: dict[etree._Element, float]) -> set[etree._Element]:
    """The container and its descendants, leaving out boxes that are worth less than nothing."""
    kept = set()
    stack = [container]
    while stack:
        element = stack.pop()
        kept.add(element)
        for child in element:
            score = scores.get(child)
            if score is None:
                continue
            if score < -LINE_COST * 2 and len(child):
                continue  # a nested box of links or labels
            stack.append(child)
    return kept


def _is_prose(block: Block) -> bool:
    return block.punctuation > 0 and block.link_density <= MAX_LINK_DENSITY and not is_boilerplate(block.text)


def _best_run(values: list[float]) -> tuple[int, int]:
    """Kadane's maximum-sum contiguous run: (start, end) as a slice."""
    best, best_span = float("-inf"), (0, 0)
    current, current_start = 0.0, 0
    for i, value in enumerate(values):
        if current <= 0:
            current, current_start = value, i
        else:
            current += value
        if current > best:
            best, best_span = current, (current_start, i + 1)
    return best_span
