"""The demo site's entries for sources.yaml: one source per kind of entry point the site offers."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.demo.site import (
    ATOM_PATH,
    GOV_LIST_PATH,
    NEWS_LIST_PATH,
    RDF_PATH,
    RSS_PATH,
    SITEMAP_INDEX_PATH,
)

logger = logging.getLogger(__name__)

# Listing pages beyond the first that hold articles: both listings have three pages.
LISTING_DEPTH = 2
# The sitemap lists pages up to 20 days old plus a few 200+ days old that this window must drop.
SITEMAP_MAX_AGE_DAYS = 30


def demo_sources(base_url: str) -> list[dict[str, Any]]:
    """sources.yaml entries for the demo site at base_url (no trailing slash).

    Only the portal's listing names its links selector; the business site's listing relies on
    automatic article-link detection."""
    base_url = base_url.rstrip("/")
    return [
        {"name": "jianghai-rss", "kind": "feed", "url": base_url + RSS_PATH, "every": "30m"},
        {"name": "hubin-atom", "kind": "feed", "url": base_url + ATOM_PATH, "every": "30m"},
        {"name": "taihu-rdf", "kind": "feed", "url": base_url + RDF_PATH, "every": "1h"},
        {"name": "shuzhi-sitemap", "kind": "sitemap", "url": base_url + SITEMAP_INDEX_PATH, "every": "1h",
         "max_age_days": SITEMAP_MAX_AGE_DAYS},
        {"name": "jianghuai-gov", "kind": "listing", "url": base_url + GOV_LIST_PATH,
         "links": "table.xxgk_list td.bt a", "depth": LISTING_DEPTH, "every": "2h"},
        {"name": "chaoyong-news", "kind": "listing", "url": base_url + NEWS_LIST_PATH, "depth": LISTING_DEPTH,
         "every": "30m"},
    ]
