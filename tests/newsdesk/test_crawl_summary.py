"""The crawl's summary: a line per source and a total; a crawl of many sources lists those with something to say."""

from __future__ import annotations

from crawler.configuration.sources import Source
from crawler.crawl.items import RunTally
from crawler.crawl.runner import SourceResult
from newsdesk.render import SUMMARY_SOURCES_IN_FULL, summary_lines


def result(name: str, *, new: int = 0, errors: int = 0, note: str | None = None,
           not_run: str | None = None) -> SourceResult:
    tally = RunTally(pages=new, new=new)
    for n in range(errors):
        tally.error(f"https://{name}.example/{n}", "HTTP 500: the site is failing")
    if note:
        tally.note(None, note)
    return SourceResult(Source(name, "feed", f"https://{name}.example/feed.xml"), tally, not_run=not_run)


def test_a_few_sources_are_each_listed_and_totalled():
    lines = summary_lines([result("alpha", new=3), result("beta"), result("gamma", errors=1)])
    assert [line.split()[0] for line in lines[1:4]] == ["alpha", "beta", "gamma"]
    assert lines[-1] == "total: 3 sources (1 ok, 1 empty, 1 failed), 3 new, 0 duplicates, 1 errors"


def test_one_source_has_no_total():
    assert not any(line.startswith("total:") for line in summary_lines([result("alpha", new=1)]))


def test_ten_thousand_sources_list_only_those_with_something_to_say():
    results = [result(f"s{n}", new=1) for n in range(10_000)]
    results[17] = result("s17", errors=2)
    results[4242] = result("s4242", note="the feed moved to https://s4242.example/rss")
    results[9000] = result("s9000", not_run="not run: backing off until 14:00 (3 failures)")
    lines = summary_lines(results)
    names = [line.split()[0] for line in lines[1:] if not line.startswith((" ", "total", "("))]
    assert names == ["s17", "s4242", "s9000"]
    assert "total: 10,000 sources (9,997 ok, 1 failed, 1 empty, 1 not run), 9,997 new, 0 duplicates, 2 errors" in lines
    assert lines[-1] == ("(9,997 sources that ran without errors or notes are not listed; "
                         "`newsdesk sources health` shows every source)")
    assert len(lines) < 12


def test_up_to_the_threshold_every_source_is_listed():
    results = [result(f"s{n}", new=1) for n in range(SUMMARY_SOURCES_IN_FULL)]
    assert len(summary_lines(results)) == SUMMARY_SOURCES_IN_FULL + 2   # the header and the total
