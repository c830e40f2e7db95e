"""Trafilatura's fallbacks (readability, justext) run only where they can change its text (extraction/body.py)."""

from __future__ import annotations

import pytest
from conftest import shared_data
from test_extraction import _benchmark

from crawler.extraction import body, extract_bytes
from crawler.extraction.document import parse_html

ARTICLE = "".join(f"<p>Paragraph {n} of a report on the city's new budget, long enough to be read as prose by any "
                  f"extractor that looks for sentences.</p>" for n in range(8))


@pytest.fixture
def runs(monkeypatch):
    """Each trafilatura run as (fast,), answering with the text a test sets for that mode."""
    answers = {True: "", False: ""}
    calls: list[bool] = []

    def run(root, url, fast):
        calls.append(fast)
        return answers[fast]

    monkeypatch.setattr(body, "_run_trafilatura", run)
    return answers, calls


def _page(inner: str = ARTICLE) -> object:
    return parse_html(f"<html><body><article>{inner}</article></body></html>")


def test_its_own_text_is_kept_when_it_is_long_and_near_the_density_bodys(runs):
    answers, calls = runs
    answers[True] = "x" * 1000
    assert body._trafilatura(_page(), None, density_chars=1200) == "x" * 1000
    assert calls == [True]


@pytest.mark.parametrize("own, density", [(200, 300), (1000, 1600)], ids=["short", "density-body-longer"])
def test_the_fallbacks_run_where_its_own_text_is_short_or_the_density_body_is_longer(runs, own, density):
    answers, calls = runs
    answers[True], answers[False] = "x" * own, "y" * 1500
    assert body._trafilatura(_page(), None, density_chars=density) == "y" * 1500
    assert calls == [True, False]


@pytest.mark.parametrize("page, density", [
    (ARTICLE, 100),
    ("<table><tr><td>Results</td></tr></table>" * 8 + ARTICLE, 1200),
    ("<div>" + "A line of a page without paragraphs. " * 50 + "</div>", 1200),
], ids=["density-body-short", "more-tables-than-paragraphs", "no-paragraphs"])
def test_the_fallbacks_run_at_once_where_they_are_known_to_matter(runs, page, density):
    answers, calls = runs
    answers[False] = "whole"
    assert body._trafilatura(_page(page), None, density_chars=density) == "whole"
    assert calls == [False]


def test_the_text_is_what_running_the_fallbacks_always_gives_on_real_pages(monkeypatch):
    shared_data("article-extraction-benchmark")
    benchmark = _benchmark()
    pages = benchmark.load_english().pages + benchmark.load_project_pages().pages
    gated = body._trafilatura
    differ: list[str] = []
    once = []

    def both(root, url, density_chars):
        runs: list[bool] = []
        run = body._run_trafilatura

        def counted(*args, fast):
            runs.append(fast)
            return run(*args, fast=fast)

        monkeypatch.setattr(body, "_run_trafilatura", counted)
        text = gated(root, url, density_chars)
        monkeypatch.setattr(body, "_run_trafilatura", run)
        if text != run(root, url, fast=False):
            differ.append(url)
        once.append(runs == [True])
        return text

    monkeypatch.setattr(body, "_trafilatura", both)
    for page in pages:
        extract_bytes(page.body, page.url)
    assert not differ
    # And the saving is real: on most pages trafilatura ran once, without its fallbacks.
    assert len(once) > 150 and sum(once) > 0.8 * len(once), f"{sum(once)} of {len(once)}"

