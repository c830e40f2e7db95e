"""Publication dates on pages in other languages' formats and layouts: which date is the article's own."""

from __future__ import annotations

import pytest

from crawler.extraction import extract

_STORY = "".join(
    f"<p>The council approved the new budget on Tuesday after a long debate, paragraph {n}, and the mayor "
    "said that work on the bridge would begin before the winter.</p>" for n in range(5)
)


def _page(meta_line: str = "", after: str = "", head: str = "", headline: str = "Council approves budget") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{headline} - City Times</title>{head}</head><body>"
            f"<header class='site-header'><a href='/'>City Times</a></header>"
            f"<main><article><h1>{headline}</h1>{meta_line}<div class='entry-content'>{_STORY}</div></article>"
            f"{after}</main></body></html>")


@pytest.mark.parametrize("line, expected", [
    ("<div class='meta'>Veröffentlicht am 06.05.2018, 09:15 Uhr</div>", "2018-05-06T09:15:00+02:00"),
    ("<p class='byline'>Von Anna Weber | 6. Mai 2018</p>", "2018-05-06T00:00:00+02:00"),
    ("<p class='byline'>By Jane Doe · May 6, 2018 at 10:30 am</p>", "2018-05-06T10:30:00+02:00"),
    ("<p class='auteur'>Par Marie Dupont, publié le 6 mai 2018 à 14:05</p>", "2018-05-06T14:05:00+02:00"),
    ("<p class='fecha'>Madrid, 6 de mayo de 2018</p>", "2018-05-06T00:00:00+02:00"),
    ("<p class='date'>6 мая 2018 г., 14:05</p>", "2018-05-06T14:05:00+02:00"),
    ("<p class='dateline'>2018年5月6日</p>", "2018-05-06T00:00:00+02:00"),
    ("<p class='date'>le 6 mai 2018 à 14h05</p>", "2018-05-06T14:05:00+02:00"),
    ("<p class='date'>投稿日 2018年5月6日 10時30分</p>", "2018-05-06T10:30:00+02:00"),
])
def test_visible_dates_in_other_languages_formats(line: str, expected: str):
    assert extract(_page(line), default_tz="Europe/Berlin").published_at == expected


def test_dates_of_reader_comments_are_not_the_articles():
    comments = ("<section id='comments' class='comments-area'><h2>3 comments</h2><ol class='comment-list'>"
                "<li class='comment' itemscope itemtype='https://schema.org/Comment'><div class='comment-meta'>"
                "<time itemprop='datePublished' datetime='2024-03-02T10:00:00+00:00'>2024-03-02 10:00</time></div>"
                "<p>Great piece, thanks for writing it up so clearly.</p></li></ol></section>")
    article = extract(_page(after=comments), "https://citytimes.example/2018/05/06/council-budget/")
    assert article.published_at == "2018-05-06T00:00:00+08:00"


def test_other_items_time_pubdate_in_a_slider_is_not_the_articles():
    slider = ("<div class='slider'>" + "".join(
        f"<article><h3><a href='/other-{n}'>Another story number {n}</a></h3>"
        f"<time pubdate datetime='2019-01-0{n}T08:00:00+00:00'>2019-01-0{n}</time></article>" for n in (1, 2, 3))
        + "</div>")
    article = extract(_page("<p class='byline'>By Jane Doe, May 6, 2018</p>", after=slider),
                      default_tz="Europe/London")
    assert article.published_at == "2018-05-06T00:00:00+01:00"


def test_an_embedded_posts_date_is_not_the_articles():
    tweet = ("<blockquote class='twitter-tweet'><p>The bridge will be finished next year, promises the mayor.</p>"
             "&mdash; City Hall (@cityhall) <a href='https://twitter.example/s/1'>2019-06-01 09:00</a></blockquote>")
    html = _page().replace("<div class='entry-content'>", "<div class='entry-content'>" + tweet)
    article = extract(html, "https://citytimes.example/news/2018/05/06/budget.html")
    assert article.published_at == "2018-05-06T00:00:00+08:00"


def test_a_birth_date_in_an_infobox_is_not_a_publication_date():
    infobox = ("<table class='infobox vcard'><tr><th colspan='2'>Anna Weber</th></tr>"
               "<tr><th>Born</th><td>2001-05-06</td></tr><tr><th>Nationality</th><td>German</td></tr></table>")
    html = _page().replace("<div class='entry-content'>", infobox + "<div class='entry-content'>")
    assert extract(html).published_at is None


def test_a_date_without_a_year_takes_the_nearest_past_year_from_the_crawls_clock(monkeypatch):
    body = "".join(f"<p>这是第{n}段正文，讲述长三角地区数字经济的发展情况，包括算力、数据和人工智能等方面的进展。</p>"
                   for n in range(1, 5))
    html = (f"<html><head><meta charset='utf-8'><title>示范标题_示范网</title></head><body><h1>示范标题</h1>"
            f"<div class='info'>09月07日 10:30　来源：新华社</div><div class='content'>{body}</div></body></html>")
    monkeypatch.setenv("NEWSDESK_NOW", "2026-11-20T10:00:00+08:00")
    assert extract(html).published_at == "2026-09-07T10:30:00+08:00"
    monkeypatch.setenv("NEWSDESK_NOW", "2027-03-01T10:00:00+08:00")
    assert extract(html).published_at == "2026-09-07T10:30:00+08:00"  # September 2027 is still to come


def _ld(**fields: str) -> str:
    import json

    return f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', **fields})}</script>"


def test_a_time_without_an_offset_takes_the_offset_the_page_gives_it_elsewhere():
    head = ("<meta property='article:published_time' content='2019-11-20T01:50:59.403'>"
            + _ld(datePublished="2019-11-20T01:50:59.403Z"))
    # Not the newsletter's zone (Shanghai): the page says the same wall time is UTC.
    assert extract(_page(head=head), default_tz="Asia/Shanghai").published_at == "2019-11-20T01:50:59+00:00"


def test_a_utc_moment_is_given_in_the_local_time_the_page_also_states():
    head = _ld(datePublished="2019-11-19T04:58:46Z") + "<meta name='date' content='2019-11-18 20:58:46'>"
    # The same moment, on the day the site's readers saw it.
    assert extract(_page(head=head), default_tz="Asia/Shanghai").published_at == "2019-11-18T20:58:46-08:00"


def test_a_utc_moment_is_given_in_the_offset_the_page_writes_its_modification_in():
    head = ("<meta property='og:updated_time' content='2019-11-18T22:15:39-05:00'>"
            + _ld(datePublished="2019-11-19T03:05:46Z", dateModified="2019-11-19T03:15:39Z"))
    assert extract(_page(head=head), default_tz="Asia/Shanghai").published_at == "2019-11-18T22:05:46-05:00"


def test_an_unrelated_local_time_does_not_shift_a_utc_moment():
    head = _ld(datePublished="2019-11-19T04:58:46Z") + "<meta name='date' content='2019-11-18 20:13:02'>"
    assert extract(_page(head=head), default_tz="Asia/Shanghai").published_at == "2019-11-19T04:58:46+00:00"


@pytest.mark.parametrize("lang, expected", [("pt-BR", "2018-10-05"), ("de", "2018-10-05"), ("en-GB", "2018-10-05"),
                                            ("en-US", "2018-05-10"), ("", "2018-05-10"), ("zh-CN", "2018-05-10")])
def test_numeric_dates_are_read_in_the_order_the_pages_language_writes_them(lang: str, expected: str):
    page = _page("<small class='text-muted'><b>05/10/2018</b> - Publicado por: Clarissa Borba</small>")
    page = page.replace("<html>", f"<html lang='{lang}'>" if lang else "<html>")
    assert extract(page, default_tz="America/Sao_Paulo").published_at.startswith(expected)


def _baijiahao(date_line: str, head: str = "") -> str:
    body = "".join(f"<p>这是第{n}段正文，讲述长三角地区数字经济的发展情况，包括算力、数据和人工智能等方面的进展。</p>"
                   for n in range(1, 5))
    return (f"<html><head><meta charset='utf-8'><title>示范标题</title>{head}</head><body><h2>示范标题</h2>"
            f"<p class='author-name'>加拿大必读</p><div class='article-source'>{date_line}</div>"
            f"<div class='article-content'>{body}</div></body></html>")


def test_a_labelled_short_date_takes_its_year_from_a_full_date_of_the_same_day(monkeypatch):
    monkeypatch.setenv("NEWSDESK_NOW", "2026-11-20T10:00:00+08:00")
    line = "<span class='date'>发布时间：10-08</span><span class='time'>12:00</span><span>优质原创作者</span>"
    # Baidu's pages print the day without its year; a <meta> however named says 2019 for the same day.
    head = "<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>"
    assert extract(_baijiahao(line, head)).published_at == "2019-10-08T12:00:00+08:00"
    # Without one, the year is the crawl's, as for 09月07日.
    assert extract(_baijiahao(line)).published_at == "2026-10-08T12:00:00+08:00"


def test_a_labelled_date_with_a_two_digit_year():
    line = "<span class='date'>发布时间：18-03-08</span><span class='time'>23:16</span>"
    assert extract(_baijiahao(line)).published_at == "2018-03-08T23:16:00+08:00"


def test_a_wechat_articles_date_is_read_from_its_script():
    body = "".join(f"<p>这是第{n}段正文，讲述长三角地区数字经济的发展情况，包括算力、数据和人工智能等方面的进展。</p>"
                   for n in range(1, 5))
    html = ("<html><head><meta charset='utf-8'><title>示范标题</title></head><body><div id='img-content' "
            "class='rich_media_wrp'><h2 class='rich_media_title' id='activity-name'>示范标题</h2>"
            "<div class='rich_media_meta_list'><em id='publish_time' class='rich_media_meta rich_media_meta_text'>"
            f"昨天</em></div><div class='rich_media_content' id='js_content'>{body}</div></div>"
            "<script>var nickname = \"示范公众号\"; var ct = \"1581517074\"; var publish_time = \"\";</script>"
            "</body></html>")
    assert extract(html, default_tz="Asia/Shanghai").published_at == "2020-02-12T22:17:54+08:00"
