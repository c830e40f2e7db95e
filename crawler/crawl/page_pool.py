"""The crawl's CPU work (decoding, extraction, fingerprints, classification) in worker processes: off the
reactor's thread and on every core, while the crawl's own process keeps the network and the store.

Why processes forked from the crawl: they start at once with the crawl's settings and the learned model it
read, and each builds its classifier (its rules, jieba's dictionary, the encoder's graph: about a second)
while the crawl's process reads robots.txt and the first feeds. Each page goes to a worker and comes back as a
candidate (or the reason it is not one); the store's lookups and writes stay in the crawl's process, one
writer. Memory is bounded by Scrapy's back-pressure: a response counts toward SCRAPER_SLOT_MAX_ACTIVE_SIZE
until its item has left the pipelines, and the engine downloads nothing more while that is full.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from scrapy.exceptions import DropItem, NotConfigured

from crawler.articles import FetchedPage, PageWork, Worked
from crawler.crawl.context import context_of
from crawler.crawl.pipelines import NotText, Skipped
from crawler.crawl.runs import RunBook

logger = logging.getLogger(__name__)

# This worker process's PageWork, set once by the pool's initializer (inherited through fork, never pickled).
# The crawl's own process never sets it.
_work_in_this_worker: PageWork | None = None


def _adopt(work: PageWork) -> None:
    global _work_in_this_worker
    _work_in_this_worker = work
    # Ctrl-C reaches every process of the terminal's group: the crawl decides how to stop, not its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    work.prepare()   # the classifier, loaded here while the crawl's process sends its first requests


def _work(page: FetchedPage) -> Worked:
    return _work_in_this_worker(page)


def _ready() -> int:
    return os.getpid()


def worker_count(setting: int) -> int:
    """The `workers` setting: that many processes; 0, one per core."""
    return setting if setting > 0 else (os.cpu_count() or 1)


class PagePool:
    """Runs PageWork on pages: in `workers` forked processes, or in this process when workers is 0."""

    def __init__(self, work: PageWork, workers: int) -> None:
        self.work = work
        self.executor: ProcessPoolExecutor | None = None
        if workers > 0:
            self.executor = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_adopt,
                                                initargs=(work,))
            # Fork them now, before Scrapy's reactor starts threads: a fork in a threaded process can deadlock.
            # A "fork" pool forks all its workers in the first submit; not waiting for the answer lets the crawl
            # start while they load the classifier.
            self.executor.submit(_ready)

    async def run(self, page: FetchedPage) -> Worked:
        if self.executor is None:
            return self.work(page)
        try:
            return await asyncio.wrap_future(self.executor.submit(_work, page))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the crawl goes on in its own process.
            logger.warning("a page worker process died; the rest of the crawl works in its own process")
            self.executor = None
            return self.work(page)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


class PageWorkPipeline:
    """FetchedPage -> Candidate, worked in the crawl's pool (crawler/articles.py says what is done): extracted,
    canonical, fingerprinted and classified; a page that is not an article is dropped with its reason."""

    def __init__(self, pool: PagePool, runs: RunBook | None) -> None:
        self.pool = pool
        self.runs = runs

    @classmethod
    def from_crawler(cls, crawler):
        context = context_of(crawler)
        if context is None or context.pool is None:
            raise NotConfigured("no page pool: the crawl's runner makes one")
        return cls(context.pool, context.runs)

    async def process_item(self, page: FetchedPage, spider=None):
        worked = await self.pool.run(page)
        run = self.runs.get(page.source) if self.runs is not None else None
        if run is not None:
            for url, message in worked.notes:
                run.tally.note(url, message)
        if worked.refusal is not None:
            kind = {"skipped": Skipped, "not_text": NotText}.get(worked.refusal.kind, DropItem)
            raise kind(str(worked.refusal))
        return worked.candidate
