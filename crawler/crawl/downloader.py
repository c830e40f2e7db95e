"""Scrapy's downloader, keeping each site's concurrency when many requests of one site wait at once."""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    """Scrapy 2.19 starts each download of a slot as a coroutine that marks it transferring only when it runs, so
    with no delay configured one pass over a slot's queue starts every request waiting there, whatever
    CONCURRENT_REQUESTS_PER_DOMAIN says. One crawler serving many sources queues many requests per site, so
    here a request counts as transferring from the moment it leaves the queue."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                super()._process_queue(slot)   # Scrapy schedules the later call
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)   # what _download() does, but before the next turn of this loop
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
