"""One definition of Chinese, Japanese and Korean script (crawler/cjk.py), the same in every step that asks."""

from __future__ import annotations

import pytest

from crawler.cjk import is_cjk
from crawler.dedup.fingerprints import shingle_hashes
from crawler.extraction.bylines import find_author
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import PageMetadata
from crawler.formats.listing_links import headline_like

# An everyday character, then rarer ideographs: extension A, a compatibility ideograph, extension B.
IDEOGRAPHS = ["数", "\u3400", "\uf900", "\U00020000"]


@pytest.mark.parametrize("ideograph", IDEOGRAPHS, ids=["unified", "extension-A", "compatibility", "extension-B"])
def test_every_step_reads_a_rare_ideograph_as_chinese(ideograph):
    assert headline_like("数据要素市" + ideograph), "six Chinese characters make a headline"
    assert find_author(PageMetadata(), ["（记者 陈" + ideograph + "）"]) == "陈" + ideograph
    assert detect_language(PageMetadata(), ideograph * 30) == "zh"
    assert is_cjk(ideograph * 12)
    # Each ideograph is a token of its own (Chinese has no spaces): 7 tokens, 3 five-token shingles.
    assert len(shingle_hashes("数据" + ideograph * 3 + "市场")) == 3


def test_kana_and_hangul_are_cjk_but_only_kana_is_written_without_spaces():
    assert is_cjk("データ経済の新しい取り組みが始まりました") and is_cjk("디지털 경제의 새로운 정책이 발표되었습니다")
    assert not is_cjk("The digital economy plan for the Yangtze River Delta, 2026 to 2030")
    assert detect_language(PageMetadata(), "データ経済の新しい取り組みが始まりました" * 3) == "ja"
    assert detect_language(PageMetadata(), "디지털 경제의 새로운 정책이 발표되었습니다" * 3) == "ko"
    # Kana: one token a character; hangul: one token a word, as in English.
    assert len(shingle_hashes("データです")) == 1 and len(shingle_hashes("データですね")) == 2
    assert len(shingle_hashes("디지털 경제의 새로운 정책이 발표되었습니다")) == 1
