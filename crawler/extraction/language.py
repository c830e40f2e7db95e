"""Tell the language of an article from its script, else from what the page declares."""

from __future__ import annotations

import re

from crawler.cjk import (
    HAN_CHARACTER,
    HANGUL_CHARACTER,
    KANA_CHARACTER,
    LATIN_LETTER,
    count,
)
from crawler.extraction.metadata import PageMetadata


def detect_language(metadata: PageMetadata, text: str) -> str | None:
    """The body's language from its script (zh, ja, ko), else the page's declared lang, else a Latin guess."""
    sample = text[:5000]
    han, kana, hangul = count(HAN_CHARACTER, sample), count(KANA_CHARACTER, sample), count(HANGUL_CHARACTER, sample)
    latin = count(LATIN_LETTER, sample)
    if kana > 20 and kana * 5 > han / 10:
        return "ja"
    if hangul > 20 and hangul > han:
        return "ko"
    if han > 20 and han * 3 > latin:
        return "zh"
    declared = metadata.html_lang or metadata.first("og:locale", "content-language", "language", "dc.language")
    if declared:
        code = re.split(r"[-_]", declared.strip().lower())[0]
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    if latin > 50:
        return "en" if re.search(r"\b(the|and|of|to|in)\b", sample, re.IGNORECASE) else None
    return None
