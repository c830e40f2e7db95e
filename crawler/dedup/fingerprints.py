"""Text as reprints share it: normalised tokens, hashed 5-token shingles, and the sample of them an index keeps.

Reprints differ in punctuation, full- and half-width forms, spacing and traditional or simplified
characters, so all of those are normalised away (crawler/dedup/normalise.py) before anything is hashed. Each CJK character is a
token (Chinese has no spaces); any other run of letters or digits is one token. A shingle is five
tokens in a row: five characters of Chinese, five words of English.

The index keeps a sample of a text's shingle hashes: those whose low `level` bits are zero, with the
level chosen so that a text keeps at most SAMPLE_TARGET of them. The samples nest: a hash kept at
level 3 is kept at levels 0-2 too. So when two texts share a passage, each shared shingle sampled at
the higher of their two levels is in both samples, whichever text is longer, and an excerpt of a
third of a long article still shares about SAMPLE_TARGET / 3 sampled hashes with it.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass

import numpy as np

from crawler.cjk import HAN, KANA
from crawler.dedup.normalise import normalised

logger = logging.getLogger(__name__)

SHINGLE_TOKENS = 5
SAMPLE_TARGET = 64
# Stored hashes keep 48 bits: SQLite stores them in 6 bytes instead of 8, and with a few million
# distinct shingles in a window a chance collision is still about one in ten million lookups.
HASH_BITS = 48

# Han and kana are written without spaces between words: each character is a token. Hangul is not.
_WORD = re.compile(rf"[^\s{HAN}{KANA}]+")
# Each word becomes one character of the supplementary private use areas, so that a text of any
# language is a string with one character per token (normalised() leaves no private-use character).
_WORD_BASE, _WORD_SPAN = 0xF0000, 0x1FFFE
_MULTIPLIER = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def _one_character_per_token(text: str) -> str:
    text = _WORD.sub(lambda word: chr(_WORD_BASE + zlib.crc32(word.group().encode("utf-8")) % _WORD_SPAN),
                     normalised(text, word_breaks=True))
    return text.replace(" ", "")


def shingle_hashes(text: str) -> np.ndarray:
    """The hash of every run of SHINGLE_TOKENS tokens, in text order (int64; a text shorter than one
    shingle is one shingle of all its tokens; no tokens, no shingles)."""
    codes = np.frombuffer(_one_character_per_token(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    width = min(SHINGLE_TOKENS, len(codes))
    count = len(codes) - width + 1
    with np.errstate(over="ignore"):
        hashes = np.zeros(count, dtype=np.uint64)
        for offset in range(width):
            hashes = hashes * _MULTIPLIER + codes[offset : offset + count]
        # splitmix64's finaliser: every output bit depends on every input bit, so low bits can sample.
        hashes ^= hashes >> np.uint64(30)
        hashes *= _MIX_1
        hashes ^= hashes >> np.uint64(27)
        hashes *= _MIX_2
        hashes ^= hashes >> np.uint64(31)
    return (hashes >> np.uint64(64 - HASH_BITS)).astype(np.int64)


def sample_level(shingle_count: int) -> int:
    """The smallest level at which a text of this many shingles keeps at most SAMPLE_TARGET of them."""
    level = 0
    while shingle_count > SAMPLE_TARGET << level:
        level += 1
    return level


def sampled(hashes: np.ndarray, level: int) -> np.ndarray:
    """The hashes an index keeps at this level: those whose low `level` bits are zero."""
    return hashes[(hashes & ((1 << level) - 1)) == 0]


@dataclass(frozen=True)
class TextFingerprint:
    """A text's shingle hashes (in order, for exact comparison) and the sample an index keeps."""

    shingles: np.ndarray
    level: int

    @property
    def sample(self) -> np.ndarray:
        return np.unique(sampled(self.shingles, self.level))


def fingerprint(text: str) -> TextFingerprint:
    hashes = shingle_hashes(text)
    return TextFingerprint(hashes, sample_level(len(hashes)))
