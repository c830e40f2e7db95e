"""Article bodies on pages in the shapes other sites have: comments, noscript, galleries, players, teasers,
tables, ruby, and front pages that list several posts."""

from __future__ import annotations

from support.pages import front_page

from crawler.extraction import extract
from crawler.extraction.chunks import joined_chunks
from crawler.extraction.document import parse_html

_PARAGRAPHS = [
    "The regional council approved the new transport budget on Tuesday after a debate that lasted most of the day.",
    "Under the plan, two tram lines will be extended to the northern suburbs and forty new buses will be bought.",
    "The mayor said that work on the first extension would begin before the winter and take two years.",
    "Opposition members argued that the money would be better spent on repairing existing roads and bridges.",
    "The budget still needs the approval of the national transport agency, which is expected in the spring.",
]
_STORY = "".join(f"<p>{paragraph}</p>" for paragraph in _PARAGRAPHS)


def _post(inside: str = "", after: str = "", head: str = "", story: str = _STORY) -> str:
    return (f"<html><head><meta charset='utf-8'><title>Council approves transport budget | City Times</title>{head}"
            f"</head><body><header><a href='/'>City Times</a></header><main><article class='post hentry'>"
            f"<h1 class='entry-title'>Council approves transport budget</h1>"
            f"<div class='entry-content'>{story}{inside}</div></article>{after}</main>"
            f"<footer>© 2024 City Times</footer></body></html>")


_WORDPRESS_COMMENTS = (
    "<div id='comments' class='comments-area'><h2 class='comments-title'>142 thoughts on this</h2>"
    "<ol class='comment-list'>" + "".join(
        f"<li id='comment-{n}' class='comment even thread-even depth-1'><article class='comment-body'>"
        f"<footer class='comment-meta'><b class='fn'>Reader {n}</b> <time datetime='2024-03-0{n % 9 + 1}'>"
        f"March {n % 9 + 1}, 2024</time></footer><div class='comment-content'><p>I have lived here for twenty "
        f"years and reader opinion number {n} is that the trams never come on time anyway, so why bother.</p>"
        f"</div></article></li>" for n in range(30)) +
    "</ol><div id='respond' class='comment-respond'><h3>Leave a Reply</h3><form><p>Your email address will "
    "not be published, and the comment will appear after moderation.</p></form></div></div>")


def test_reader_comments_are_never_in_the_body():
    for comments in (
        _WORDPRESS_COMMENTS,
        "<section class='comments'>" + "".join(
            f"<div class='entry'><p>Another reader says number {n}: the buses are always full, and frankly the "
            f"council should have thought of this much earlier than now.</p></div>" for n in range(20)) + "</section>",
        "<div itemscope itemtype='https://schema.org/UserComments'>" + "".join(
            f"<div itemprop='comment' itemscope itemtype='https://schema.org/Comment'><p itemprop='text'>Comment "
            f"{n}: a well argued report, but it forgets the cyclists who use the bridge every single morning.</p>"
            f"</div>" for n in range(20)) + "</div>",
        "<div id='disqus_thread'>" + "".join(
            f"<div class='post-message'><p>Disqus voice {n}: twelve years of promises and still no tram line to "
            f"the northern suburbs, I will believe it when I see it.</p></div>" for n in range(20)) + "</div>",
    ):
        text = extract(_post(after=comments), "https://citytimes.example/2024/03/01/budget/").text
        assert "mayor said" in text and "Opposition members" in text
        assert "reader" not in text.lower() and "Disqus" not in text and "Comment " not in text
        assert "moderation" not in text


def test_a_body_only_inside_noscript_is_read():
    story = "".join(f"<p>　　第{n}段：长三角地区数字经济发展迅速，算力网络、数据交易和人工智能应用不断取得新的进展，"
                    f"多地出台配套政策支持企业创新。</p>" for n in range(1, 7))
    html = ("<html><head><meta charset='utf-8'><title>长三角数字经济发展提速_示范网</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div><div id='app'>"
            "<p class='summary'>摘要：长三角地区数字经济发展提速，算力网络、数据交易和人工智能应用全面推进，"
            "本文介绍最新进展和各地的做法，包括上海、江苏、浙江和安徽四地的重点项目与政策安排。</p><p class='date'>2024-03-01 09:30</p></div>"
            f"<noscript><div class='article'><h1>长三角数字经济发展提速</h1>{story}</div></noscript>"
            "<script>render()</script></body></html>")
    text = extract(html, "https://news.example.cn/a").text
    assert "第1段" in text and "第6段" in text


def test_a_noscript_notice_beside_the_body_is_not_read():
    html = _post(inside="<noscript><p>Please enable JavaScript to view the interactive map.</p></noscript>")
    assert "JavaScript" not in extract(html).text


def test_gallery_captions_player_text_and_teaser_lists_are_dropped():
    gallery = ("<div class='gallery'>" + "".join(
        f"<figure class='gallery-item'><img src='/p{n}.jpg'><figcaption>Photo {n}: the tram depot seen from the "
        f"north, where the new line will start.</figcaption></figure>" for n in range(4)) + "</div>")
    player = ("<div class='video-player'><p>Your browser does not support HTML5 video. Watch next: more "
              "stories from the council, autoplay is on.</p></div>")
    teasers = ("<section class='recommended'><h3>Recommended for you</h3><ul>" + "".join(
        f"<li><a href='/s{n}'>Story {n}</a><p>A teaser paragraph about another story entirely, number {n}, "
        f"which readers also liked.</p></li>" for n in range(5)) + "</ul></section>")
    text = extract(_post(inside=gallery + player, after=teasers), "https://citytimes.example/b").text
    assert "forty new buses" in text
    assert "Photo" not in text and "HTML5" not in text and "teaser paragraph" not in text


def test_empty_table_rows_are_not_printed():
    table = ("<table><tr><td>Tram 4</td><td>12</td></tr><tr><td><p> </p></td><td><p> </p></td></tr>"
             "<tr><td>&#8203;</td><td>&#8203;</td></tr><tr><td>Bus 9</td><td>30</td></tr></table>")
    text = extract(_post(inside=table), "https://citytimes.example/c").text
    assert "Tram 4" in text
    assert "Bus 9" in text
    assert not any(set(line) <= set("| \u200b") for line in text.split("\n"))


def test_ruby_readings_are_not_mixed_into_the_text():
    story = ("<p><ruby>東京<rp>(</rp><rt>とうきょう</rt><rp>)</rp></ruby>都は<ruby>人工知能<rt>じんこうちのう</rt>"
             "</ruby>の活用を進めるため、新しい計画を発表しました。データセンターの整備や、中小企業のデジタル化への"
             "支援が柱となります。</p><p>都の担当者は「行政サービスをもっと便利にしたい」と話しています。計画は来年度から"
             "五年間で実施される予定です。</p>")
    text = extract(_post(story=story)).text
    assert "東京都は人工知能の活用を進めるため" in text
    assert "とうきょう" not in text and "じんこうちのう" not in text


def test_a_front_page_listing_several_posts_has_no_text_and_says_why():
    article = extract(front_page(), "https://garden.example/")
    assert article.title == "Notes from the Garden"
    assert article.text == ""
    assert article.note == "a list of 5 posts (a front page or an archive), not one article"
    assert article.published_at is None


def test_an_article_with_a_box_of_other_posts_is_still_an_article():
    others = "<section class='more'>" + "".join(
        f"<article><h3><a href='/o{n}'>Other story {n}</a></h3><p>An excerpt of another story, number {n}, "
        f"long enough to look like a teaser on a front page.</p></article>" for n in range(4)) + "</section>"
    article = extract(_post(after=others), "https://citytimes.example/d")
    assert "forty new buses" in article.text and article.note is None


def test_a_byline_ending_with_its_date_and_an_infobox_are_not_body_text():
    infobox = ("<table class='infobox vcard'><tr><th>Born</th><td>2001-05-06</td></tr>"
               "<tr><th>Club</th><td>Riverside Rowing Club</td></tr></table>")
    html = _post(inside=infobox).replace("<div class='entry-content'>",
                                         "<p class='byline'>By Jonas Ek, June 17, 2017</p><div class='entry-content'>")
    text = extract(html, "https://citytimes.example/e").text
    assert text.startswith("The regional council approved")
    assert "Jonas Ek" not in text and "Born" not in text and "Rowing Club" not in text


def test_choosing_the_body_leaves_the_page_tree_as_dates_and_bylines_read_it():
    from lxml import etree

    from crawler.extraction.blocks import text_blocks
    from crawler.extraction.body import extract_body
    from crawler.extraction.document import parse_html
    from crawler.extraction.hints import MarkupHints

    root = parse_html(_post())
    before = etree.tostring(root)
    body = extract_body(root, text_blocks(root), "Council approves transport budget", None, MarkupHints())
    assert body.method == "trafilatura"  # an English page: trafilatura read the tree
    assert etree.tostring(root) == before


def _table_portal(inner: str) -> str:
    """An old portal laid out in one table: navigation, the article's cell, advertisements."""
    return ("<html><head><title>Council approves transport budget - Valley Gazette</title></head><body>"
            "<table width='100%' cellpadding='0'><tr><td colspan='3'><a href='/'>Home</a> | <a href='/news'>News</a>"
            " | <a href='/sports'>Sports</a></td></tr><tr><td width='150'><a href='/a'>Local</a><br>"
            "<a href='/b'>Obituaries</a><br><a href='/c'>Classifieds</a></td>"
            f"<td valign='top'><font size='4'><b>Council approves transport budget</b></font><br>{inner}</td>"
            "<td width='160'><b>Advertisement</b><br>Buy local! Visit Main Street shops.</td></tr>"
            "<tr><td colspan='3'>Copyright 2024 Valley Gazette</td></tr></table></body></html>")


def test_a_portal_laid_out_in_a_table_reads_as_paragraphs_and_its_table_of_figures_stays_a_table():
    figures = "<table><tr><td>Trams</td><td>2 lines</td></tr><tr><td>Buses</td><td>40</td></tr></table>"
    article = extract(_table_portal(_STORY + figures))
    lines = article.text.split("\n")
    assert lines[:len(_PARAGRAPHS)] == _PARAGRAPHS
    assert lines[len(_PARAGRAPHS):] == ["| Trams | 2 lines |", "| Buses | 40 |"]
    assert "Advertisement" not in article.text and "Obituaries" not in article.text


def test_paragraphs_set_apart_by_breaks_in_a_layout_table_s_cell_read_as_paragraphs():
    cells = ("<table width='100%'><tr><td></td><td></td><td></td></tr>"
             f"<tr><td class='text'>{'<br><br>'.join(_PARAGRAPHS)}</td></tr><tr><td>&nbsp;</td><td></td><td></td></tr>"
             "</table>")
    assert extract(_table_portal(cells)).text.split("\n") == _PARAGRAPHS


def test_a_table_of_figures_that_is_the_article_is_kept():
    # A results page: one sentence, the standings, and a moderator's notice in the post's footer. The table is
    # the article, though none of its rows is a sentence.
    rows = "".join(f"<tr><td>{n}</td><td>Driver Number {n}</td><td>{5000 - n * 7}</td><td>{n % 4}</td>"
                   f"<td>{n % 3}</td></tr>" for n in range(1, 31))
    notice = ("<p>Comments with unintelligible text, or that lack respect for other readers, will not be approved "
              "by the moderator, who reads every one of them before they appear, and asks for patience.</p>")
    page = ("<html><head><title>Standings - Race Site</title></head><body><div class='post'>"
            "<h1>Standings</h1><p>The standings after the last race of the season!</p>"
            "<table class='tablehead'><tr><td><b>Pos.</b></td><td><b>Driver</b></td><td><b>Points</b></td>"
            f"<td><b>Wins</b></td><td><b>Poles</b></td></tr>{rows}</table>"
            f"<div class='entry-footer'>{notice * 3}</div></div></body></html>")
    text = extract(page).text
    assert "| 17 | Driver Number 17 | 4881 | 1 | 2 |" in text
    assert "moderator" not in text


def test_a_list_that_is_the_article_is_not_traded_for_the_sidebars_prose():
    # A season's calendar (lines, no sentences) beside a sidebar of widgets that do read as sentences.
    items = "".join(f"<p>Round {n}: {n + 3} March – Circuit Number {n}</p>" for n in range(1, 13))
    widgets = "".join(f"<h3>» Column number {n}</h3><div class='textwidget'><p>Click on the picture above and read "
                      f"every column on Formula 1, MotoGP and the other series our writer covers, with the schedule "
                      f"of race {n}.</p></div>" for n in range(6))
    page = ("<html><head><title>Calendar 2018 - Race Site</title></head><body><div class='main'><div class='post'>"
            f"<h1>Calendar 2018</h1>{items}</div><div class='sidebar'>{widgets}</div></div></body></html>")
    text = extract(page).text
    assert "Round 7: 10 March – Circuit Number 7" in text
    assert "Click on the picture" not in text


def test_a_post_embedded_from_a_social_network_is_quoted_in_the_body():
    tweet = ("<blockquote class='twitter-tweet'><p lang='en'>The mayor has just confirmed the decision at the press "
             "conference.</p>&mdash; City Hall (@cityhall) <a href='https://twitter.example/s/1'>May 6, 2018</a>"
             "</blockquote>")
    text = extract(_post(inside=tweet)).text
    assert "The mayor has just confirmed the decision at the press conference." in text
    assert all(paragraph in text for paragraph in _PARAGRAPHS)


def test_a_byline_ending_with_a_numeric_date_is_not_body():
    page = ("<html><head><meta charset='utf-8'><title>大雨で道路が冠水</title></head><body><h1>大雨で道路が冠水</h1>"
            "<div class='byline'>記者： Jonas Ek, 2019/06/27</div><div class='text'>"
            + "".join(f"<p>夜間の大雨で県東部の複数の道路が冠水し、月曜日には小学校{n}校が休校となった。消防は住宅に出動した。</p>"
                      for n in range(2, 8)) + "</div></body></html>")
    assert not extract(page).text.startswith("記者")


def test_a_story_split_into_chunks_around_advertisements_is_read_whole():
    def chunk(first: int) -> str:
        paragraphs = "".join(f"<p>Paragraph {n} of the long feature on how neighbourhood banks are changing, with "
                             f"enough words in it to be read as prose by any extractor.</p>" for n in range(first, first + 4))
        return (f"<div class='grid grid-layout--adrail'><div class='body body__container article__body'>{paragraphs}</div>"
                f"<div class='ad-rail'><div class='ad'>Advertisement</div></div></div>")
    page = ("<html><head><title>The future of banking | Magazine</title></head><body><main><article class='article'>"
            f"<h1>The future of banking</h1><div class='article__chunks'>{chunk(1)}{chunk(5)}</div>"
            "</article></main></body></html>")
    text = extract(page).text
    assert all(f"Paragraph {n} of the long feature" in text for n in range(1, 9))
    assert "Advertisement" not in text


def test_two_stories_split_into_chunks_on_one_page_are_each_read_whole():
    # The first story's second chunk leaves its parent before the second story's chunks are joined: found by
    # their position among siblings, they would have moved (a Wired page raised IndexError here).
    def chunk(story: str, first: int) -> str:
        paragraphs = "".join(f"<p>{story} paragraph {n} of the long feature on how neighbourhood banks are changing, "
                             f"with enough words in it to be read as prose.</p>" for n in range(first, first + 4))
        return f"<div class='{story}-content'>{paragraphs}</div>"
    page = ("<html><head><title>The future of banking</title></head><body><main><article>"
            f"<h1>The future of banking</h1>{chunk('lead', 1)}<div class='ad'>Advertisement</div>{chunk('lead', 5)}"
            f"{chunk('more', 1)}<div class='ad'>Advertisement</div>{chunk('more', 5)}"
            "</article></main></body></html>")
    root = parse_html(page)
    joined = joined_chunks(root)
    assert joined is not root
    firsts = [div for div in joined.iter("div") if div.get("class", "").endswith("-content")]
    assert [len(div.findall("p")) for div in firsts] == [8, 8]
    text = extract(page).text
    assert all(f"lead paragraph {n} of" in text for n in range(1, 9)), text


def _story_page(before: str, title: str = "Home Depot stock falls after its earnings release") -> str:
    paragraphs = "".join(f"<p>Shares of the retailer fell in early trading on Tuesday after the company cut its sales "
                         f"forecast for the year, paragraph {n}, and analysts said the market would shrug it off.</p>"
                         for n in range(5))
    return (f"<html><head><title>{title} - Barron's</title></head><body><div class='article-wrap'>{before}"
            f"<h1>{title}</h1>{paragraphs}</div></body></html>")


def test_a_browser_notice_a_reprint_notice_and_the_pages_address_are_not_the_story():
    before = ("<p>We've detected you are on Internet Explorer. For the best experience, please update to a modern "
              "browser.</p><p>This copy is for your personal, non-commercial use only. To order presentation-ready "
              "copies for distribution to your colleagues, clients or customers visit the reprints desk.</p>"
              "<p>https://www.example.com/articles/home-depot-stock-51574168486</p>")
    text = extract(_story_page(before)).text
    assert text.startswith("Shares of the retailer fell"), text[:200]
    # A story about browsers is not a notice.
    story = ("<p>Users should update their browsers to fix the flaw, the company said on Tuesday.</p>"
             "<p>Home Depot stock falls after its earnings release</p>")
    assert extract(_story_page(story)).text.startswith("Users should update their browsers")


def test_a_kicker_above_a_repeated_headline_is_header_but_a_paragraph_above_it_is_the_story():
    text = extract(_story_page("<p>Review</p><p>Home Depot stock falls after its earnings release</p>")).text
    assert text.startswith("Shares of the retailer fell"), text[:200]
    lead = ("<p>(CNN) The retailer's shares fell on Tuesday after it cut its forecast for the year, the first cut "
            "since 2009, and the chief executive said the investments were on track.</p>"
            "<p>Home Depot stock falls after its earnings release</p>")
    assert extract(_story_page(lead)).text.startswith("(CNN) The retailer's shares fell")
