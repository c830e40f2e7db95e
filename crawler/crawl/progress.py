"""What a crawl tells a person watching it: what is loading, each source as it starts and ends, and the articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TextIO

from scrapy import signals


@dataclass
class CrawlProgress:
    """Progress lines, each handed to `echo`. With articles=False (the demo) one line per source started and
    finished, with the running count of new articles; with articles=True (`newsdesk crawl` on a terminal) a line
    per article as well."""

    echo: Callable[[str], None]
    articles: bool = True
    sources: int = 0
    finished: int = 0
    new: int = 0

    @classmethod
    def to_stream(cls, stream: TextIO, *, articles: bool = True) -> "CrawlProgress":
        def echo(line: str) -> None:
            stream.write(line + "\n")
            stream.flush()
        return cls(echo, articles)

    def loading(self, encoder: str) -> None:
        with_encoder = f" and the encoder {encoder}" if encoder.lower() != "none" else ""
        self.echo(f"loading the classifier: sections.yaml{with_encoder} ...")

    def starting(self, sources: int) -> None:
        self.sources = sources
        self.echo(f"crawling {sources} source{'s' if sources != 1 else ''}")

    def watch(self, crawler) -> None:
        """Follow one source's crawler through its signals."""
        crawler.signals.connect(self.source_started, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(self.source_finished, signal=signals.spider_closed, weak=False)
        if self.articles:
            crawler.signals.connect(self.article, signal=signals.item_scraped, weak=False)

    def source_started(self, spider) -> None:
        self.echo(f"  {spider.source.name}: started")

    def source_finished(self, spider, reason: str) -> None:
        self.finished += 1
        self.new += spider.tally.new
        errors = f", {len(spider.tally.errors)} errors" if spider.tally.errors else ""
        self.echo(f"  {spider.source.name}: finished, {spider.tally.new} new{errors} "
                  f"({self.new} new so far; {self.finished} of {self.sources} sources done)")

    def article(self, item, response, spider) -> None:
        self.echo(f"  {spider.source.name}: + {(item.title or item.url)[:60]}")
