"""Whether extracted text is text at all, and how text over the cap is cut: on real-looking cases."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from crawler.extraction import extract
from crawler.extraction.text_sanity import character_counts, cut_to_limit, not_text_reason
from crawler.formats.charset import decode_html

CHINESE = ("上海市经济和信息化委员会日前印发《关于推动数字经济高质量发展的若干措施》，提出到2028年数字经济核心产业"
           "增加值占比达到15%。\n措施围绕数据要素、算力基础设施、人工智能产业和数字化转型四个方面提出20条举措，"
           "其中一季度完成投资4.5亿元、二季度6.3亿元（同比增长12.8%）。")
ENGLISH = ("The city's digital-economy plan, published on Tuesday, sets a target of 15% of GDP by 2028.\n"
           "Officials said the $2.4bn programme would fund data centres, AI start-ups and \"smart\" factories.")
JAPANESE_RUBY = ("<html><head><meta charset='utf-8'><title>東京</title></head><body><article>"
                 "<p><ruby>東京<rp>(</rp><rt>とうきょう</rt><rp>)</rp></ruby>都は<ruby>人工知能<rt>じんこうちのう</rt>"
                 "</ruby>の活用を進めるため、新しい計画を発表しました。データセンターの整備や、中小企業の"
                 "デジタル化への支援が柱となります。</p><p>都の担当者は「行政サービスを便利にしたい」と話しています。"
                 "</p></article></body></html>")


@pytest.mark.parametrize("text", [
    CHINESE,
    ENGLISH,
    extract(JAPANESE_RUBY).text,
    "数字经济大会在合肥开幕 🎉🎉 参会企业超过三百家 👍，现场签约项目总额达到一百二十亿元。\ufffd会议为期三天。",
    "Économie numérique : la région investit 2 milliards d'euros — « un tournant », selon le préfet.",
    "2023年1-6月主要指标：\n地区生产总值 12,345.6亿元 5.2%\n规上工业增加值 4,321.0亿元 6.1%\n数字经济核心产业 2,100.4亿元 9.8%",
    "राज्य सरकार ने डिजिटल अर्थव्यवस्था के लिए नई नीति की घोषणा की है, जिसमें डेटा केंद्रों को प्रोत्साहन दिया जाएगा।",
    "",
], ids=["chinese", "english", "japanese-ruby", "emoji-and-a-stray-fffd", "french", "statistics", "hindi", "empty"])
def test_real_text_passes(text: str):
    assert not_text_reason(text) is None


def test_the_japanese_ruby_page_really_was_extracted():
    assert "人工知能" in extract(JAPANESE_RUBY).text


def test_binary_garbage_decoded_as_html_is_not_text():
    garbage = random.Random(8).randbytes(50_000)
    for content_type in ("text/html", "text/html; charset=gbk", "text/html; charset=iso-8859-1"):
        text, _ = decode_html(garbage, content_type)
        reason = not_text_reason(text)
        assert reason and "control or undecodable characters" in reason, (content_type, reason)


def test_the_reason_gives_the_share():
    assert not_text_reason("\ufffd\x01\x02" * 10 + "abcdefgh" * 5) == "43% control or undecodable characters"


@pytest.mark.parametrize("text", ["." * 5000, "-=" * 3000 + " ok", "★☆" * 400 + "\n" + "│ ├ └ ─" * 300,
                                  "<<<>>> {{{}}} |||| ;;;; " * 100])
def test_text_without_words_is_not_text(text: str):
    reason = not_text_reason(text)
    assert reason and reason.startswith("no words: only ") and reason.endswith("letters or digits")


def test_a_text_under_the_cap_is_left_alone():
    assert cut_to_limit(CHINESE, 10_000) == CHINESE


def test_a_long_text_is_cut_at_the_last_paragraph_boundary_under_the_cap():
    paragraphs = [f"第{n}段：" + "数据要素市场化配置改革稳步推进。" * 20 for n in range(100)]
    text = "\n".join(paragraphs)
    cut = cut_to_limit(text, 5_000)
    assert len(cut) <= 5_000
    assert text.startswith(cut + "\n"), "whole paragraphs, cut where one ends"
    assert len(cut) > 5_000 - len(paragraphs[0]) - 1, "the last whole paragraph that fits is kept"


def test_one_huge_paragraph_is_cut_at_a_word_or_sentence_end():
    words = "word " * 200_000
    cut = cut_to_limit(words.strip(), 200_000)
    assert len(cut) <= 200_000 and cut.endswith("word") and not cut.endswith(" ")
    sentences = "数据要素市场化配置改革稳步推进。" * 20_000
    cut = cut_to_limit(sentences, 1_000)
    assert len(cut) <= 1_000 and cut.endswith("。")
    unbroken = "数" * 5_000
    assert cut_to_limit(unbroken, 1_000) == "数" * 1_000


def counted_one_by_one(text: str) -> tuple[int, int, int]:
    """(bad, words, visible) by the rule's definitions, one character at a time: what the fast count must give."""
    visible = [ch for ch in text if ch not in "\t\n\r" and unicodedata.category(ch)[0] != "Z"]
    bad = sum(ch in "\ufffd\ufffe\uffff" or unicodedata.category(ch) in ("Cc", "Cs") for ch in visible)
    return bad, sum(unicodedata.category(ch)[0] in "LMN" for ch in visible), len(visible)


def test_the_count_agrees_with_the_rule_for_every_character():
    every = [chr(code) for code in range(sys.maxunicode + 1)]
    for start in range(0, len(every), 4096):   # each block of code points alone, then mixed with prose
        block = "".join(every[start:start + 4096])
        assert character_counts(block) == counted_one_by_one(block)
        mixed = "".join(a + b for a, b in zip(block, "新闻稿 news, 2026年 ç\u0301 ١٢٣" * 200, strict=False))
        assert character_counts(mixed) == counted_one_by_one(mixed)
    shuffled = random.Random(7)
    for _ in range(300):
        text = "".join(shuffled.choice(every) for _ in range(shuffled.randrange(1, 60)))
        assert character_counts(text) == counted_one_by_one(text)
