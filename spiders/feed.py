"""RSS 0.9x/1.0/2.0 and Atom feeds: each entry's page is fetched for the full text, the entry is the fallback."""

from __future__ import annotations

import logging

from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.failures import AlreadyStored, Refused
from crawler.crawl.items import FetchedPage
from crawler.crawl.run_stop import RunStopped
from crawler.formats.feeds import FeedError, parse_feed
from spiders.base import SourceReader

logger = logging.getLogger(__name__)


class FeedReader(SourceReader):
    conditional = True

    def parse_start(self, response: Response):
        if response.status == 304:
            self.tally.not_modified = True
            return
        self.tally.pages += 1
        content_type = response.headers.get("Content-Type")
        try:
            feed = parse_feed(response.body, response.url,
                              content_type.decode("latin-1") if content_type else None, zone=self.zone)
        except FeedError as exc:
            self.tally.error(response.url, str(exc))
            return
        if feed.warning:
            logger.warning("%s: %s", self.source.name, feed.warning)
        linked = [entry for entry in feed.entries if entry.link]
        if feed.entries and not linked:
            # Nothing to fetch, and the run would look merely empty: say why.
            damage = f"; {feed.warning}" if feed.warning else ""
            self.tally.error(response.url, f"{len(feed.entries)} entries and none has a link{damage}; "
                                           "check the feed in a browser or ask the site")
        stored = self.stored_urls(entry.link for entry in linked)
        for entry in feed.entries:
            if not entry.link:
                if linked and entry.hints.get("content"):
                    self.tally.error(None, f"entry '{entry.hints.get('title', '?')}' has no link; skipped")
                continue
            request = self.article_request(entry.link, entry.hints, "entry_page_failed", stored=stored)
            if request is not None:
                yield request

    def entry_page_failed(self, failure: Failure):
        """The entry's page failed: queue the entry's own content instead, and say so. Not for a page
        Newsdesk refused to fetch (another scheme, a robots.txt that could not be read: next run), nor when
        the run was stopped."""
        if failure.check(AlreadyStored, Refused, RunStopped):
            self.report_failure(failure)
            return
        request = failure.request
        hints = request.meta.get("hints", {})
        reason = self.describe(failure)
        if hints.get("content"):
            self.tally.error(request.url, f"{reason}; used the feed entry's own text")
            body = f"<html><body><h1></h1><article>{hints['content']}</article></body></html>"
            yield FetchedPage(source=self.source.name, url=request.url, body=body.encode("utf-8"),
                              content_type="text/html; charset=utf-8", hints=hints, from_feed=True)
        else:
            self.tally.error(request.url, reason)
