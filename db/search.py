"""Turning an editor's search words into SQL: FTS5 trigram for 3+ characters, LIKE below."""

import logging

from .errors import StoreError

logger = logging.getLogger(__name__)

# The trigram tokenizer cannot match a phrase shorter than this (e.g. 数据, 量子).
TRIGRAM_MIN_CHARS = 3
# Each short term is a LIKE condition, and SQLite refuses a WHERE clause nested deeper than 1,000
# ("Expression tree is too large"; about 997 terms); long terms share one MATCH, which takes thousands.
# Nobody searches with more than a few words: the limit stays ten times below what SQLite takes.
MAX_SEARCH_TERMS = 100
# A term longer than a long headline finds nothing a shorter one would not.
MAX_TERM_CHARS = 200


def fts_phrase(term: str) -> str:
    """The term as one quoted FTS5 phrase, so AND, NEAR, *, - and quotes are plain text."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the term anywhere, with its own % _ and \\ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(query: str, alias: str = "c") -> tuple[str, list[str]]:
    """A WHERE condition (and its parameters) that every whitespace-separated term must meet.

    An empty query gives ("", []); the caller decides what that means. Raises StoreError for more terms,
    or a longer term, than a search may have.
    """
    terms = query.split()
    if len(terms) > MAX_SEARCH_TERMS:
        raise StoreError(f"too many search terms ({len(terms)}); use at most {MAX_SEARCH_TERMS}")
    longest = max(terms, key=len, default="")
    if len(longest) > MAX_TERM_CHARS:
        raise StoreError(f"a search term of {len(longest)} characters is too long; use at most {MAX_TERM_CHARS}")
    long_terms = [term for term in terms if len(term) >= TRIGRAM_MIN_CHARS]
    short_terms = [term for term in terms if len(term) < TRIGRAM_MIN_CHARS]
    conditions: list[str] = []
    params: list[str] = []
    if long_terms:
        conditions.append(
            f"{alias}.id IN (SELECT rowid FROM candidates_fts WHERE candidates_fts MATCH ?)"
        )
        params.append(" AND ".join(fts_phrase(term) for term in long_terms))
    for term in short_terms:
        conditions.append(
            f"({alias}.title LIKE ? ESCAPE '\\' OR {alias}.text LIKE ? ESCAPE '\\')"
        )
        params += [like_pattern(term)] * 2
    return " AND ".join(conditions), params
