"""The order sources run in (a site's one after another, a few sites side by side), fed lazily to the crawl's one
crawler, and stopping it all within seconds on SIGINT or SIGTERM."""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.configuration.sources import Source
from crawler.crawl.interruption import Interruption
from crawler.crawl.runs import SourceRun
from crawler.formats.canonical import site_of

logger = logging.getLogger(__name__)

# A graceful stop waits for the downloads in flight; a site trickling a page must not hold an interrupt
# for the whole download timeout, so after this long the reactor is stopped and the crawl closes the runs.
GRACE_SECONDS = 3.0


class SourceQueue:
    """The sources of a crawl in the order their runs start: a site's sources one after another (a source's
    time limit counts its own time, not its turn's wait), up to `sites_at_once` sites side by side. The spider
    takes the runs lazily (`runs()`); a run that has nothing left to download (`turn_over`) lets the next of its
    site start, while the page pool may still be working its pages: a turn is the site's network time, so the
    next site's downloads (a slow site's second-long answers, too) overlap the CPU work of the last one's pages.

    `begin(source)` starts a run (its record, and whatever the crawl holds for it); what it raises is kept in
    `failures` and the site goes on with its next source.
    """

    def __init__(self, sources: list[Source], *, sites_at_once: int, begin: Callable[[Source], SourceRun]) -> None:
        by_site: dict[str, deque[Source]] = defaultdict(deque)
        for source in sources:
            by_site[site_of(source.url)].append(source)
        self.waiting: deque[deque[Source]] = deque(by_site.values())
        self.sites_at_once = max(1, sites_at_once)
        self.begin = begin
        self.ready: deque[Source] = deque()        # sources whose turn has come
        self.sites: dict[str, deque[Source]] = {}  # a source running -> the rest of its site
        self.started: set[str] = set()
        self.failures: dict[str, BaseException] = {}
        self.stopping = False
        self.wakeup: Deferred | None = None
        while self.waiting and len(self.ready) < self.sites_at_once:
            self._take(self.waiting.popleft())

    def _take(self, site: deque[Source]) -> None:
        source = site.popleft()
        self.sites[source.name] = site
        self.ready.append(source)

    async def runs(self) -> AsyncIterator[SourceRun]:
        """Each source's run when its turn comes, until every source ran or the crawl stops."""
        while not self.stopping:
            if self.ready:
                source = self.ready.popleft()
                self.started.add(source.name)
                try:
                    run = self.begin(source)
                except Exception as exc:   # its lock is held, the database is busy: said in its summary line
                    self.failures[source.name] = exc
                    self._next_after(source.name)
                    continue
                yield run
            elif self.sites:
                self.wakeup = Deferred()
                await maybe_deferred_to_future(self.wakeup)
            else:
                return

    def turn_over(self, run: SourceRun) -> None:
        """A run has nothing left to download: the next source of its site (else of the next waiting site) may
        start. Said again, it does nothing."""
        self._next_after(run.name)
        self._wake()

    def _next_after(self, name: str) -> None:
        site = self.sites.pop(name, None)
        if site is None:
            return
        if site:
            self._take(site)
        elif self.waiting:
            self._take(self.waiting.popleft())

    def stop(self) -> None:
        """No source starts any more."""
        self.stopping = True
        self._wake()

    def _wake(self) -> None:
        if self.wakeup is not None and not self.wakeup.called:
            wakeup, self.wakeup = self.wakeup, None
            wakeup.callback(None)


class CrawlQueue:
    """Runs the crawl's one crawler in this process's reactor until every source ran or a signal came."""

    def __init__(self, process: CrawlerProcess, crawler: Crawler, sources: SourceQueue, *,
                 interruption: Interruption, **spider_arguments: Any) -> None:
        self.process = process
        self.crawler = crawler
        self.sources = sources
        self.interruption = interruption
        self.spider_arguments = spider_arguments
        self.failure: BaseException | None = None    # why the crawler could not run, if it could not
        self.stopping = False

    def run(self) -> None:
        """Blocks until every source ran, or until a signal stopped the crawl."""
        if self.interruption.signum is not None:
            return
        settings = self.process.settings
        # The crawler would install Scrapy's reactor when built; here it must run before that.
        if not is_reactor_installed():
            install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
        from twisted.internet import reactor
        self.interruption.listener = self._interrupt
        reactor.callWhenRunning(self._start)
        try:
            self.process.start(stop_after_crawl=False, install_signal_handlers=False)
        finally:
            self.interruption.listener = None

    def _start(self) -> None:
        if self.interruption.signum is not None:
            self._interrupt(True)
            return
        try:
            done = self.process.crawl(self.crawler, runs=self.sources.runs(), **self.spider_arguments)
        except Exception as exc:
            self.failure = exc
            self._stop_now()
            return

        def ended(result: Any) -> None:
            if isinstance(result, Failure):
                self.failure = result.value
            self._stop_now()

        done.addBoth(ended)

    def _interrupt(self, first: bool) -> None:
        """No source starts any more; running ones stop gracefully, or at once after GRACE_SECONDS or a
        second signal."""
        from twisted.internet import reactor
        if not first or self.stopping:
            self._stop_now()
            return
        self.stopping = True
        self.sources.stop()
        if self.crawler.crawling:
            deferred_from_coro(self.crawler.stop_async()).addErrback(
                lambda failure: logger.debug("stopping the crawler: %s", failure.value))
        else:
            self._stop_now()
        reactor.callLater(GRACE_SECONDS, self._stop_now)

    def _stop_now(self) -> None:
        from twisted.internet import reactor
        with contextlib.suppress(RuntimeError):   # stopped already
            reactor.stop()
