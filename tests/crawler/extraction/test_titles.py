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


@pytest.mark.parametrize("title", ["The long march – digital health records for everyone",
                                   "Take C.A.R.E. - our team at the trade fair"])
def test_a_dash_the_headline_itself_prints_is_kept(title: str):
    assert extract(_page(title, header=f"<h1>{title}</h1>")).title == title


def test_only_the_site_name_is_dropped_not_the_subtitle_before_it():
    head = "<meta name='application-name' content='Digg'>"
    title = "The early reviews of the console are here — and they are not great - Digg"
    assert extract(_page(title, head)).title == "The early reviews of the console are here — and they are not great"


def test_the_domain_names_the_site_when_the_page_does_not():
    title = "Fallen Order review - shoots for the moon, lands among the stars - VG247"
    article = extract(_page(title), "https://www.vg247.com/2019/11/20/fallen-order-review/")
    assert article.title == "Fallen Order review - shoots for the moon, lands among the stars"
    article = extract(_page("Five companies join the lunar programme - SpaceNews.com"), "https://spacenews.com/a/")
    assert article.title == "Five companies join the lunar programme"


def test_a_channel_beside_the_site_name_goes_with_it():
    head = "<meta property='og:site_name' content='人民网'>"
    assert extract(_page("数字经济发展迈上新台阶_国际_人民网", head)).title == "数字经济发展迈上新台阶"


def test_the_heading_holding_the_titles_parts_is_the_headline():
    header = "<h1>Design Week 2018 | Michael Anastassiades’ light installation for FLOS</h1>"
    title = "Design Week 2018 | Anastassiades' light installation for FLOS"
    assert extract(_page(title, header=header)).title == \
        "Design Week 2018 | Michael Anastassiades’ light installation for FLOS"


def test_the_headline_readers_see_beats_the_search_engines_title():
    head = "<meta property='og:title' content='“We had some issues,” executive says of the launch'>"
    header = "<h1>‘We had some issues,’ executive says of the launch</h1>"
    title = "Launch glitches blamed on heavy demand, says executive - City Times"
    # The JSON-LD's second headline is the <title>'s: still the <h1> the metadata confirms wins.
    head += ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": "
             "\"Launch glitches blamed on heavy demand, says executive\"}</script>")
    assert extract(_page(title, head, header)).title == "‘We had some issues,’ executive says of the launch"


def test_a_heading_rewording_the_title_a_little_is_the_headline_but_not_one_adding_a_badge():
    header = "<h1>Скайрим (skyrim) скорость бега как увеличить</h1>"
    assert extract(_page("Скайрим скорость бега как увеличить", header=header)).title == \
        "Скайрим (skyrim) скорость бега как увеличить"
    header = "<h1>原创最不愁吃肉的国家：顿顿有肉吃，却要靠中国运输蔬菜水果</h1>"
    assert extract(_page("最不愁吃肉的国家：顿顿有肉吃，却要靠中国运输蔬菜水果", header=header)).title == \
        "最不愁吃肉的国家：顿顿有肉吃，却要靠中国运输蔬菜水果"


def _untitled(header: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{header}<article>{_STORY}</article></body></html>"


def test_separators_left_at_the_end_of_a_heading_are_dropped():
    header = ("<h1 class='title'><a href='index.html'>bjreader的博客</a></h1>"
              "<h2 class='diaryTitle'>谁来为无序拆房“埋单”？- -</h2>")
    assert extract(_untitled(header)).title == "谁来为无序拆房“埋单”？"


def test_a_host_name_in_the_title_is_the_sites_name():
    assert extract(_page("Tomatoes on a balcony | blog.example.com")).title == "Tomatoes on a balcony"


def test_a_template_box_heading_is_not_the_headline():
    header = ("<h1>导航</h1><h1>Blog统计</h1><h1>公告</h1>"
              "<div class='post'><h2 class='posttitle'>评老冒：做最好的和最cool的东西？</h2></div>")
    assert extract(_untitled(header)).title == "评老冒：做最好的和最cool的东西？"
