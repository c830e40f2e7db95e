"""Read sitemaps: indexes, urlsets, gzip, Google News tags; keep only URLs inside the age window."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from db import clock


class SitemapError(ValueError):
    """The bytes are not a sitemap; the message says what they are instead."""


@dataclass
class SitemapUrl:
    url: str
    published_at: str | None = None      # news:publication_date (an article date)
    modified_at: datetime | None = None  # lastmod (a change date, only for the window)
    title: str | None = None             # news:title


@dataclass
class Sitemap:
    kind: str                                          # "index" or "urlset"
    children: list[str] = field(default_factory=list)  # index: child sitemap URLs (inside the window)
    urls: list[SitemapUrl] = field(default_factory=list)


def gunzip_limited(body: bytes, limit: int) -> bytes:
    """Decompress gzip bytes, refusing to produce more than `limit` bytes (a gzip bomb is just an error)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = decompressor.decompress(body, limit + 1)
    if len(out) > limit:
        raise SitemapError(f"gzip sitemap unpacks to more than {limit // (1024 * 1024)} MB; refused")
    if not out and not decompressor.eof:
        raise SitemapError("broken gzip sitemap: it unpacks to nothing")
    return out


def parse_sitemap(body: bytes, url: str, *, max_age_days: float, max_bytes: int,
                  now: datetime | None = None, zone: str = clock.DEFAULT_ZONE) -> Sitemap:
    """Parse sitemap bytes (gzip or plain); URLs older than max_age_days are left out, undated ones kept.
    A date that names no offset is read in zone (the newsletter's)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip_limited(body, max_bytes)
        except (zlib.error, EOFError, OSError) as exc:
            raise SitemapError(f"broken gzip sitemap: {exc}") from None
    if not body.strip():
        raise SitemapError("the sitemap is empty (0 bytes)")
    if body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
        raise SitemapError("got an HTML page, not a sitemap; check the URL or use kind: listing")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(io.BytesIO(body), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not readable XML: {exc}") from None
    if root is None:
        raise SitemapError("not readable XML; check the URL")
    tag = etree.QName(root).localname.lower()
    cutoff = (now or clock.now()) - timedelta(days=max_age_days)
    if tag == "sitemapindex":
        children = []
        for node in _children(root, "sitemap"):
            loc = _text(node, "loc")
            modified = _date(_text(node, "lastmod"), zone)
            if loc and (modified is None or modified >= cutoff):
                children.append(urljoin(url, loc))
        return Sitemap(kind="index", children=children)
    if tag != "urlset":
        raise SitemapError(f"the XML root is <{tag}>, not <urlset> or <sitemapindex>; check the URL")
    urls = []
    for node in _children(root, "url"):
        loc = _text(node, "loc")
        if not loc:
            continue
        published = _date(_text(node, "publication_date"), zone)
        modified = _date(_text(node, "lastmod"), zone)
        newest = published or modified
        if newest is not None and newest < cutoff:
            continue
        urls.append(SitemapUrl(url=urljoin(url, loc), published_at=published.isoformat() if published else None,
                               modified_at=modified, title=_text(node, "title")))
    # Newest first, so a capped run takes the freshest articles.
    urls.sort(key=lambda u: (u.published_at is not None or u.modified_at is not None,
                             _date(u.published_at, zone) or u.modified_at or cutoff), reverse=True)
    return Sitemap(kind="urlset", urls=urls)


def _children(root: Any, name: str) -> list[Any]:
    return [node for node in root if isinstance(node.tag, str) and etree.QName(node).localname == name]


def _text(node: Any, name: str) -> str | None:
    """The text of the first descendant named `name`, in any namespace (news:title, image:loc...)."""
    for child in node.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name and child.text:
            return child.text.strip() or None
    return None


W3C_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")


def _date(raw: str | None, zone: str) -> datetime | None:
    """W3C datetime as in sitemaps (2026-11-03, 2026-11-03T09:30:00+08:00, ...Z)."""
    if not raw or not W3C_DATE.match(raw.strip()):
        return None
    text = raw.strip().replace("Z", "+00:00")
    if len(text) == 7:
        text += "-01"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return clock.in_zone(value, zone)
