"""decode_html: override, BOM, HTTP header, <meta>, detection; GB2312/GBK as GB18030; pages that lie."""

from __future__ import annotations

import codecs

import pytest
from conftest import shared_data

from crawler.cjk import HAN_CHARACTER
from crawler.formats.charset import decode_html, normalise_charset

TEXT = "长三角数字经济：上海、江苏、浙江、安徽推进算力枢纽和数据要素市场建设。" * 3


def page(charset_meta: str | None = None, text: str = TEXT, http_equiv: bool = False) -> str:
    if charset_meta is None:
        meta = ""
    elif http_equiv:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
    else:
        meta = f'<meta charset="{charset_meta}">'
    return f"<html><head>{meta}<title>测试</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gb_2312-80", "GBK", "x-gbk", "csGB2312", "cp936", "gb18030",
                                   "EUC-CN", "chinese"])
def test_every_spelling_of_gb2312_and_gbk_reads_as_gb18030(label: str):
    body = page(label, http_equiv=True).encode("gbk")
    text, used = decode_html(body)
    assert used == "gb18030"
    assert TEXT in text


def test_gbk_declared_page_with_characters_only_gb18030_has():
    # 㐀 (U+3400) is outside GBK: a strict GBK decoder would fail on it, GB18030 reads it.
    body = page("gbk", text="㐀" + TEXT).encode("gb18030")
    text, used = decode_html(body)
    assert used == "gb18030"
    assert "㐀" + TEXT in text


def test_operator_override_comes_first():
    body = page("utf-8").encode("gbk")
    text, used = decode_html(body, "text/html; charset=utf-8", override="gbk")
    assert used == "gb18030"
    assert TEXT in text


def test_bom_beats_header_and_meta():
    body = codecs.BOM_UTF8 + page("gbk").encode("utf-8")
    text, used = decode_html(body, "text/html; charset=iso-8859-1")
    assert used == "utf-8"
    assert TEXT in text and not text.startswith("\ufeff")
    text, used = decode_html(codecs.BOM_UTF16_LE + page().encode("utf-16-le"))
    assert used == "utf-16-le" and TEXT in text


def test_header_charset_beats_meta():
    body = page("utf-8").encode("gbk")  # the <meta> is wrong; the server is right
    text, used = decode_html(body, "text/html; charset=GB2312")
    assert used == "gb18030"
    assert TEXT in text


def test_meta_charset_and_http_equiv_are_read():
    assert decode_html(page("gbk").encode("gbk"))[1] == "gb18030"
    big5 = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body>臺灣數位經濟'
    assert decode_html(big5.encode("big5")) == (big5, "big5hkscs")


def test_meta_beyond_the_first_4kb_is_not_looked_for():
    body = ("<!--" + "x" * 5000 + "-->" + page("gbk")).encode("gbk")
    text, used = decode_html(body)
    assert used == "gb18030"  # found by detection instead
    assert TEXT in text


def test_meta_that_lies_about_gb2312_when_bytes_are_utf8():
    text, used = decode_html(page("gb2312", http_equiv=True).encode("utf-8"))
    assert used == "utf-8"
    assert TEXT in text


def test_western_header_default_does_not_outrank_the_pages_cjk_meta():
    text, used = decode_html(page("gbk").encode("gbk"), "text/html; charset=ISO-8859-1")
    assert used == "gb18030"
    assert TEXT in text


def test_undeclared_pages_are_detected():
    assert decode_html(page().encode("utf-8")) == (page(), "utf-8")
    text, used = decode_html(page().encode("gb18030"))
    assert used == "gb18030" and TEXT in text


def test_unknown_charset_names_are_ignored():
    text, used = decode_html(page("no-such-charset").encode("utf-8"), "text/html; charset=bogus")
    assert used == "utf-8"
    assert TEXT in text


def test_bad_bytes_never_raise():
    body = page("utf-8").encode("utf-8") + b"\xff\xfe\x81" + bytes(range(128, 256))
    text, used = decode_html(body, "text/html; charset=utf-8")
    assert used == "utf-8"
    assert "\ufffd" in text
    assert decode_html(b"")[0] == ""
    decode_html(bytes(range(256)) * 50)


def test_a_few_bad_bytes_keep_the_declared_encoding():
    body = page("gbk").encode("gbk") + b"\x81"  # a truncated double-byte character at the end
    text, used = decode_html(body)
    assert used == "gb18030"
    assert TEXT in text


@pytest.mark.parametrize("label, expected", [("utf8", "utf-8"), (" 'UTF-8' ", "utf-8"), ("latin1", "cp1252"),
                                             ("shift_jis", "cp932"), ("utf-16", "utf-8"), ("nonsense", None),
                                             ("", None), (None, None)])
def test_normalise_charset(label, expected):
    assert normalise_charset(label) == expected


def test_every_page_of_the_chinese_dataset_decodes():
    folder = shared_data("chinese-web-content-extraction")
    for html in sorted((folder / "original").glob("*.html")):
        text, used = decode_html(html.read_bytes())
        gold = (folder / "cleaned" / f"{html.stem}.txt").read_text(encoding="utf-8", errors="replace")
        # Two pages carry a handful of damaged bytes in the original; nothing more may be lost.
        assert text.count("\ufffd") <= 12, html.name
        sample = "".join(HAN_CHARACTER.findall(gold))[:6]
        assert sample and all(ch in text for ch in sample), f"{html.name} decoded as {used} looks garbled"


def test_gne_pages_that_declare_gb2312_but_are_utf8():
    folder = shared_data("gne-chinese-news", "tests")
    for name in ("163/9.html", "people/1.html", "qq/2.html"):
        body = (folder / name).read_bytes()
        assert b"gb2312" in body[:4096].lower()
        assert decode_html(body)[1] == "utf-8", name


# -- pages that lie about their charset everywhere they can ---------------------------------------------------

LONG_TEXT = ("上海市经济和信息化委员会日前印发《关于推动数字经济高质量发展的若干措施》，提出到二〇二八年数字经济核心"
             "产业增加值占比达到百分之十五。措施围绕数据要素、算力基础设施、人工智能产业和数字化转型四个方面提出二十条举措。")


def test_gbk_bytes_declared_utf8_in_header_and_meta_are_read_as_gb18030():
    body = page("utf-8", text=LONG_TEXT).encode("gbk")
    text, used = decode_html(body, "text/html; charset=utf-8")
    assert used == "gb18030"
    assert LONG_TEXT in text


def test_gbk_bytes_declared_latin1_in_header_and_meta_are_read_as_gb18030():
    body = page("iso-8859-1", text=LONG_TEXT).encode("gbk")
    text, used = decode_html(body, "text/html; charset=iso-8859-1")
    assert used == "gb18030"
    assert LONG_TEXT in text


def test_a_real_latin1_page_keeps_its_declared_charset():
    french = ("<html><head><meta charset='iso-8859-1'><title>Économie</title></head><body><p>"
              + "L'économie numérique française a progressé de façon spectaculaire. Les données, "
                "l'informatique en nuage et l'intelligence artificielle sont au cœur des priorités du "
                "gouvernement, qui prévoit des aides aux entreprises. Où en sont les régions ? Ça dépend. " * 4
              + "</p></body></html>")
    text, used = decode_html(french.encode("cp1252"), "text/html; charset=iso-8859-1")
    assert used == "cp1252"
    assert "façon spectaculaire" in text and "cœur" in text


def test_portuguese_and_german_pages_declared_latin1_are_not_mistaken_for_chinese():
    prose = ("A transformação digital das regiões avança: informação, inovação e gestão pública estão em "
             "expansão. Die Überprüfung der Maßnahmen für Größere Städte zeigt höhere Qualität. ") * 6
    body = f"<html><head><meta charset='latin1'></head><body><p>{prose}</p></body></html>".encode("cp1252")
    text, used = decode_html(body, "text/html; charset=latin1")
    assert used == "cp1252"
    assert prose in text


def test_utf8_page_declared_utf8_with_heavy_damage_is_not_redetected_as_something_else():
    # Damage without a better reading of the bytes leaves the declared charset in place.
    body = page("utf-8").encode("utf-8") + bytes(range(128, 256)) * 3
    text, used = decode_html(body, "text/html; charset=utf-8")
    assert used == "utf-8" and TEXT in text
