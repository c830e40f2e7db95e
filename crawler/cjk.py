"""Which characters are Chinese, Japanese or Korean script, and whether a text is mostly written in them.

The ranges are db.scripts' (the search index reads characters alike). Each user says which scripts it means: Han ideographs alone
(a Chinese headline, a Chinese name, GBK text), Han and kana (written without spaces between words, so
each character is a token), or CJK as a whole (Han, kana and hangul: not a Latin-script page).
"""

from __future__ import annotations

import re

from db.scripts import CJK, HAN, HANGUL, KANA, LATIN

HAN_CHARACTER = re.compile(f"[{HAN}]")
KANA_CHARACTER = re.compile(f"[{KANA}]")
HANGUL_CHARACTER = re.compile(f"[{HANGUL}]")
CJK_CHARACTER = re.compile(f"[{CJK}]")
LATIN_LETTER = re.compile(f"[{LATIN}]")

# is_cjk() reads this much of a text: enough to tell, cheap on a megabyte.
SAMPLE_CHARS = 3000


def count(pattern: re.Pattern, text: str) -> int:
    """How many characters of text the one-character pattern (HAN_CHARACTER, CJK_CHARACTER...) matches."""
    return len(pattern.findall(text))


def is_cjk(text: str) -> bool:
    """Mostly Chinese, Japanese or Korean script: at least ten such characters in the first SAMPLE_CHARS,
    and at least half as many as Latin letters (a Chinese article quotes English names and figures)."""
    sample = text[:SAMPLE_CHARS]
    cjk = count(CJK_CHARACTER, sample)
    return cjk >= 10 and cjk >= count(LATIN_LETTER, sample) / 2
