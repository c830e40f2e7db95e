"""Full-text search: the words a text is indexed by, and an editor's search terms as an FTS5 query.

Chinese and Japanese are written without spaces, so their runs of characters are indexed as the pairs
of adjacent characters (数据要素 -> 数据 据要 要素 素, the last one alone): a term of any length is the
phrase of its pairs, and a one-character term the prefix of a pair. Other text is left to FTS5's
unicode61 tokenizer (words, case and accents folded). A pair index is half the size of a trigram one
and finds two-character words (数据, 量子) by index, without scanning the texts.
"""

import logging
import re

from .errors import StoreError
from .scripts import HAN, KANA

logger = logging.getLogger(__name__)

UNSPACED_RUN = re.compile(f"[{HAN}{KANA}]+")

# Each term is one phrase of a single MATCH; nobody searches with more than a few words.
MAX_SEARCH_TERMS = 100
# A term longer than a long headline finds nothing a shorter one would not.
MAX_TERM_CHARS = 200


def search_words(text: str | None) -> str:
    """The text as the index reads it: runs of unspaced script as overlapping pairs, the rest as it is."""
    if not text:
        return ""
    return UNSPACED_RUN.sub(lambda run: " " + " ".join(_pairs(run.group())) + " ", text)


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression that every whitespace-separated term must meet; None for an empty query.

    Raises StoreError for more terms, or a longer term, than a search may have.
    """
    terms = query.split()
    if len(terms) > MAX_SEARCH_TERMS:
        raise StoreError(f"too many search terms ({len(terms)}); use at most {MAX_SEARCH_TERMS}")
    longest = max(terms, key=len, default="")
    if len(longest) > MAX_TERM_CHARS:
        raise StoreError(f"a search term of {len(longest)} characters is too long; use at most {MAX_TERM_CHARS}")
    phrases = [phrase for phrase in map(_phrase, terms) if phrase]
    return " AND ".join(phrases) or None


def _phrase(term: str) -> str | None:
    """One term as an FTS5 phrase of its index words (quoted, so AND, NEAR, *, - and quotes are text).

    A run of two or more characters is its pairs; a term ending in a character alone (数, A股) ends in a
    prefix, which finds every pair that character begins and the run it ends."""
    words = UNSPACED_RUN.sub(lambda run: " " + " ".join(_pairs(run.group())[:-1] or [run.group()]) + " ", term)
    words = " ".join(words.split())
    if not words:
        return None
    last = UNSPACED_RUN.search(term[-1:])
    return '"' + words.replace('"', '""') + '"' + (" *" if last and len(_last_run(term)) == 1 else "")


def _last_run(term: str) -> str:
    runs = UNSPACED_RUN.findall(term)
    return runs[-1] if runs else ""
