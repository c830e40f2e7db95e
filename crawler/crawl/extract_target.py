"""`newsdesk extract FILE|URL`: the article in a saved page, or in a page fetched by a crawl's rules."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from crawler.extraction import Article, extract_bytes
from db import clock


def extract_target(target: str, home: Home, *, encoding: str | None = None) -> Article:
    """Extract a saved page (a file) or a URL, fetched with the home's settings when it has them (defaults
    otherwise); `encoding` overrides the page's charset. Writes nothing."""
    zone = home.sections().timezone if home.exists() else clock.DEFAULT_ZONE   # for dates that name no offset
    path = Path(target)
    if path.is_file():
        return extract_bytes(path.read_bytes(), None, None, encoding, default_tz=zone)
    if not urlsplit(target).scheme:
        raise NewsdeskError(f"{target}: no such file; give a saved page or an http(s) URL")
    from crawler.crawl.one_page import fetch_page  # Scrapy: only for a URL, so a saved page answers at once

    settings = home.sources().settings if home.exists() else None
    body, content_type, url = fetch_page(target, settings)  # the crawl's rules: other schemes are refused
    return extract_bytes(body, url, content_type, encoding, default_tz=zone)
