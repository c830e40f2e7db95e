"""SIGINT and SIGTERM handled for the length of a block: by a crawl (crawler/crawl/interruption.py) and by the
servers (the desk, the demo site)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_signals_handled(handler: Callable[[int, Any], Any]) -> Iterator[None]:
    """SIGINT and SIGTERM go to handler while the block runs, even where the process started with SIGINT ignored
    (a script's `newsdesk review &`: Python then leaves it ignored); the handlers before come back afterwards.
    Only the main thread may set handlers: elsewhere the block runs with them as they are."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
