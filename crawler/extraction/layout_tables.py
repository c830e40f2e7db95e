"""Tables used for layout read as blocks, not as data: an old portal's page is one big table.

trafilatura prints every table as rows of cells ("| nav | article | ads |"), which is right for a table of
figures and wrong for a page laid out in a table: the navigation, the whole article and the advertisements
come out as one row. A table is taken for layout (after readability's rules) when it says so
(role="presentation"), or holds another table or a long text in a cell (a story's paragraphs, in <p>s or
set apart by <br>s); a caption, header cells, a summary or a column group mark a data table, which stays a
table, and so does one of short cells, even with an empty <p> in them (what word processors paste).
"""

from __future__ import annotations

import copy

from lxml import etree

DATA_MARKS = frozenset({"caption", "thead", "tfoot", "th", "colgroup"})
TABLE_PARTS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th"})
LONG_CELL_CHARS = 200   # a cell of a table of figures or names holds a few words, not a story's paragraphs
# Deciding walks each table's cells: a page of thousands of nested tables (hostile, or a generated calendar)
# would cost the square of that; past this many it is left as it is.
MAX_TABLES = 300


def is_layout_table(table: etree._Element) -> bool:
    role = (table.get("role") or "").lower()
    if role == "presentation":
        return True
    if table.get("summary") or _own(table, *DATA_MARKS):
        return False
    cells = _own(table, "td", "th")
    return (any(cell.find(".//table") is not None for cell in cells)
            or any(len(cell.text_content().strip()) > LONG_CELL_CHARS for cell in cells))


def without_layout_tables(root: etree._Element) -> etree._Element:
    """The page with its layout tables as divisions (a copy; the page itself is left as others read it), or
    the page itself when it has none."""
    tables = list(root.iter("table"))
    if len(tables) > MAX_TABLES:
        return root
    layout = [n for n, table in enumerate(tables) if is_layout_table(table)]
    if not layout:
        return root
    page = copy.deepcopy(root)
    copied = list(page.iter("table"))   # a copy's tables come in the same order: decided once, on the page
    for table in [copied[n] for n in layout]:
        for part in [table, *_own(table, *TABLE_PARTS - {"table"})]:
            part.tag = "div"
    return page


def _own(table: etree._Element, *tags: str) -> list[etree._Element]:
    """The table's own elements of these tags (its rows, cells, caption...), not those of a table inside it."""
    return [element for element in table.iterdescendants(*tags)
            if next(element.iterancestors("table"), None) is table]
