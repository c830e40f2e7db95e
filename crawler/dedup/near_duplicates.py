"""Near-duplicates: the stored story a new article is a copy of, found through the index and checked exactly.

Finding: the article's sampled shingle hashes (crawler/dedup/fingerprints.py) are looked up in the index
kept in newsdesk.db, only among articles dated within the window (dedup_window_days) of its own date,
and at most MAX_POSTINGS rows per hash, so the cost of a lookup does not grow with the store. A hash
found in COMMON_STORIES stories or more is a stock phrase or a site's template, not evidence of a copy.

Checking: the candidates sharing the most hashes are compared exactly, shingle by shingle, leaving out
the new text's template (its common hashes and the stretches between them). A copy shares at least
SMALL_SHARE of the smaller text (what a byline, an editor's note or a trimmed paragraph leaves),
LARGE_SHARE of the larger (an excerpt carries a third or more of the original) and MIN_SHARED shingles,
and one text's opening is in the other. A brief cut from a long story (under a third of it) is a copy
too: nearly all of the shorter text (CONTAINED_SHARE) is inside the longer, in at least MIN_CONTAINED
shingles, so a short text sharing a phrase or two never joins by containment alone. A story that quotes a
paragraph of another shares a small part of both; two reports of one event share names and figures, not passages; two pages of one site that
share its footer or a stock paragraph open differently, even before the footer is known to be common.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from crawler.dedup.fingerprints import TextFingerprint, fingerprint
from db import Fingerprints, clock, story_day

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_DAYS = 30
MAX_POSTINGS = 16          # rows read per hash; a story reprinted more often is still one story among them
COMMON_STORIES = 4         # a hash found in this many other stories is a phrase or template many use
MIN_HITS = 2               # sampled hashes a candidate must share before it is compared exactly
MAX_COMPARED = 8           # candidates compared exactly, those sharing the most hashes first
SMALL_SHARE = 0.6
LARGE_SHARE = 0.3
MIN_SHARED = 20            # shingles: about 25 characters of Chinese
CONTAINED_SHARE = 0.9      # of the shorter text inside the longer: a brief cut from a long story
MIN_CONTAINED = 60         # shingles: about 65 characters of Chinese, two sentences or so
CLOSE_ENOUGH = 0.95        # a match sharing this much of the larger text ends the comparisons
# A copy keeps the opening of the story, or opens with it after a note or a byline; two pages of one
# site that share only its footer (or a stock paragraph) open differently.
LEAD_SHARE, LEAD_MIN, LEAD_MAX = 0.2, 10, 30
LEAD_SHARED = 0.5


@dataclass(frozen=True)
class Resemblance:
    """How much of two texts' content (template left out) is the same: shingles shared, and their share
    of the smaller and of the larger text."""

    shared: int
    small_share: float
    large_share: float
    shares_a_lead: bool     # the opening of one text is in the other

    @property
    def is_copy(self) -> bool:
        return self.shares_a_lead and (self.is_reprint or self.is_brief)

    @property
    def is_reprint(self) -> bool:
        """Most of the smaller text and a third or more of the larger: a reprint, edited or cut."""
        return self.shared >= MIN_SHARED and self.small_share >= SMALL_SHARE and self.large_share >= LARGE_SHARE

    @property
    def is_brief(self) -> bool:
        """Nearly all of the smaller text, however small a part of the larger: a brief cut from it."""
        return self.shared >= MIN_CONTAINED and self.small_share >= CONTAINED_SHARE


@dataclass(frozen=True)
class Match:
    """The stored candidate a new text copies, and its story."""

    candidate_id: int
    cluster_id: int
    resemblance: Resemblance


@dataclass(frozen=True)
class Verdict:
    """What the index should keep of a new text, and the stored copy it matches (None: a new story)."""

    fingerprints: Fingerprints
    match: Match | None


class Content:
    """A text's shingles less its template: the hashes known to be common and the stretches between two
    of them (at a sampling level above 0 the shingles between two samples are not looked up)."""

    def __init__(self, text: TextFingerprint, common: frozenset[int] = frozenset()) -> None:
        shingles = text.shingles
        template = np.isin(shingles, np.fromiter(common, dtype=np.int64, count=len(common)))
        if common and text.level:
            samples = np.flatnonzero((shingles & ((1 << text.level) - 1)) == 0)
            both = template[samples[:-1]] & template[samples[1:]]
            for start, end in zip(samples[:-1][both], samples[1:][both], strict=True):
                template[start:end] = True
        self.template = frozenset(shingles[template].tolist()) | common
        self.ordered = shingles.tolist()
        self.hashes = frozenset(self.ordered) - self.template


def resemblance(new: Content, stored: TextFingerprint, stored_content: int | None = None) -> Resemblance:
    """Compare a new text's content with a stored text exactly. stored_content, the stored text's size
    less its own template as recorded when it was stored, stands for its size when smaller."""
    theirs = frozenset(stored.shingles.tolist()) - new.template
    size = min(len(theirs), stored_content) if stored_content is not None else len(theirs)
    if not new.hashes or not size:
        return Resemblance(0, 0.0, 0.0, False)
    shared = min(len(new.hashes & theirs), size)
    leads = (_share_in(_lead(new.ordered, new.template), theirs),
             _share_in(_lead(stored.shingles.tolist(), new.template), new.hashes))
    return Resemblance(shared, shared / min(len(new.hashes), size), shared / max(len(new.hashes), size),
                       max(leads) >= LEAD_SHARED)


def _lead(shingles: list[int], left_out: frozenset[int]) -> list[int]:
    """The first shingles of a text's content: its first sentence or so, LEAD_SHARE of it at most."""
    content = [value for value in shingles if value not in left_out]
    return content[: min(LEAD_MAX, max(LEAD_MIN, round(LEAD_SHARE * len(content))))]


def _share_in(lead: list[int], other: frozenset[int]) -> float:
    return sum(value in other for value in lead) / len(lead) if lead else 0.0


class NearDuplicates:
    """Finds the story a new article copies, within a window of days, through the store's index."""

    def __init__(self, store, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        self.store = store
        self.window_days = window_days

    def check(self, text: str, published_at: str | None = None,
              text_fingerprint: TextFingerprint | None = None) -> Verdict:
        """The stored copy most like this text when it is a copy of one, and what to index of it."""
        new = text_fingerprint or fingerprint(text)
        sample = new.sample
        if len(sample) == 0:
            return Verdict(index_entry(new), None)
        day = story_day(published_at, clock.utc_now())
        postings = self.store.fingerprint_postings(sample.tolist(), day, self.window_days, MAX_POSTINGS)
        common = frozenset(h for h, rows in postings.items() if len({c for _, c in rows}) >= COMMON_STORIES)
        content = Content(new, common)
        hits: Counter[int] = Counter()
        for value, rows in postings.items():
            if value not in common:
                hits.update({candidate_id for candidate_id, _ in rows})
        needed = min(MIN_HITS, len(sample))
        ranked = [cid for cid, count in hits.most_common() if count >= needed][:MAX_COMPARED]
        stored = self.store.candidate_texts(ranked)
        best: Match | None = None
        for candidate_id in ranked:
            cluster_id, stored_text, stored_content = stored[candidate_id]
            found = resemblance(content, _stored_fingerprint(stored_text), stored_content)
            if found.is_copy and (best is None or _closer(found, best.resemblance)):
                best = Match(candidate_id, cluster_id, found)
                if found.large_share >= CLOSE_ENOUGH:
                    break
        return Verdict(index_entry(new, len(content.hashes)), best)

    def index_missing(self, batch: int = 500) -> int:
        """Index the stored candidates that have no fingerprints yet (stored before the index existed,
        or by a path that gave none); returns how many. Does nothing on a read-only store."""
        if getattr(self.store, "readonly", False):
            return 0
        done = 0
        while rows := self.store.unindexed_candidates(batch):
            done += self.store.save_fingerprints((row["id"], index_entry(fingerprint(row["text"]))) for row in rows)
        if done:
            logger.info("indexed %d stored candidates for near-duplicate search", done)
        return done


def index_entry(text_fingerprint: TextFingerprint, content: int | None = None) -> Fingerprints:
    """What the store's index keeps of a text; content defaults to all of its shingles."""
    if content is None:
        content = len(np.unique(text_fingerprint.shingles))
    return Fingerprints(text_fingerprint.level, text_fingerprint.sample.tolist(), content)


@lru_cache(maxsize=2048)
def _stored_fingerprint(text: str) -> TextFingerprint:
    # The stories being reprinted right now are compared again and again while their copies come in.
    return fingerprint(text)


def _closer(found: Resemblance, best: Resemblance) -> bool:
    # The copy sharing most of the larger text is the closest: an exact reprint beats an excerpt.
    return (found.large_share, found.small_share) > (best.large_share, best.small_share)
