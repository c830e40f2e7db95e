"""What a crawl tells a person watching it: what is loading, each source as it starts and ends, and the articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TextIO

from crawler.crawl.runs import run_closed, run_opened


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
        """Follow the crawl's runs through its crawler's signals."""
        from scrapy import signals   # here: the crawl's page workers are forked before Scrapy loads

        crawler.signals.connect(self.source_started, signal=run_opened, weak=False)
        crawler.signals.connect(self.source_finished, signal=run_closed, weak=False)
        if self.articles:
            crawler.signals.connect(self.article, signal=signals.item_scraped, weak=False)

    def source_started(self, run) -> None:
        self.echo(f"  {run.name}: started")

    def source_finished(self, run, reason: str) -> None:
        self.finished += 1
        self.new += run.tally.new
        errors = f", {len(run.tally.errors)} errors" if run.tally.errors else ""
        self.echo(f"  {run.name}: finished, {run.tally.new} new{errors} "
                  f"({self.new} new so far; {self.finished} of {self.sources} sources done)")

    def article(self, item, response, spider) -> None:
        self.echo(f"  {item.source}: + {(item.title or item.url)[:60]}")
