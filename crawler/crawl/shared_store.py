"""One Store per process, shared by every crawler of a run (Scrapy's settings are copied, a connection cannot be)."""

from __future__ import annotations

from pathlib import Path

from db import Store

_open: dict[tuple[str, bool], Store] = {}


def store_for(settings) -> Store | None:
    """The run's store: NEWSDESK_DATABASE, read-only in a dry run; None in a dry run with no database yet."""
    path = settings.get("NEWSDESK_DATABASE")
    if not path:
        return None
    readonly = settings.getbool("NEWSDESK_DRY_RUN")
    key = (str(path), readonly)
    if key not in _open:
        if readonly and not Path(path).exists():
            return None
        _open[key] = Store.open_readonly(path) if readonly else Store(path)
    return _open[key]


def crawl_store(settings) -> Store | None:
    """The store of a real crawl; None in a dry run, where nothing may be skipped, sent or written."""
    return None if settings.getbool("NEWSDESK_DRY_RUN") else store_for(settings)


def close_stores() -> None:
    while _open:
        _open.popitem()[1].close()
