"""Each source's run inside the one crawl: its tally, what it has in flight, why it stops, when it is done.

One Scrapy crawler serves every source of a crawl, so a run is no longer a crawler's life: every request
carries its source's name (request.meta[RUN]) and every item its source, and a run is done when the requests
it made are answered (a redirect or a retry continues the request it replaces) and its items have left the
pipelines. The spider counts what it yields and what its callbacks finish; the run recorder counts items
as they leave the pipelines and closes the run when nothing of it is left (crawler.crawl.recorder).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.configuration.sources import Source
from crawler.crawl.items import RunTally

RUN = "newsdesk_run"       # request.meta: the name of the source whose run made the request

# Scrapy signals of a run (sent through the crawler's signal manager, as Scrapy's own are).
run_opened = object()      # run=SourceRun: its turn came and its first request is on its way
run_closed = object()      # run=SourceRun, reason=str: its record is closed (crawler.crawl.recorder)


@dataclass(eq=False)
class SourceRun:
    """One source's run: what it did so far (its tally) and what it still has in flight."""

    source: Source
    run_id: int | None = None                 # the run record's (none in a dry run)
    tally: RunTally = field(default_factory=RunTally)
    deadline: float | None = None             # time.monotonic() when it stops as timed_out (max_run_minutes)
    requests: int = 0                         # requests yielded and not yet answered
    items: int = 0                            # items yielded and not yet out of the pipelines
    fetches: int = 0                          # downloads asked for, toward max_pages_per_run
    stop_reason: str | None = None            # set: nothing more of it is fetched; it closes when in-flight work ends
    closed: bool = False
    downloaded: bool = False                  # nothing of it is left to download (its pages may still be worked)
    reader: Any = None                        # the spider's reading of the source (spiders/); dropped at close
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # conditional GET, to save
    errors_written: int = 0                   # how much of the tally its record has (crawler.crawl.recorder)
    notes_written: int = 0
    written_at: float = field(default_factory=time.monotonic)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def idle(self) -> bool:
        return self.requests == 0 and self.items == 0

    def stop(self, reason: str) -> None:
        """Fetch nothing more for this run (the first reason is the one recorded); in-flight work finishes."""
        if self.stop_reason is None:
            self.stop_reason = reason


class RunBook:
    """The runs of one crawl by source name; calls `on_downloaded(run)` once when a run has nothing left to
    download, and `on_idle(run)` when it has nothing left in flight."""

    def __init__(self) -> None:
        self.runs: dict[str, SourceRun] = {}
        self.open: set[SourceRun] = set()
        self.on_downloaded: Callable[[SourceRun], None] | None = None
        self.on_idle: Callable[[SourceRun], None] | None = None

    def start(self, source: Source, run_id: int | None) -> SourceRun:
        run = self.runs[source.name] = SourceRun(source, run_id)
        self.open.add(run)
        return run

    def get(self, name: str | None) -> SourceRun | None:
        return self.runs.get(name) if name is not None else None

    def of_request(self, request) -> SourceRun | None:
        return self.get(getattr(request, "meta", {}).get(RUN))

    def closed(self, run: SourceRun) -> None:
        run.closed = True
        run.reader = None
        self.open.discard(run)

    def request_answered(self, run: SourceRun) -> None:
        run.requests -= 1
        self.settle(run)

    def item_done(self, run: SourceRun) -> None:
        run.items -= 1
        self.settle(run)

    def counted(self, run: SourceRun, outputs: Iterable[Any] | None) -> Iterator[Any]:
        """A callback's outputs, each counted as in flight for its run; the request it answers ends with them."""
        from scrapy import Request   # here: the runner forks its page workers before Scrapy loads (page_pool.py)

        try:
            for output in outputs or ():
                if isinstance(output, Request):
                    output.meta.setdefault(RUN, run.name)
                    run.requests += 1
                else:
                    run.items += 1
                yield output
        finally:
            self.request_answered(run)

    def settle(self, run: SourceRun) -> None:
        """Say when nothing of the run is left to download (a callback counts the requests it yields before the
        one it answers ends, so none follows), and close it when nothing of it is in flight (a run whose start
        yielded nothing, too)."""
        if run.requests == 0 and not run.downloaded:
            run.downloaded = True
            if self.on_downloaded is not None:
                self.on_downloaded(run)
        if run.idle and not run.closed and self.on_idle is not None:
            self.on_idle(run)
