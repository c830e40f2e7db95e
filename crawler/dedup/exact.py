"""Exact copies of one story: the same text once normalised (near-duplicates: crawler/dedup/near_duplicates.py)."""

from __future__ import annotations

import hashlib

from crawler.dedup.normalise import normalised


def text_hash(text: str) -> str:
    """SHA-1 of the text's letters and digits once normalised: the same for every exact copy (stored with
    each candidate, so it must not change: crawler/dedup/normalise.py)."""
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()


class ExactCopies:
    """Identical text under another URL joins the stored copy's story (its cluster_id)."""

    def __init__(self, store) -> None:
        self.store = store

    def cluster_for(self, candidate) -> int | None:
        if not candidate.text_hash:
            return None
        return self.store.cluster_of_text_hash(candidate.text_hash)
