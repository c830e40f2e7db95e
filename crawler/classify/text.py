"""The parts of a story the classifier reads (title, lead, body) and their words, segmented with jieba."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.classify.jieba_dictionary import load_dictionary

logger = logging.getLogger(__name__)

LEAD_CHARS = 240          # the first sentences: where a news story says what happened
BODY_CHARS = 3000         # enough of the rest to find the topic; very long pages add only noise
WORD = re.compile(r"[\w]+", re.UNICODE)
LATIN = re.compile(r"^[a-z0-9][a-z0-9.+#-]*$")
# A dateline or byline ahead of the lead says nothing about the story's section.
DATELINE = re.compile(r"^\s*(本报讯|[^\s，。]{0,12}(社|报|网|台|讯)[^，。]{0,16}电|（记者[^）]{0,20}）|\(记者[^)]{0,20}\))\s*")

_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba, loaded once (its dictionary: crawler/classify/jieba_dictionary.py) and quiet about it."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            jieba = _import_jieba()
            jieba.setLogLevel(logging.WARNING)
            load_dictionary(jieba.dt)
            _jieba = jieba
    return _jieba


def _import_jieba():
    """jieba without pkg_resources: jieba imports that (deprecated, a tenth of a second in every process that
    classifies) only to open its own data files, and opens them by path when it is missing."""
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    return jieba


def words(text: str) -> list[str]:
    """Words of a text: jieba for Chinese, lower-cased for Latin script; punctuation dropped."""
    if not text:
        return []
    out = []
    for token in _segmenter().lcut(text):
        token = token.strip().lower()
        if token and WORD.fullmatch(token) and not token.isdigit():
            out.append(token)
    return out


def content_words(text: str) -> list[str]:
    """Words that carry meaning: single Chinese characters (的, 在, 和) are mostly grammar."""
    return [w for w in words(text) if len(w) > 1]


def is_latin(term: str) -> bool:
    return bool(LATIN.match(term.lower()))


def whole_word(term: str) -> re.Pattern:
    """A pattern finding a Latin-script term as a whole word in lower-cased text."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(term.lower())}(?![a-z0-9])")


@dataclass(frozen=True)
class Term:
    """A keyword, theme or region made ready once for counting in many texts: a substring for Chinese, a whole word
    for Latin script (AI, not 'said')."""

    text: str
    needle: str                      # in every occurrence: the term, lower-cased for a Latin one (sought lower-cased)
    pattern: re.Pattern | None       # a Latin-script term's whole-word pattern

    @classmethod
    def of(cls, term: str) -> "Term":
        latin = bool(term) and is_latin(term)
        return cls(term, term.lower() if latin else term, whole_word(term) if latin else None)

    def count(self, text: str, lowered: str) -> int:
        """Occurrences in text, lowered being text.lower()."""
        if not self.text or not text:
            return 0
        if self.pattern is None:
            return text.count(self.text)
        return len(self.pattern.findall(lowered)) if self.needle in lowered else 0


class TermList:
    """Terms (each with what goes with it: a weight) made ready for many texts. Every story is read for every
    keyword and theme of sections.yaml, hundreds, and most are absent: an Aho-Corasick automaton of their needles
    (pyahocorasick) finds the ones present in one pass over the texts, where a substring search per term scanned
    the whole text each time."""

    def __init__(self, entries: Iterable[tuple[Term, Any]]) -> None:
        self.entries = list(entries)
        self._plain = _automaton(term.needle for term, _ in self.entries if term.pattern is None)
        self._latin = _automaton(term.needle for term, _ in self.entries if term.pattern is not None)

    def found_in(self, texts: Sequence[str]) -> list[tuple[Term, Any]]:
        """The entries whose term may be in one of the texts, in their order: the others count 0 in every one."""
        joined = "\0".join(texts)       # no needle holds it, so none is found across two texts
        present = _found(self._plain, joined) | _found(self._latin, joined.lower())
        return [entry for entry in self.entries if entry[0].needle in present]


def _automaton(needles: Iterable[str]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for needle in needles:
        if needle:
            automaton.add_word(needle, needle)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _found(automaton, text: str) -> set[str]:
    return {needle for _, needle in automaton.iter(text)} if automaton is not None else set()


@dataclass(frozen=True)
class StoryText:
    """What the classifier reads of one story."""

    title: str
    lead: str              # the first sentences of the body, and the feed's summary
    body: str              # the rest of the body, cut to BODY_CHARS
    url_path: str = ""

    @classmethod
    def of(cls, title: str | None, text: str | None, summary: str | None = None, url: str | None = None) -> "StoryText":
        body = re.sub(r"\s+", " ", text or "").strip()
        body = DATELINE.sub("", body, count=1)
        title = re.sub(r"\s+", " ", title or "").strip()
        lead, rest = body[:LEAD_CHARS], body[LEAD_CHARS:LEAD_CHARS + BODY_CHARS]
        if summary and summary.strip() and summary.strip()[:40] not in lead:
            lead = f"{summary.strip()} {lead}"
        return cls(title=title, lead=lead, body=rest, url_path=urlsplit(url).path.lower() if url else "")

    def encoder_text(self) -> str:
        """What the encoder reads: the title, then the lead (it stops at its token limit)."""
        return f"{self.title} {self.lead}".strip()

    def model_text(self) -> str:
        """One string for the learned model: the title twice (it says most), then the lead."""
        return f"{self.title} {self.title} {self.lead}".strip()
