"""What the parts of one crawl share: the store, the classifier and the sources' runs, made once by the runner.

Scrapy copies its settings for every crawler, and neither a database connection nor a classifier can
be copied, so the runner opens them once and hands this context to each source's spider; a component
(pipeline, middleware, extension) reads it through its crawler in `from_crawler`. Nothing is kept at
module level: a long-lived daemon or a pool of crawl processes makes one context per crawl.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from crawler.classify import Classifier
from crawler.crawl.runs import RunBook
from db import Store

logger = logging.getLogger(__name__)


@dataclass
class CrawlContext:
    store: Store | None              # read-only in a dry run; None in a dry run of a home with no database yet
    dry_run: bool = False
    build_classifier: Callable[[], Classifier] | None = None   # the runner's (home_classifier.classifier_builder)
    runs: RunBook = field(default_factory=RunBook)   # every source's run in this crawl
    pool: Any = None                 # crawler.crawl.page_pool.PagePool: where pages are worked (the runner's)

    @cached_property
    def classifier(self) -> Classifier | None:
        """Built on first use: the page pool's workers build their own, so the crawl's process seldom needs it."""
        return self.build_classifier() if self.build_classifier is not None else None

    @property
    def writable_store(self) -> Store | None:
        """The store a real crawl writes to; None in a dry run, where nothing may be skipped, sent or written."""
        return None if self.dry_run else self.store

    def stored(self, urls: list[str]) -> set[str]:
        """Those of these clean URLs stored already (not fetched again); none in a dry run or without a store."""
        store = self.writable_store
        return store.known_urls(urls) if store is not None and urls else set()

    @classmethod
    @contextlib.contextmanager
    def opened(cls, database: Path, *, dry_run: bool = False) -> Iterator["CrawlContext"]:
        """A context on the home's database (created and migrated for a real crawl), closed afterwards."""
        if dry_run:
            store = Store.open_readonly(database) if Path(database).exists() else None
        else:
            store = Store(database, durable=False)   # articles can be fetched again (db/connection.py)
        try:
            yield cls(store, dry_run)
        finally:
            if store is not None:
                store.close()


def context_of(crawler) -> CrawlContext | None:
    """The crawl's context, from the spider the runner gave it to (None for a crawler built without one)."""
    return getattr(getattr(crawler, "spider", None), "context", None)


def runs_of(crawler) -> RunBook | None:
    """The crawl's runs, by source name (None for a crawler built without a context)."""
    context = context_of(crawler)
    return context.runs if context is not None else None


def store_of(crawler) -> Store | None:
    """The crawl's store to read (a dry run reads too); None without one."""
    context = context_of(crawler)
    return context.store if context is not None else None


def writable_store_of(crawler) -> Store | None:
    """The crawl's store to write; None in a dry run or without one."""
    context = context_of(crawler)
    return context.writable_store if context is not None else None
