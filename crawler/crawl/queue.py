"""The order sources run in (a site's one after another, a few sites side by side), and stopping it all
within seconds on SIGINT or SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from crawler.configuration.sources import Source
from crawler.formats.canonical import site_of

logger = logging.getLogger(__name__)

# A graceful stop waits for the downloads in flight; a site trickling a page must not hold an interrupt
# for the whole download timeout, so after this long the reactor is stopped and the crawl closes the runs.
GRACE_SECONDS = 3.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interruption:
    """The first SIGINT or SIGTERM asks the crawl to stop; a second one to stop at once."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.listener: Callable[[bool], None] | None = None   # called in the reactor's thread

    def received(self, signum: int, frame: Any = None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        if self.listener is not None:
            from twisted.internet import reactor
            reactor.callFromThread(self.listener, first)


@contextlib.contextmanager
def interruptible() -> Iterator[Interruption]:
    """Catch SIGINT and SIGTERM while the block runs (Python's own handlers come back afterwards)."""
    interruption = Interruption()
    if threading.current_thread() is not threading.main_thread():   # only the main thread may set handlers
        yield interruption
        return
    previous = {signum: signal.signal(signum, interruption.received) for signum in STOP_SIGNALS}
    try:
        yield interruption
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class CrawlQueue:
    """Runs each source's crawler in its turn, in this process's reactor, until all ran or a signal came.

    `begin(source)` is called just before a source's crawler is built and returns the spider's extra
    arguments; what it raises, or what building the crawler raises, is kept in `failures`.
    """

    def __init__(self, process: CrawlerProcess, crawlers: list[tuple[Source, Crawler]], *, sites_at_once: int,
                 begin: Callable[[Source], dict], interruption: Interruption) -> None:
        by_site: dict[str, deque] = defaultdict(deque)
        for source, crawler in crawlers:
            by_site[site_of(source.url)].append((source, crawler))
        self.process = process
        self.waiting = deque(by_site.values())
        self.sites_at_once = max(1, sites_at_once)
        self.begin = begin
        self.interruption = interruption
        self.started: set[int] = set()                      # id() of each crawler whose turn came
        self.failures: dict[int, BaseException] = {}        # id() of a crawler -> why it failed to run
        self.running: set[Crawler] = set()
        self.sites_running = 0
        self.stopping = False

    def run(self) -> None:
        """Blocks until every source ran, or until a signal stopped the crawl."""
        if self.interruption.signum is not None or not self.waiting:
            return
        settings = self.process.settings
        # The first crawler would install Scrapy's reactor when built; here it must run before that.
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
        while self.waiting and self.sites_running < self.sites_at_once and not self.stopping:
            self.sites_running += 1
            self._next(self.waiting.popleft())
        self._stop_when_done()

    def _next(self, site: deque) -> None:
        """The site's next source, else the next waiting site, else this turn of the queue is over."""
        from twisted.internet import reactor
        if self.stopping:
            site.clear()
        if site:
            source, crawler = site.popleft()
            # Later, not from inside this crawl's callbacks: a crawler that fails at once would recurse.
            self._crawl(source, crawler).addBoth(lambda _: reactor.callLater(0, self._next, site))
            return
        if self.waiting and not self.stopping:
            self._next(self.waiting.popleft())
            return
        self.sites_running -= 1
        self._stop_when_done()

    def _crawl(self, source: Source, crawler: Crawler) -> Deferred:
        self.started.add(id(crawler))
        try:
            done = self.process.crawl(crawler, source=source, **self.begin(source))
        except Exception as exc:
            self.failures[id(crawler)] = exc
            return succeed(None)
        self.running.add(crawler)

        def ended(result: Any) -> None:
            self.running.discard(crawler)
            if isinstance(result, Failure):
                self.failures.setdefault(id(crawler), result.value)

        return done.addBoth(ended)

    def _interrupt(self, first: bool) -> None:
        """No source starts any more; running ones stop gracefully, or at once after GRACE_SECONDS or a
        second signal."""
        from twisted.internet import reactor
        if not first or self.stopping:
            self._stop_now()
            return
        self.stopping = True
        for crawler in list(self.running):
            deferred_from_coro(crawler.stop_async()).addErrback(
                lambda failure: logger.debug("stopping a crawler: %s", failure.value))
        reactor.callLater(GRACE_SECONDS, self._stop_now)
        self._stop_when_done()

    def _stop_when_done(self) -> None:
        if self.sites_running == 0:
            self._stop_now()

    def _stop_now(self) -> None:
        from twisted.internet import reactor
        with contextlib.suppress(RuntimeError):   # stopped already
            reactor.stop()
