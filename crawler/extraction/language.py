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


# Where a numeric date is written month first (05/10/2018 is May 10th): US English, and an English page that
# names no country. Chinese, Japanese and Korean pages write the year first; their N/N/YYYY dates come from
# US-made software (the ASP portals), so they are read month first too. Everywhere else the day comes first.
_MONTH_FIRST_LOCALES = frozenset({"en", "en-us", "en-ph"})
_YEAR_FIRST_LANGUAGES = frozenset({"zh", "ja", "ko"})


def writes_day_first(metadata: PageMetadata) -> bool:
    """Whether the page's declared language writes N/N/YYYY day first (pt-BR, de, fr, en-GB...); a page that
    declares none is read month first."""
    declared = metadata.html_lang or metadata.first("og:locale", "content-language", "language", "dc.language")
    if not declared:
        return False
    code = declared.strip().lower().replace("_", "-")
    return code not in _MONTH_FIRST_LOCALES and code.split("-")[0] not in _YEAR_FIRST_LANGUAGES
