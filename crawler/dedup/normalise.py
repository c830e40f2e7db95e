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

# Punctuation, symbols, spacing and the underscore differ between reprints of the same text; letters and
# digits do not. Private-use characters go too (crawler/dedup/fingerprints.py writes words with them).
_NOT_WORD = re.compile(r"[\W_]+")


def normalised(text: str, *, word_breaks: bool = False) -> str:
    """NFKC (full-width to half-width: ＡＢＣ１２３ is abc123, ㎡ is m2), lowercase, traditional characters
    to simplified, then punctuation, symbols and spacing dropped. word_breaks: each run of them becomes one
    space instead, so that words of Latin script stay apart (for tokens; whole texts compare without)."""
    text = _simplified(unicodedata.normalize("NFKC", text).lower())
    return _NOT_WORD.sub(" " if word_breaks else "", text)


@lru_cache(maxsize=1)
def _to_simplified() -> tuple[dict[str, str], re.Pattern]:
    """Each traditional character's simplified form (OpenCC's t2s, one character at a time), and a
    pattern finding them. Both copies of a text go through the same mapping, which is what matters
    here, and it is far faster than converting phrase by phrase. The ideographs of the Basic Multilingual
    Plane only (extension A and the unified block), as the stored text_hash values were made."""
    from opencc import OpenCC

    ideographs = [chr(code) for code in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    converted = OpenCC("t2s").convert("\n".join(ideographs)).split("\n")
    mapping = {old: new for old, new in zip(ideographs, converted, strict=True) if old != new}
    return mapping, re.compile("[" + "".join(sorted(mapping)) + "]")


def _simplified(text: str) -> str:
    mapping, traditional = _to_simplified()
    return traditional.sub(lambda found: mapping[found.group()], text)
