"""Listing pages of sites with no feed: follow the article links (by selector or found), then pagination."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawler.formats.charset import decode_html
from crawler.formats.fetch_rules import FOLLOW
from crawler.formats.listing_links import (
    find_article_links,
    links_by_selector,
    next_page_url,
)
from spiders.base import SourceReader


class ListingReader(SourceReader):
    """No conditional GET: listings change without telling; always read them."""

    def parse_start(self, response: Response, page: int = 0):
        self.tally.pages += 1
        if not isinstance(response, TextResponse) and not response.body.lstrip()[:1] == b"<":
            self.tally.error(response.url, "not an HTML page; check the URL")
            return
        content_type = response.headers.get("Content-Type")
        text, _ = decode_html(response.body, content_type.decode("latin-1") if content_type else None,
                              self.source.encoding)
        if self.source.links:
            urls = links_by_selector(text, response.url, self.source.links)
            if not urls:
                self.tally.error(response.url, f"links selector '{self.source.links}' matched no links; "
                                               "check it with `newsdesk sources test`")
        else:
            urls = find_article_links(text, response.url)
            if not urls:
                self.tally.error(response.url, "found no article links on the listing page; "
                                               "give a links: selector")
        yield from self.article_requests((url, None) for url in urls)
        if page < self.source.depth:
            following = next_page_url(text, response.url)
            if following:
                yield self.request(following, "parse_start", "start_failed", cb_kwargs={"page": page + 1},
                                   meta={"role": FOLLOW})
