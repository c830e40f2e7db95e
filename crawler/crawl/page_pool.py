"""The crawl's CPU work (decoding, extraction, fingerprints, classification) in worker processes: off the
reactor's thread and on every core, while the crawl's own process keeps the network and the store.

Why processes forked from the crawl: they start at once with the crawl's settings and the learned model it
read, and each builds its classifier (its rules, jieba's dictionary, the encoder's graph: about a second)
while the crawl's process imports Scrapy, reads robots.txt and the first feeds: the runner forks them before it
imports Scrapy (so this module imports none), when the process has no thread yet and the other cores idle.
Each page goes to a worker (crawler.crawl.pipelines.PageWorkPipeline sends it) and comes back as a candidate
(or the reason it is not one); the store's lookups and writes stay in the crawl's process, one writer. Memory
is bounded by Scrapy's back-pressure: a response counts toward SCRAPER_SLOT_MAX_ACTIVE_SIZE until its item has
left the pipelines, and the engine downloads nothing more while that is full.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from crawler.articles import FetchedPage, PageWork, Worked

logger = logging.getLogger(__name__)

# This worker process's PageWork, set once by the pool's initializer (inherited through fork, never pickled).
# The crawl's own process never sets it.
_work_in_this_worker: PageWork | None = None
PARENT_CHECK_SECONDS = 1.0


def _adopt(work: PageWork, crawl: int) -> None:
    global _work_in_this_worker
    _work_in_this_worker = work
    # Ctrl-C reaches every process of the terminal's group: the crawl decides how to stop, not its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_end_with, args=(crawl,), name="crawl-watch", daemon=True).start()
    work.prepare()   # the classifier, loaded here while the crawl's process sends its first requests
    gc.freeze()      # and kept for the worker's life: the collector need not walk it again


def _end_with(crawl: int) -> None:
    """End this worker when the crawl's process is gone. A crawl killed outright (the scheduler's hard time limit,
    kill -9, the OOM killer) cannot close its pool, and a forked worker never sees its queue's pipe close (it
    holds the pipe's other end itself): it would wait, and hold its memory, for ever."""
    while os.getppid() == crawl:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


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
                                                initargs=(work, os.getpid()))
            # Fork them now, before any thread starts (Scrapy's reactor has threads): a fork in a threaded process
            # can deadlock.
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
