"""Which tables are layout (read as blocks) and which hold data (stay tables)."""

from __future__ import annotations

from lxml import html

from crawler.extraction.layout_tables import MAX_TABLES, is_layout_table, without_layout_tables

STORY = "The county board voted on Tuesday to approve a plan that would bring fast internet to every home. " * 3


def table(markup: str):
    return html.fromstring(f"<html><body>{markup}</body></html>").find(".//table")


def test_what_makes_a_table_layout_and_what_keeps_it_data():
    assert is_layout_table(table(f"<table><tr><td>{STORY}</td></tr></table>"))
    assert is_layout_table(table("<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table>"))
    assert is_layout_table(table("<table role='presentation'><tr><td>a</td></tr></table>"))
    assert not is_layout_table(table("<table><tr><td>Trams</td><td>2</td></tr></table>"))
    assert not is_layout_table(table("<table><tr><td><p> </p></td><td>Bus 9</td></tr></table>"))
    assert not is_layout_table(table(f"<table><tr><th>Plan</th></tr><tr><td>{STORY}</td></tr></table>"))
    assert not is_layout_table(table(f"<table summary='costs'><tr><td>{STORY}</td></tr></table>"))


def test_the_page_itself_is_left_as_others_read_it():
    page = html.fromstring(f"<html><body><table><tr><td>{STORY}</td></tr></table></body></html>")
    unwrapped = without_layout_tables(page)
    assert unwrapped is not page and unwrapped.find(".//table") is None
    assert page.find(".//table") is not None


def test_a_page_of_more_tables_than_are_worth_deciding_on_is_left_as_it_is():
    tables = f"<table><tr><td>{STORY}</td></tr></table>" * (MAX_TABLES + 1)
    page = html.fromstring(f"<html><body>{tables}</body></html>")
    assert without_layout_tables(page) is page
    fewer = html.fromstring(f"<html><body>{tables[:len(tables) // 2]}</body></html>")
    assert without_layout_tables(fewer) is not fewer
