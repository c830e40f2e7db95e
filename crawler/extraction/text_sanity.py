"""What extracted text must be before it is stored: text at all (not decoded binary), and no longer than the cap."""

from __future__ import annotations

import re
import unicodedata

# Decoded binary is full of control characters and U+FFFD; real pages have at most a stray one (a
# truncated character at a cut, an emoji the page's charset cannot hold).
MAX_BAD_SHARE = 0.05
# Letters (any script, CJK included), combining marks and digits: prose has far more than half of these
# among its non-space characters, even a table of figures; rules, symbols and markup debris have not.
MIN_WORD_SHARE = 0.5
_LAYOUT = frozenset("\t\n\r")
# Exactly the characters of categories L and N, every code point (tested): most of any text, counted at once.
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
_SENTENCE_ENDS = "。！？；.!?;…"


def not_text_reason(text: str) -> str | None:
    """Why the text is not text (e.g. "38% control or undecodable characters"), or None when it reads as text."""
    bad, words, visible = character_counts(text)
    if not visible:
        return None
    if bad > visible * MAX_BAD_SHARE:
        return f"{round(100 * bad / visible)}% control or undecodable characters"
    if words < visible * MIN_WORD_SHARE:
        return f"no words: only {round(100 * words / visible)}% letters or digits"
    return None


def character_counts(text: str) -> tuple[int, int, int]:
    """(bad, words, visible): control, surrogate and undecodable characters; letters, marks and digits; all but
    spacing."""
    rest = _LETTERS_AND_DIGITS.sub("", text)
    bad = 0
    words = visible = len(text) - len(rest)
    for ch in rest:
        category = unicodedata.category(ch)
        if ch in _LAYOUT or category[0] == "Z":
            continue
        visible += 1
        if ch == "\ufffd" or category in ("Cc", "Cs") or ch in "\ufffe\uffff":
            bad += 1
        elif category[0] == "M":
            words += 1
    return bad, words, visible


def cut_to_limit(text: str, max_chars: int) -> str:
    """The text, or its start up to max_chars: at the last paragraph end that keeps at least half of it,
    else after the last sentence end or before the last space that does, else exactly at max_chars."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars + 1]  # one more, so a boundary right at the cap counts
    paragraph_end = head.rfind("\n")
    if paragraph_end >= max_chars // 2:
        return head[:paragraph_end].rstrip()
    sentence_end = max(head.rfind(mark, 0, max_chars) for mark in _SENTENCE_ENDS) + 1
    cut = max(sentence_end, head.rfind(" "))
    if cut >= max_chars // 2:
        return head[:cut].rstrip()
    return text[:max_chars]
