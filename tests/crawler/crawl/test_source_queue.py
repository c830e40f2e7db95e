"""The order of a crawl's sources: a site's sources one after another, a few sites side by side, and a site's
turn over when nothing of it is left to download, while its pages may still be worked (crawler/crawl/queue.py)."""

from __future__ import annotations

import asyncio

from crawler.configuration.sources import Source
from crawler.crawl.queue import SourceQueue
from crawler.crawl.runs import RunBook


def _queue(sites: dict[str, list[str]], sites_at_once: int) -> tuple[RunBook, SourceQueue]:
    book = RunBook()
    sources = [Source(name, "feed", f"http://{site}.example/{name}.xml") for site, names in sites.items()
               for name in names]
    queue = SourceQueue(sources, sites_at_once=sites_at_once, begin=lambda source: book.start(source, None))
    book.on_downloaded = queue.turn_over
    return book, queue


def _take_ready(queue: SourceQueue) -> list:
    """The runs whose turn has come (only those: runs() would wait for the next turn)."""
    async def take(runs, count):
        return [await anext(runs) for _ in range(count)]
    return asyncio.run(take(queue.runs(), len(queue.ready)))


def test_a_sites_turn_passes_when_its_downloads_are_done_though_its_pages_are_still_worked():
    book, queue = _queue({"a": ["a1", "a2"], "b": ["b1"], "c": ["c1"]}, sites_at_once=2)
    a1, b1 = _take_ready(queue)
    assert [a1.name, b1.name] == ["a1", "b1"]
    a1.requests, b1.requests = 2, 1

    # a1's first page is fetched: it goes to the pool as an item; one download is still in flight.
    list(book.counted(a1, [{"page": 1}]))
    assert not queue.ready and a1.items == 1
    # Its second page fetched too: nothing of a1 is left to download, its pages are still being worked.
    list(book.counted(a1, [{"page": 2}]))
    assert a1.downloaded and not a1.idle and not a1.closed
    assert [source.name for source in queue.ready] == ["a2"], "the site's next source starts"

    # Said again: nothing more starts for it.
    queue.turn_over(a1)
    assert [source.name for source in queue.ready] == ["a2"]

    list(book.counted(b1, []))
    assert [source.name for source in queue.ready] == ["a2", "c1"], "the next waiting site takes b's turn"


def test_a_run_that_yields_requests_from_its_answers_keeps_its_turn_until_they_are_answered():
    book, queue = _queue({"a": ["a1", "a2"]}, sites_at_once=1)
    (a1,) = _take_ready(queue)
    a1.requests = 1
    # The listing page answers with the next page to fetch: the request it answers ends after its outputs.
    list(book.counted(a1, [_request("http://a.example/page2.html")]))
    assert a1.requests == 1 and not a1.downloaded and not queue.ready
    list(book.counted(a1, []))
    assert a1.downloaded and [source.name for source in queue.ready] == ["a2"]


def _request(url: str):
    from scrapy import Request

    return Request(url)
