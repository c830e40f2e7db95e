"""Read a feed that Scrapy fetched: feedparser on the bytes, entries as links with hints, clear errors."""

from __future__ import annotations

import calendar
import email.utils
import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from db import clock


@dataclass
class FeedEntry:
    link: str | None
    hints: dict[str, Any] = field(default_factory=dict)   # title, published_at, author, summary, content


@dataclass
class ParsedFeed:
    entries: list[FeedEntry]
    title: str | None = None
    warning: str | None = None      # tolerated damage (feedparser's bozo with entries still readable)


class FeedError(ValueError):
    """The bytes are not a usable feed; the message says what they are instead."""


def parse_feed(body: bytes, url: str, content_type: str | None = None, *,
               zone: str = clock.DEFAULT_ZONE) -> ParsedFeed:
    """Parse feed bytes; raise FeedError when no feed can be read from them. A date that names no offset is
    read in zone (the newsletter's)."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    exception = parsed.get("bozo_exception") if parsed.get("bozo") else None
    problem = _describe_bozo(exception) if parsed.get("bozo") else None
    if not parsed.entries:
        if _looks_like_html(body):
            raise FeedError("got an HTML page, not a feed; check the URL or use kind: listing")
        if not body.strip():
            raise FeedError("the feed is empty (0 bytes)")
        if problem and not parsed.get("version"):
            raise FeedError(f"not a readable feed: {problem}")
        if problem and not isinstance(exception, ThingsNobodyCaresAboutButMe):
            # The parser gave up before the first entry: "no entries" would hide a broken feed as an empty one.
            raise FeedError(f"the feed is malformed and no entry could be read: {problem}; "
                            "check it in a browser or ask the site")
        return ParsedFeed(entries=[], title=parsed.feed.get("title"), warning=problem)
    entries = [_entry(e, url, zone) for e in parsed.entries]
    return ParsedFeed(entries=entries, title=parsed.feed.get("title"),
                      warning=f"feed is malformed but readable: {problem}" if problem else None)


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def _describe_bozo(exc: Any) -> str:
    """feedparser's complaint in one line: "not well-formed (invalid token) at line 3"."""
    if exc is None:
        return "unknown problem"
    if isinstance(exc, SAXParseException):
        # str() is "<unknown>:3:16: not well-formed (invalid token)": the file name means nothing here.
        return f"{exc.getMessage()} at line {exc.getLineNumber()}"[:200]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _entry(entry: Any, feed_url: str, zone: str) -> FeedEntry:
    link = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None)
    content = ""
    if entry.get("content"):
        content = max((c.get("value", "") for c in entry.content), key=len)
    hints = {
        "title": html.unescape(entry.get("title", "")).strip() or None,
        "published_at": entry_date(entry, zone),
        "author": entry.get("author") or None,
        "summary": entry.get("summary") or None,
        "content": content or entry.get("summary") or None,
    }
    return FeedEntry(link=urljoin(feed_url, link.strip()) if link else None,
                     hints={k: v for k, v in hints.items() if v})


def entry_date(entry: Any, zone: str = clock.DEFAULT_ZONE) -> str | None:
    """The entry's publication date as ISO 8601 with its own offset (zone's when it names none)."""
    for key in ("published", "updated", "created", "dc_date"):
        raw = entry.get(key)
        if raw:
            parsed = _parse_date(raw, zone)
            if parsed:
                return parsed.isoformat()
    for key in ("published_parsed", "updated_parsed"):
        struct = entry.get(key)
        if struct:
            return datetime.fromtimestamp(calendar.timegm(struct), timezone.utc).isoformat()
    return None


def _parse_date(raw: str, zone: str) -> datetime | None:
    value: datetime | None = None
    try:
        value = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if value is None:
        return None
    return clock.in_zone(value, zone)
