"""Fetch one page for `newsdesk extract URL` through Scrapy, by a crawl's own rules: http and https only,
robots.txt, redirects, the whole-download timeout, the size limit, gzip and deflate decoding."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.failures import describe_failure
from crawler.crawl.settings import scrapy_settings
from crawler.errors import NewsdeskError
from crawler.formats.fetch_rules import ARTICLE


class PageSpider(scrapy.Spider):
    """Ask for one page and keep the answer (body, content type, final URL) or the reason it failed."""

    name = "extract"

    def __init__(self, url: str, answer: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.answer = answer

    async def start(self):
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, meta={"role": ARTICLE},
                             dont_filter=True)

    def keep(self, response: Response) -> None:
        content_type = response.headers.get("Content-Type")
        self.answer["page"] = (response.body, content_type.decode("latin-1") if content_type else None,
                               response.url)

    def failed(self, failure: Failure) -> None:
        self.answer["error"] = describe_failure(failure, self.settings)


def fetch_page(url: str, settings: dict | None = None) -> tuple[bytes, str | None, str]:
    """Return (body, content_type, final_url); NewsdeskError with a one-line reason otherwise.

    Runs Scrapy's reactor, so once per process (as `newsdesk extract` does)."""
    answer: dict[str, Any] = {}
    process = CrawlerProcess(_one_page_settings(settings or {}))
    process.crawl(PageSpider, url=url, answer=answer)
    process.start()
    if "page" in answer:
        return answer["page"]
    raise NewsdeskError(f"{url}: {answer.get('error', 'the fetch ended with neither a page nor an error')}")


def _one_page_settings(settings: dict) -> dict:
    return {
        **scrapy_settings(settings),
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {},           # no run to record
        "SPIDER_MODULES": [],
        "DOWNLOAD_DELAY": 0,        # two requests (robots.txt, the page): no pause between them
        "LOG_LEVEL": "CRITICAL",    # failures come back as the one-line error
    }
