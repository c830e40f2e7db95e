"""Turning an editor's search words into SQL: FTS5 trigram for 3+ characters, LIKE below."""

import logging

logger = logging.getLogger(__name__)

# The trigram tokenizer cannot match a phrase shorter than this (e.g. 数据, 量子).
TRIGRAM_MIN_CHARS = 3


def fts_phrase(term: str) -> str:
    """The term as one quoted FTS5 phrase, so AND, NEAR, *, - and quotes are plain text."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the term anywhere, with its own % _ and \\ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(query: str, alias: str = "c") -> tuple[str, list[str]]:
    """A WHERE condition (and its parameters) that every whitespace-separated term must meet.

    An empty query gives ("", []); the caller decides what that means.
    """
    terms = query.split()
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
