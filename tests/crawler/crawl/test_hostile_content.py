"""What Newsdesk does with the bytes hostile or broken sites serve, crawled for real from a test server:
pages that lie about their charset, binary served as HTML, endless text, feeds broken before their first entry."""

from __future__ import annotations

import random

from conftest import cli, queue_rows, write_sources
from support.pages import STORIES, article, rss

from crawler.articles import FetchedPage, extract_candidate
from crawler.crawl.settings import scrapy_settings
from db import Store

ENGLISH = "".join(f"<p>The regional data exchange opened a new trading floor on Monday (report {n}); officials "
                  "said more listings would follow within the year.</p>" for n in range(6))


def english_page(title: str, extra: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{ENGLISH}{extra}</article></body></html>")


def crawl_feed(server, tmp_path, pages: dict[str, tuple[str, bytes, str]], **settings):
    """Serve each page (path: title, bytes, Content-Type) behind one RSS feed, crawl it, return (home, run)."""
    for path, (_, body, content_type) in pages.items():
        server.add(path, body, content_type=content_type)
    server.add("/feed.xml", rss(server, [(title, path) for path, (title, _, _) in pages.items()]),
               content_type="application/rss+xml")
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, [{"name": "site", "kind": "feed", "url": server.url + "/feed.xml"}], **settings)
    result = cli("--home", str(home), "crawl")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    with Store(home / "newsdesk.db") as store:
        run = store.last_run("site")
    return home, run


def errors_by_path(server, run, kind: str = "errors") -> dict[str, str]:
    return {(e["url"] or "").removeprefix(server.url): e["message"] for e in run[kind]}


def test_pages_that_lie_about_their_charset_in_header_and_meta_are_stored_readable(server, tmp_path):
    utf8_lie = article("安徽省数据资源局发布通知", paragraphs=STORIES["ahgov"], charset="utf-8").encode("gbk")
    latin1_lie = article("江苏省印发智能制造行动方案", paragraphs=STORIES["jsgov"], charset="iso-8859-1").encode("gbk")
    home, run = crawl_feed(server, tmp_path, {
        "/utf8-lie.html": ("安徽省数据资源局发布通知", utf8_lie, "text/html; charset=utf-8"),
        "/latin1-lie.html": ("江苏省印发智能制造行动方案", latin1_lie, "text/html; charset=iso-8859-1"),
    })
    assert (run["new"], run["errors"]) == (2, [])
    stored = {row["fetched_url"].removeprefix(server.url): row for row in queue_rows(home, "--all", "--any-status")}
    assert STORIES["ahgov"][0] in stored["/utf8-lie.html"]["text"]
    assert STORIES["jsgov"][0] in stored["/latin1-lie.html"]["text"]
    assert stored["/latin1-lie.html"]["title"] == "江苏省印发智能制造行动方案"
    # The codec used is recorded with each story, for whoever checks a garbled one.
    assert {row["charset"] for row in stored.values()} == {"gb18030"}


def test_binary_and_wordless_pages_are_refused_with_a_reason_and_padding_is_collapsed(server, tmp_path):
    garbage = random.Random(149_392).randbytes(200_000)
    wordless = ("<html><head><title>x</title></head><body><article><p>"
                + "=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=- ***** ~~~~~ |||||<br>" * 500 + "</p></article></body></html>")
    padded = english_page("Data exchange opens", f"<pre>table{' ' * 1_000_000}end</pre>")
    home, run = crawl_feed(server, tmp_path, {
        "/garbage.html": ("Binary", garbage, "text/html"),
        "/wordless.html": ("Rules", wordless.encode(), "text/html; charset=utf-8"),
        "/padded.html": ("Data exchange opens", padded.encode(), "text/html; charset=utf-8"),
    })
    errors = errors_by_path(server, run)
    assert set(errors) == {"/garbage.html", "/wordless.html"}, errors
    assert errors["/garbage.html"].startswith("not text: ")
    assert errors["/garbage.html"].endswith("% control or undecodable characters; not stored")
    assert errors["/wordless.html"].startswith("not text: no words: only ")
    assert run["status"] == "partial" and run["new"] == 1
    [stored] = queue_rows(home, "--all", "--any-status")
    assert stored["fetched_url"] == server.url + "/padded.html"
    assert "report 5" in stored["text"] and len(stored["text"]) < 2_000


def test_a_megabyte_of_one_word_is_cut_to_max_text_chars_and_the_run_says_so(server, tmp_path):
    one_word = english_page("Data data data", "<p>" + "data " * 200_000 + "</p>")
    home, run = crawl_feed(server, tmp_path, {"/data.html": ("Data data data", one_word.encode(), "text/html")})
    assert errors_by_path(server, run, "notes") == {"/data.html": "text cut to 200,000 characters (max_text_chars)"}
    assert run["errors"] == [] and run["status"] == "ok"   # a note, not a failure
    [stored] = queue_rows(home, "--all", "--any-status")
    assert 190_000 < len(stored["text"]) <= 200_000 and stored["text"].endswith("data")


def test_a_long_text_is_cut_at_a_paragraph_end_under_max_text_chars(server, tmp_path):
    paragraphs = [f"第{n}段。" + STORIES["chip"][n % 3] * 3 for n in range(60)]
    page = article("芯片产线投产", paragraphs=paragraphs)
    home, run = crawl_feed(server, tmp_path, {"/long.html": ("芯片产线投产", page.encode(), "text/html")},
                           max_text_chars=3_000)
    assert errors_by_path(server, run, "notes") == {"/long.html": "text cut to 3,000 characters (max_text_chars)"}
    [stored] = queue_rows(home, "--all", "--any-status")
    text = stored["text"]
    assert 2_000 < len(text) <= 3_000
    last = text.split("\n")[-1]
    assert last in paragraphs, "the text ends with a whole paragraph"


def test_a_feed_broken_before_its_first_entry_is_an_error_that_says_why(server, tmp_path):
    s = server
    s.add("/1.html", article("数据要素市场启动", paragraphs=STORIES["data"]))
    broken = rss(s, [("数据要素市场启动", "/1.html")]).replace("<item>", "\n<!-- ad slot, never closed\n<item>")
    s.add("/broken.xml", broken, content_type="application/rss+xml")
    damaged = rss(s, [("数据要素市场启动", "/1.html")]).replace("<title>T</title>", "<title>A & B</title>")
    s.add("/damaged.xml", damaged, content_type="application/rss+xml")
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, [{"name": "broken", "kind": "feed", "url": s.url + "/broken.xml"},
                         {"name": "damaged", "kind": "feed", "url": s.url + "/damaged.xml"}])
    result = cli("--home", str(home), "crawl", "--source", "broken")
    message = ("the feed is malformed and no entry could be read: unclosed token at line 2; "
               "check it in a browser or ask the site")
    assert result.returncode == 1 and message in result.stdout
    with Store(home / "newsdesk.db") as store:
        run = store.last_run("broken")
    assert run["status"] == "failed"
    assert [(e["url"], e["message"]) for e in run["errors"]] == [(s.url + "/broken.xml", message)]
    # Damage the parser reads past keeps the entries and stays a warning in the log, not an error.
    assert cli("--home", str(home), "crawl", "--source", "damaged").returncode == 0
    with Store(home / "newsdesk.db") as store:
        run = store.last_run("damaged")
    assert (run["status"], run["new"], run["errors"]) == ("ok", 1, [])


def test_the_extract_stage_records_the_charset_and_takes_its_cap_from_the_crawl_settings():
    cap = scrapy_settings({"max_text_chars": 100})["NEWSDESK_MAX_TEXT_CHARS"]
    lying = article("安徽省数据资源局发布通知", paragraphs=STORIES["ahgov"], charset="utf-8").encode("gbk")
    notes = []
    candidate = extract_candidate(FetchedPage("site", "http://x.cn/1.html", lying, "text/html; charset=utf-8"),
                                  max_text_chars=cap, notes=notes)
    assert notes == [("http://x.cn/1.html", "text cut to 100 characters (max_text_chars)")]
    assert candidate.charset == "gb18030"
    assert candidate.text == "\n".join(STORIES["ahgov"][:2]), "cut at the last paragraph end under 100"
