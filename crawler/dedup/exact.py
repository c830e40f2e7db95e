"""Exact copies of one story: the same text once normalised (near-duplicates: crawler/dedup/near_duplicates.py)."""

from __future__ import annotations

import hashlib
import re

from crawler.dedup.fingerprints import normalised

# Punctuation, symbols and spacing differ between reprints of the same text; letters and digits do not.
NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalised_text(text: str) -> str:
    """Full-width to half-width (NFKC), lowercase, traditional to simplified, nothing but letters and digits."""
    return NOT_WORD.sub("", normalised(text))


def text_hash(text: str) -> str:
    return hashlib.sha1(normalised_text(text).encode("utf-8")).hexdigest()


class ExactCopies:
    """Identical text under another URL joins the stored copy's story (its cluster_id)."""

    def __init__(self, store) -> None:
        self.store = store

    def cluster_for(self, candidate) -> int | None:
        if not candidate.text_hash:
            return None
        return self.store.cluster_of_text_hash(candidate.text_hash)
