"""Titles on pages in the shapes other sites have: dash separators, full-width punctuation, a blog's own name."""

from __future__ import annotations

import pytest

from crawler.extraction import extract

_STORY = "".join(
    f"<p>The council approved the new budget on Tuesday after a long debate, paragraph {n}, and the mayor "
    "said that work on the bridge would begin before the winter.</p>" for n in range(5)
)


def _page(title: str, head: str = "", header: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{header}"
            f"<article>{_STORY}</article></body></html>")


@pytest.mark.parametrize("dash", ["–", "—"])
def test_en_and_em_dashes_separate_the_site_name(dash: str):
    site_name = "<meta property='og:site_name' content='City Times'>"
    assert extract(_page(f"Council approves budget {dash} City Times", site_name)).title == "Council approves budget"
    assert extract(_page(f"Council approves budget {dash} City Times")).title == "Council approves budget"


def test_a_dash_after_full_width_punctuation_separates_the_site_name():
    title = "江城百年巨变：从老工业基地到创新之城！-新华网"
    assert extract(_page(title)).title == "江城百年巨变：从老工业基地到创新之城！"


def test_a_blog_named_in_title_and_og_title_yields_to_the_posts_headline():
    head = ("<meta property='og:title' content='Notes from the Kitchen Garden'>"
            "<meta property='og:site_name' content='Notes from the Kitchen Garden'>")
    header = "<h1 class='entry-title'>How we grew tomatoes on a balcony</h1>"
    article = extract(_page("Notes from the Kitchen Garden", head, header))
    assert article.title == "How we grew tomatoes on a balcony"


def test_a_long_blog_name_linked_home_is_not_the_headline():
    header = ("<header><h1 class='site-title'><a href='/'>The Very Long Kitchen Garden Blog Name</a></h1></header>"
              "<h2 class='entry-title'>Tomatoes</h2>")
    article = extract(_page("Tomatoes | The Very Long Kitchen Garden Blog Name", header=header))
    assert article.title == "Tomatoes"


def test_a_headline_that_names_the_site_is_kept():
    header = "<h1>City Times wins regional press award</h1>"
    head = "<meta property='og:site_name' content='City Times'>"
    assert extract(_page("City Times wins regional press award - City Times", head, header)).title == \
        "City Times wins regional press award"


def test_a_blogger_title_prefixed_with_the_blog_name_yields_the_posts_title():
    header = ("<div class='header'><h1 class='title'><a href='/'>Notes from a Small Garden</a></h1></div>"
              "<h3 class='post-title entry-title'>Library reopens after two years of repairs</h3>")
    article = extract(_page("Notes from a Small Garden: Library reopens after two years of repairs", header=header))
    assert article.title == "Library reopens after two years of repairs"
