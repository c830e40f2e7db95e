"""An article its template splits into chunks (around advertisements) read as one piece.

Some templates (Wired's, among others) print a long story as several sibling containers with the same
class ("body__container article__body"), an advertisement rail between each; trafilatura takes the first
container and loses the rest of the story. Containers of one class that each hold paragraphs of prose and
mark themselves as the body are joined into the first, on a copy of the page.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

# Class words of a body container: article__body, post-content, story-body, entry-content...
_BODY_CLASS = re.compile(r"(?:^|[\s_-])(?:body|content|text)(?:$|[\s_-])")
MIN_CHUNK_CHARS = 200     # a chunk of the story holds paragraphs, not a caption or a pull quote


def joined_chunks(root: etree._Element) -> etree._Element:
    """The page with the chunks of its story joined (a copy), or the page itself when it has none."""
    by_class: dict[str, list[etree._Element]] = {}
    for element in root.iter("div", "section"):
        words = element.get("class")
        if words and _BODY_CLASS.search(words.lower()):
            by_class.setdefault(" ".join(words.split()), []).append(element)
    chunked = [group for group in by_class.values() if len(group) > 1 and _chunks_of_one_story(group)]
    if not chunked:
        return root
    page = copy.deepcopy(root)
    # Each element's twin in the copy, paired by walking both in step: a path would go stale as soon as the
    # first group's chunks leave their parent and shift their siblings' positions.
    wanted = {element for group in chunked for element in group}
    twin = {element: copied for element, copied in zip(root.iter(), page.iter()) if element in wanted}
    for group in chunked:
        first, *rest = [twin[element] for element in group]
        for chunk in rest:
            first.extend(list(chunk))
            chunk.getparent().remove(chunk)
    return page


def _chunks_of_one_story(group: list[etree._Element]) -> bool:
    """Each holds prose of its own, none holds another, and they share the story's <article> or <main>."""
    if any(other in set(element.iterancestors()) for element in group for other in group if other is not element):
        return False
    if any(sum(len(p.text_content()) for p in element.iter("p")) < MIN_CHUNK_CHARS for element in group):
        return False
    homes = {next(element.iterancestors("article", "main"), None) for element in group}
    return len(homes) == 1 and None not in homes
