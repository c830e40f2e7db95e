"""Text as every copy of a story has it: full-width and half-width folded, lowercase, simplified characters,
no punctuation, symbols or spacing. The one normaliser of exact copies (crawler/dedup/exact.py) and of
near-duplicate tokens (crawler/dedup/fingerprints.py).

Changing what it does changes the text_hash stored with every candidate: stored copies would no longer
be found as exact copies of new ones (unless a migration rehashes them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Punctuation, symbols, spacing and the underscore differ between reprints of the same text; letters and
# digits do not. Private-use characters go too (crawler/dedup/fingerprints.py writes words with them).
_NOT_WORD = re.compile(r"[\W_]+")


def normalised(text: str, *, word_breaks: bool = False) -> str:
    """NFKC (full-width to half-width: ＡＢＣ１２３ is abc123, ㎡ is m2), lowercase, traditional characters
    to simplified, then punctuation, symbols and spacing dropped. word_breaks: each run of them becomes one
    space instead, so that words of Latin script stay apart (for tokens; whole texts compare without)."""
    text = _simplified(unicodedata.normalize("NFKC", text).lower())
    return _NOT_WORD.sub(" " if word_breaks else "", text)


# Each traditional character and its simplified form, one pair a line: OpenCC's t2s frozen (opencc_table).
TABLE = Path(__file__).with_name("traditional_simplified.txt")


@lru_cache(maxsize=1)
def _to_simplified() -> tuple[dict[str, str], re.Pattern]:
    """Each traditional character's simplified form, and a pattern finding them, read from TABLE: 6 ms where
    asking OpenCC took 0.1 s in every process (the crawl's and each of its workers), and the stored text_hash
    values cannot move with an OpenCC upgrade (a test compares the file with OpenCC's answer)."""
    mapping = dict(line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if line)
    return mapping, re.compile("[" + "".join(sorted(mapping)) + "]")


def opencc_table() -> dict[str, str]:
    """OpenCC's t2s, one character at a time, for the ideographs of the Basic Multilingual Plane (extension A
    and the unified block), as the stored text_hash values were made; only the characters it changes. Both
    copies of a text go through the same mapping, which is what matters here, and it is far faster than
    converting phrase by phrase. TABLE is written from it (write_table)."""
    from opencc import OpenCC

    ideographs = [chr(code) for code in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    converted = OpenCC("t2s").convert("\n".join(ideographs)).split("\n")
    return {old: new for old, new in zip(ideographs, converted, strict=True) if old != new}


def write_table() -> None:
    """TABLE made again from OpenCC (after an upgrade that changes it: every stored text_hash changes too)."""
    TABLE.write_text("".join(f"{old}\t{new}\n" for old, new in sorted(opencc_table().items())), encoding="utf-8")


def _simplified(text: str) -> str:
    mapping, traditional = _to_simplified()
    return traditional.sub(lambda found: mapping[found.group()], text)
