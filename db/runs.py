"""The outcome of a crawl run, decided by one rule from what it fetched and what failed."""

import logging

logger = logging.getLogger(__name__)

RUN_STATUSES = ("running", "ok", "empty", "failed", "partial")


def run_status(*, pages: int, new: int, error_count: int) -> str:
    """failed: errors and no page; partial: errors and some pages; empty: no page, nothing new; else ok."""
    if error_count:
        return "partial" if pages else "failed"
    if not pages and not new:
        return "empty"
    return "ok"
