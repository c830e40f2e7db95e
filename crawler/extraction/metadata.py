"""Read what a page declares about itself: <meta> tags, JSON-LD, its canonical link and language."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction.document import normalise_space

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|blog|webpage|creativework", re.IGNORECASE)

@dataclass
class PageMetadata:
    """Declarations gathered from a page's head and structured data."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    json_ld: list[dict] = field(default_factory=list)
    canonical: str | None = None
    html_lang: str | None = None

    def first(self, *names: str) -> str | None:
        """The first non-empty <meta> value among names (matched without regard to case)."""
        for name in names:
            for value in self.meta.get(name.lower(), []):
                if value:
                    return value
        return None

    def articles(self) -> list[dict]:
        """JSON-LD objects that describe an article (articles first, then other pages)."""
        typed = [(_type_names(obj), obj) for obj in self.json_ld]
        articles = [obj for names, obj in typed
                    if any(_ARTICLE_TYPES.search(n) and "webpage" not in n.lower() for n in names)]
        pages = [obj for names, obj in typed if any("webpage" in n.lower() for n in names)]
        return articles + pages


def read_metadata(root: etree._Element) -> PageMetadata:
    """Every <meta> value by name, JSON-LD objects, the canonical link and <html lang>."""
    metadata = PageMetadata()
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or element.get("http-equiv"))
        value = element.get("content")
        if key and value is not None:
            metadata.meta.setdefault(normalise_space(key).lower(), []).append(normalise_space(value))
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            metadata.json_ld.extend(_json_ld_objects(script.text or ""))
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            metadata.canonical = link.get("href").strip()
            break
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    metadata.html_lang = lang.strip() if lang else None
    return metadata


def _json_ld_objects(text: str) -> list[dict]:
    text = text.strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        # Hand-written JSON-LD often has raw newlines or trailing commas inside strings and lists.
        cleaned = re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ").replace("\r", " "))
        try:
            data = json.loads(cleaned)
        except ValueError:
            logger.debug("ignoring unparseable JSON-LD")
            return []
    found: list[dict] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            found.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(reversed(item["@graph"]))
    return found


def _type_names(obj: dict) -> list[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def json_ld_text(value: object) -> str | None:
    """A JSON-LD value as plain text: strings as they are, a person or organisation by its name."""
    if isinstance(value, str):
        return normalise_space(value) or None
    if isinstance(value, dict):
        return json_ld_text(value.get("name"))
    if isinstance(value, list):
        names = [name for name in (json_ld_text(item) for item in value) if name]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def canonical_url(metadata: PageMetadata, url: str | None) -> str | None:
    """<link rel=canonical>, else og:url, made absolute against the page's URL."""
    for candidate in (metadata.canonical, metadata.first("og:url")):
        if not candidate or candidate.startswith(("javascript:", "#", "data:")):
            continue
        absolute = urljoin(url, candidate) if url else candidate
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None
