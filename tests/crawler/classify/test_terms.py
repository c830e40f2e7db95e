"""Keywords, themes and regions made ready once and looked for in every story: the same counts as searching each
term on its own, found in one pass."""

from __future__ import annotations

from crawler.classify.text import Term, TermList


def test_terms_present_in_any_text_are_found_in_order_and_absent_ones_are_not():
    terms = TermList([(Term.of(t), n) for n, t in enumerate(["数据要素", "数据", "AB", "BC", "AI", "芯片", "cloud"])])
    found = terms.found_in(["ABC 数据要素市场", "an AI chip"])
    # Overlapping and nested terms are all found (one pass finds every occurrence, not the leftmost-longest).
    assert [term.text for term, _ in found] == ["数据要素", "数据", "AB", "BC", "AI"]
    assert [n for _, n in found] == [0, 1, 2, 3, 4], "each term keeps what goes with it"


def test_a_term_across_two_texts_is_not_found_and_latin_terms_are_read_lower_cased():
    terms = TermList([(Term.of("数字经济"), 1.0), (Term.of("AI"), 2.0), (Term.of("said"), 3.0)])
    assert terms.found_in(["……数字", "经济……"]) == [], "the end of one text and the start of the next"
    found = terms.found_in(["Ai pioneers", "nothing"])
    assert [term.text for term, _ in found] == ["AI"]
    # found_in only rules terms out; count applies the whole-word rule ('said' is not 'AI').
    ai = found[0][0]
    assert ai.count("She said AI and ai.", "she said ai and ai.") == 2
    assert Term.of("AI").count("SAID", "said") == 0


def test_an_empty_list_or_term_finds_nothing():
    assert TermList([]).found_in(["数据"]) == []
    assert TermList([(Term.of(""), 1.0)]).found_in(["数据"]) == []
    assert Term.of("").count("数据", "数据") == 0
