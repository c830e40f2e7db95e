"""Decode fetched HTML bytes to text: operator override, BOM, HTTP header, <meta>, then detection."""

from __future__ import annotations

import codecs
import logging
import re

from crawler.cjk import HAN_CHARACTER

logger = logging.getLogger(__name__)

# How far into the document a <meta charset> is looked for (browsers scan 1 KB; Chinese portals often put
# long comment blocks or scripts first, so we look a little further).
META_SCAN_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that name a subset of a larger encoding browsers use instead (WHATWG Encoding Standard): decoding with
# the superset costs nothing on valid pages and saves the many pages whose server mislabels GBK as GB2312.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows936": "gb18030",
    "xgbk": "gb18030",
    "csgb2312": "gb18030",
    "gb231280": "gb18030",
    "csiso58gb231280": "gb18030",
    "isoir58": "gb18030",
    "chinese": "gb18030",
    "euccn": "gb18030",
    "xeuccn": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "xxbig5": "big5hkscs",
    "cnbig5": "big5hkscs",
    "csbig5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "xsjis": "cp932",
    "mskanji": "cp932",
    "windows31j": "cp932",
    "csshiftjis": "cp932",
    "euckr": "cp949",
    "ksc56011987": "cp949",
    "windows949": "cp949",
    "iso88591": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "usascii": "cp1252",
    "ascii": "cp1252",
    "iso88599": "cp1254",
    "iso885911": "cp874",
    "tis620": "cp874",
    # A page cannot really be UTF-16 if we found its label by reading it as ASCII.
    "utf16": "utf-8",
    "utf16le": "utf-8",
    "utf16be": "utf-8",
    "unicode": "utf-8",
}

# Legacy-encoded text is valid UTF-8 by chance only when very short (the famous 联通 in GBK).
UTF8_EVIDENCE_CHARS = 16

# A reading of the bytes is damaged when more than MAX_DAMAGED_CHARS of its characters, and more than
# MAX_DAMAGED_SHARE of its non-ASCII ones, are undecodable: a few bad bytes in a long page are common (a
# truncated character at a cut, a pasted fragment) and keep the declared charset.
MAX_DAMAGED_CHARS = 16
MAX_DAMAGED_SHARE = 0.02
# Mojibake: at least this many non-ASCII characters, and this share of them in runs of three or more.
MOJIBAKE_MIN_CHARS = 20
MOJIBAKE_RUN_SHARE = 0.5
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{3,}")

_SINGLE_BYTE_WESTERN = {"cp1252", "cp1254", "iso8859-15", "latin-1", "ascii"}

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:\-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([\w.:\-]+)""", re.IGNORECASE)


def normalise_charset(label: str | None) -> str | None:
    """Return the Python codec name for a charset label, widened as browsers do; None when unknown."""
    if not label:
        return None
    key = re.sub(r"[^a-z0-9]", "", label.strip().strip("\"'").lower())
    if not key:
        return None
    key = _SUPERSETS.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        logger.debug("ignoring unknown charset label %r", label)
        return None


def decode_html(body: bytes, content_type: str | None = None, override: str | None = None) -> tuple[str, str]:
    """Return (text, encoding_used). Order: override (operator's `encoding:`), BOM, charset from the HTTP
    Content-Type header, then <meta charset> / http-equiv in the first ~4 KB, then detection.
    GB2312 and GBK (any spelling, e.g. 'gb_2312-80', 'x-gbk') read as GB18030. A declared charset that
    fails to decode cleanly but UTF-8 decodes cleanly -> UTF-8 (pages that lie in <meta>); one that garbles
    the bytes (many undecodable, or Latin-1 mojibake of CJK bytes) -> detection, when that reads them well
    (pages that lie in the header and <meta> alike). Never raises on bad bytes (errors='replace' as last
    resort). Unknown charset names are ignored, not fatal."""
    body = body or b""
    forced = normalise_charset(override)
    if forced:
        # The operator looked at the source and knows better than its headers; still never raise.
        return _strip_bom(body).decode(forced, errors="replace"), forced

    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding

    header = _charset_from_header(content_type)
    meta = _charset_from_markup(body[:META_SCAN_BYTES])
    declared = _declared_order(header, meta)
    if declared:
        return _decode_declared(body, declared)
    return _decode_undeclared(body)


def _charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalise_charset(match.group(1)) if match else None


def _charset_from_markup(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return normalise_charset(match.group(1).decode("ascii", errors="ignore"))


def _declared_order(header: str | None, meta: str | None) -> list[str]:
    order = [name for name in (header, meta) if name]
    # Servers often send a default Latin-1 label for pages whose own <meta> names a CJK encoding; a
    # single-byte Western label decodes any bytes "cleanly", so it must not outrank the page's own word.
    if header in _SINGLE_BYTE_WESTERN and meta and meta not in _SINGLE_BYTE_WESTERN:
        order = [meta, header]
    return list(dict.fromkeys(order))


def _decode_declared(body: bytes, declared: list[str]) -> tuple[str, str]:
    if declared[0] != "utf-8" and _is_clearly_utf8(body):
        logger.debug("declared charset %s, but the bytes are UTF-8", declared[0])
        return body.decode("utf-8"), "utf-8"
    text, used = _read_as_declared(body, declared)
    if _reads_well(text, used):
        return text, used
    # Pages lie in the header AND the <meta> (GBK served as UTF-8 or Latin-1 by a template): when the
    # declared reading is damaged or mojibake, a detected charset that reads the bytes well wins.
    guess = _guess_cjk(body) or _guess_with_detector(body)
    if guess and guess != used:
        detected = body.decode(guess, errors="replace")
        if _reads_well(detected, guess):
            logger.debug("declared charset %s does not fit the bytes; detected %s", used, guess)
            return detected, guess
    return text, used


def _read_as_declared(body: bytes, declared: list[str]) -> tuple[str, str]:
    for encoding in declared:
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        logger.debug("declared charset %s does not fit the bytes; they are UTF-8", declared[0])
        return text, "utf-8"
    # A few bad bytes in a long page (a truncated character, a pasted fragment) are common: keep the
    # declared encoding unless it is clearly wrong for most of the page.
    best = min(declared, key=lambda name: _replacement_count(body, name))
    return body.decode(best, errors="replace"), best


def _reads_well(text: str, encoding: str) -> bool:
    """Hardly any undecodable bytes, and not the mojibake a single-byte Western codec makes of CJK bytes."""
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if text.count("\ufffd") > max(MAX_DAMAGED_CHARS, non_ascii * MAX_DAMAGED_SHARE):
        return False
    return encoding not in _SINGLE_BYTE_WESTERN or not _looks_like_mojibake(text, non_ascii)


def _looks_like_mojibake(text: str, non_ascii: int) -> bool:
    """Most non-ASCII characters sit in runs of them ("ÖÐ¹ú", "Ã¤Â¸"): each CJK character read byte by byte.
    Western prose has its accented letters one by one between ASCII ones ("façon", "informação")."""
    if non_ascii < MOJIBAKE_MIN_CHARS:
        return False
    in_runs = sum(len(run) for run in _NON_ASCII_RUN.findall(text))
    return in_runs > non_ascii * MOJIBAKE_RUN_SHARE


def _decode_undeclared(body: bytes) -> tuple[str, str]:
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_cjk(body) or _guess_with_detector(body)
    if guess:
        return body.decode(guess, errors="replace"), guess
    return body.decode("utf-8", errors="replace"), "utf-8"


def _guess_cjk(body: bytes) -> str | None:
    """GB18030 when the bytes decode to mostly everyday simplified Chinese characters."""
    text = body.decode("gb18030", errors="replace")
    bad = text.count("\ufffd")
    han = HAN_CHARACTER.findall(text)
    if len(han) < 10 or bad > len(han) / 50:
        return None
    # Big5 or Shift_JIS bytes read as GB18030 land all over the rarely used extension rows; real simplified
    # Chinese sits mostly in GB2312 level 1 (the 3,755 commonest characters, lead bytes 0xB0-0xD7).
    common = sum(1 for ch in han if 0xB0 <= ch.encode("gb18030")[0] <= 0xD7)
    return "gb18030" if common / len(han) > 0.7 else None


def _guess_with_detector(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency of trafilatura, so normally present
        return None
    best = from_bytes(body[:200_000]).best()
    return normalise_charset(best.encoding) if best else None


def _is_clearly_utf8(body: bytes) -> bool:
    """Valid UTF-8 with enough multi-byte characters that it cannot be legacy-encoded text by chance."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return sum(1 for ch in text if ord(ch) > 0x7F) >= UTF8_EVIDENCE_CHARS


def _replacement_count(body: bytes, encoding: str) -> int:
    return body.decode(encoding, errors="replace").count("\ufffd")


def _strip_bom(body: bytes) -> bytes:
    for bom, _ in _BOMS:
        if body.startswith(bom):
            return body[len(bom):]
    return body
