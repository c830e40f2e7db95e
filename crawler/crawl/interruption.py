"""SIGINT and SIGTERM caught for the length of a crawl: the first asks it to stop, a second to stop at once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from crawler.stop_signals import stop_signals_handled


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
    with stop_signals_handled(interruption.received):
        yield interruption
