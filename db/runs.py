"""The outcome of a crawl run, decided by one rule from what it fetched and what failed."""

import logging

logger = logging.getLogger(__name__)

RUN_STATUSES = ("running", "ok", "empty", "failed", "partial")


def run_status(*, new: int, duplicates: int, error_count: int) -> str:
    """By what the run yielded (articles new or already stored), not by pages fetched: a feed URL that
    answers with an HTML page was fetched, yet the source failed.

    failed: errors and nothing yielded; partial: errors and something yielded;
    empty: no errors and nothing yielded; ok: no errors and something yielded.
    """
    yielded = new + duplicates
    if error_count:
        return "partial" if yielded else "failed"
    return "ok" if yielded else "empty"
