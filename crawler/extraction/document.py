"""Parse HTML text into an lxml tree that tolerates what real pages send, and normalise text."""

from __future__ import annotations

import logging
import re
import threading

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Templated portals paste a header fragment that ends in </html> before the article; browsers keep reading,
# libxml2 stops. The end tags carry no meaning for extraction, so they go.
_DOCUMENT_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
# lxml parsers must not be shared between threads; extraction may run in several (web UI, crawls).
_THREAD = threading.local()


def _parser() -> etree.HTMLParser:
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
        # Every element an HtmlElement (text_content, drop_tree; htmldate wants one), chosen in C: lxml.html's
        # own lookup picks a class per tag in Python for every element touched, a tenth of extraction's time.
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    return parser


def parse_html(html: str) -> etree._Element | None:
    """The document's root element, or None when there is nothing to parse."""
    # lxml refuses str input that still carries an XML encoding declaration; the text is already decoded.
    html = prepare_html(html)
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_parser())
    except (etree.ParserError, ValueError) as error:
        logger.debug("unparseable HTML: %s", error)
        return None


def prepare_html(html: str | None) -> str:
    """The markup with what trips parsers removed: an XML declaration, NUL bytes, early </html> tags."""
    html = _XML_DECLARATION.sub("", html or "", count=1).replace("\x00", "")
    return _DOCUMENT_END_TAGS.sub("", html)


def body_elements(root: etree._Element) -> list[etree._Element]:
    """Every element inside <body> (not <body> itself) in document order. A walk in Python: libxml2's
    "//body//*" sorts and deduplicates its node set, twice as slow on a large page."""
    body = root.find("body")
    return list(body.iterdescendants(etree.Element)) if body is not None else []


def normalise_space(text: str | None) -> str:
    """Collapse every kind of white space (incl. &nbsp; and the full-width space) to one space, trimmed."""
    return _SPACE.sub(" ", text or "").strip()
