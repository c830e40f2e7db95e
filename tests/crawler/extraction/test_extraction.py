"""Article extraction: golden pages with their expected JSON, edge cases, and the public benchmarks' thresholds."""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import REPO, shared_data

from crawler.extraction import Article, extract, extract_bytes

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_PAGES = sorted(GOLDEN.glob("*.html"))


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=[page.stem for page in GOLDEN_PAGES])
def test_golden_page(page: Path):
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    given = expected["input"]
    article = extract_bytes(page.read_bytes(), given["url"], given["content_type"])
    assert article.to_dict() == expected["article"]


def test_every_golden_page_has_its_expected_json():
    assert len(GOLDEN_PAGES) >= 6
    assert all(page.with_suffix(".json").exists() for page in GOLDEN_PAGES)


def _page(head: str = "", body: str = "") -> str:
    paragraphs = "".join(
        f"<p>这是第{n}段正文，讲述长三角地区数字经济的发展情况，包括算力、数据和人工智能等方面的进展。</p>"
        for n in range(1, 5)
    )
    return (f"<html><head><meta charset='utf-8'><title>示范标题_示范网</title>{head}</head><body>"
            f"<div class='nav'><a href='/'>首页</a> <a href='/a'>新闻</a></div><h1>示范标题</h1>"
            f"{body}<div class='content'>{paragraphs}</div>"
            f"<div class='footer'>版权所有 2019-2024 示范网 京ICP备00000000号</div></body></html>")


def test_no_date_on_the_page_is_none_not_the_crawl_time():
    article = extract(_page())
    assert article.published_at is None
    assert "版权所有" not in article.text


def test_dates_in_related_links_and_footer_are_not_the_article_date():
    related = ("<ul class='related'><li><a href='/x'>另一篇文章的标题在这里 2024-01-01 08:00</a></li>"
               "<li><a href='/y'>又一篇文章的标题也在这里 2024-01-02 09:00</a></li></ul>")
    article = extract(_page(body=related))
    assert article.published_at is None


def test_visible_date_line_without_offset_reads_in_the_default_time_zone():
    page = _page(body="<div class='info'>发布时间：2023年07月26日 09:30　来源：新华社</div>")
    assert extract(page).published_at == "2023-07-26T09:30:00+08:00"
    assert extract(page, default_tz="Europe/Paris").published_at == "2023-07-26T09:30:00+02:00"
    assert extract(page).outlet == "新华社"


def test_date_from_the_url_is_a_date_only_last_resort():
    for url in ("http://www.example.gov.cn/art/2023/7/26/art_1_2.html",
                "http://www.example.gov.cn/zwgk/202307/t20230726_1002.html",
                "https://news.example.com/2023-07-26/story.html"):
        assert extract(_page(), url).published_at == "2023-07-26T00:00:00+08:00"
    assert extract(_page(), "http://www.example.gov.cn/zwgk/list_2.html").published_at is None


def test_meta_publication_time_keeps_its_offset():
    head = "<meta property='article:published_time' content='2024-06-03T14:30:00Z'>"
    assert extract(_page(head=head)).published_at == "2024-06-03T14:30:00+00:00"


def test_visible_time_shown_in_another_zone_keeps_the_declared_moment():
    head = "<meta property='article:published_time' content='2022-02-06T12:48:06+00:00'>"
    body = "<p class='dates'>发表时间：<time datetime='2022-02-06T12:48:06+00:00'>06/02/2022 - 13:48</time></p>"
    assert extract(_page(head=head, body=body)).published_at == "2022-02-06T13:48:00+01:00"


def test_modification_time_is_not_the_publication_time():
    body = "<div>2019-09-07 15:10:53 来源：示例</div><div>最后更新: 2019-09-07 15:14:21</div>"
    assert extract(_page(body=body)).published_at == "2019-09-07T15:10:53+08:00"


def test_title_without_site_suffix_variants():
    for title, expected in [
        ("标题一二三四_新华网", "标题一二三四"),
        ("标题一二三四 - 人民网", "标题一二三四"),
        ("A headline about chips | Example Site", "A headline about chips"),
        ("民间资本成投资活动的主体 民间资本路在何方-搜狐财经", "民间资本成投资活动的主体 民间资本路在何方"),
    ]:
        html = f"<html><head><title>{title}</title></head><body><p>正文内容。</p></body></html>"
        assert extract(html).title == expected


def test_headline_broken_over_lines_is_not_body():
    html = ("<html><head><meta charset='utf-8'><title>关于开展数据要素试点工作的通知_示范政府网</title></head><body>"
            "<div id='UCAP-CONTENT'><p><strong>关于开展数据要素<br>试点工作的通知</strong></p>"
            "<p>　　各区、各部门：为贯彻落实国家数据要素工作部署，现就开展试点工作通知如下，请认真组织实施。</p>"
            "<p>　　一、试点范围覆盖全市各区，重点支持公共数据授权运营和企业数据流通交易。</p></div></body></html>")
    article = extract(html)
    assert article.title == "关于开展数据要素试点工作的通知"
    assert article.text.startswith("各区、各部门")


def test_html_after_a_stray_closing_html_tag_is_read():
    html = ("<html><head><meta charset='utf-8'><title>通知正文_示范网</title></head><body>"
            "<div class='header'><a href='/'>首页</a></div></body></html>"
            "<div class='content'><p>这是在页面模板闭合之后才出现的正文，浏览器会照常显示，提取也不能丢掉它。</p></div>")
    assert "浏览器会照常显示" in extract(html).text


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "not html at all", "<p>", "\x00\x01\x02"])
def test_empty_or_odd_input_gives_an_empty_article(html: str):
    article = extract(html)
    assert isinstance(article, Article)
    assert article.published_at is None


def test_undecodable_bytes_never_raise():
    article = extract_bytes(bytes(range(256)) * 20, "http://example.com/a", "text/html; charset=x-unknown")
    assert isinstance(article.text, str)


def test_the_charset_the_text_was_read_with_is_carried_out():
    html = _page()
    assert extract(html).charset is None  # decoded text: nobody knows its bytes
    assert extract_bytes(html.replace("utf-8", "gb2312").encode("gbk"), "http://example.cn/a").charset == "gb18030"
    lying = extract_bytes(html.encode("gbk"), "http://example.cn/a", "text/html; charset=utf-8")
    assert lying.charset == "gb18030" and "长三角地区数字经济" in lying.text


def test_runs_of_white_space_are_collapsed_even_in_pre():
    english = "".join(f"<p>The regional data exchange opened a new trading floor on Monday, paragraph {n}, and "
                      "officials said more listings would follow within the year.</p>" for n in range(6))
    html = (f"<html><head><title>Data exchange opens</title></head><body><article><h1>Data exchange opens</h1>"
            f"{english}<pre>first   line{' ' * 1_000_000}same line\n\n\n  second line</pre></article></body></html>")
    text = extract(html, "https://example.org/a").text
    assert len(text) < 2_000
    assert "paragraph 5" in text and "first line same line\nsecond line" in text


def test_extraction_is_a_pure_function_of_its_input():
    page = (GOLDEN / "share_related_footer.html").read_bytes()
    assert extract_bytes(page, "https://a.example/x") == extract_bytes(page, "https://a.example/x")


# ---------------------------------------------------------------------------------------- public benchmarks

@lru_cache(maxsize=1)
def _benchmark():
    spec = importlib.util.spec_from_file_location("extraction_benchmark", REPO / "benchmarks" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def _scores(set_name: str):
    benchmark = _benchmark()
    loaders = {benchmark.CJK_SET: benchmark.load_chinese, benchmark.ENGLISH_SET: benchmark.load_english,
               benchmark.GNE_SET: benchmark.load_gne}
    page_set = loaders[set_name]()
    scores, _ = benchmark.run(page_set, "ours")
    return scores


def test_chinese_web_content_extraction_body_and_dates():
    shared_data("chinese-web-content-extraction")
    scores = _scores("chinese-web-content-extraction")
    assert not scores.failures
    assert scores.f1 >= 0.85, f"body F1 {scores.f1:.3f} (CJK-character shingles)"
    # 51: the 5 misses are labels we believe wrong (benchmarks/extraction.py names them); 35687fb1 was "right"
    # only while the post's own "September 10th, 2005" could not be read.
    assert scores.dates_right >= 51, f"{scores.dates_right}/{scores.dates_labelled} dates right"


def test_article_extraction_benchmark_not_below_trafilatura():
    shared_data("article-extraction-benchmark")
    scores = _scores("article-extraction-benchmark")
    assert not scores.failures
    assert scores.f1 >= 0.958, f"body F1 {scores.f1:.3f}; trafilatura's published figure is 0.958"


def test_gne_chinese_news_pages_all_extract():
    shared_data("gne-chinese-news")
    scores = _scores("gne-chinese-news")
    assert not scores.failures
    # Silver truth (another extractor's output): a floor against regressions, not a target.
    assert scores.f1 >= 0.90
    assert scores.titles_right >= 18


def test_project_pages_in_six_languages_extract():
    benchmark = _benchmark()
    page_set = benchmark.load_project_pages()
    assert len(page_set.pages) >= 100
    scores, predictions = benchmark.run(page_set, "ours")
    assert not scores.failures
    assert scores.f1 >= 0.97, f"body F1 {scores.f1:.3f}"
    assert scores.dates_right >= scores.dates_labelled - 2, f"{scores.dates_right}/{scores.dates_labelled} dates"
    assert scores.titles_right >= scores.titles_labelled - 2, f"{scores.titles_right}/{scores.titles_labelled} titles"
    front_pages = [page for page in page_set.pages if "front_page" in page.page_id]
    assert front_pages and all(predictions[page.page_id].text == "" for page in front_pages)


def test_project_pages_are_what_their_generator_writes(tmp_path: Path):
    generator = importlib.util.spec_from_file_location("generate_pages", REPO / "benchmarks" / "pages" / "generate.py")
    module = importlib.util.module_from_spec(generator)
    sys.path.insert(0, str(REPO / "benchmarks" / "pages"))
    try:
        generator.loader.exec_module(module)
        labels = module.generate(tmp_path)
    finally:
        sys.path.remove(str(REPO / "benchmarks" / "pages"))
    committed = REPO / "benchmarks" / "pages"
    assert len({label["language"] for label in labels.values()}) >= 6
    assert (tmp_path / "labels.json").read_text(encoding="utf-8") == (committed / "labels.json").read_text(encoding="utf-8")
    for page_id in labels:
        assert (tmp_path / f"{page_id}.html").read_bytes() == (committed / f"{page_id}.html").read_bytes(), page_id
