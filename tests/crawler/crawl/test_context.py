"""What one crawl shares: its store writes articles without an fsync per commit, and a dry run writes nothing."""

from __future__ import annotations

from crawler.crawl.context import CrawlContext
from db import Store


def test_a_crawl_writes_without_an_fsync_per_article_while_editors_keep_full_durability(tmp_path):
    path = tmp_path / "newsdesk.db"
    with CrawlContext.opened(path) as context, Store(path) as desk:
        assert context.writable_store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1   # NORMAL
        assert desk.conn.execute("PRAGMA synchronous").fetchone()[0] == 2                     # FULL
    with CrawlContext.opened(path, dry_run=True) as context:
        assert context.writable_store is None and context.store.readonly
