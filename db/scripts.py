"""Which Unicode ranges are Chinese, Japanese and Korean script: the one place that knows them.

At the bottom of the layers so that the search index (db/search.py) and the crawler's text rules
(crawler/cjk.py, which builds its tests on these) read characters alike.
"""

# Character-class ranges, to build patterns from: re.compile(f"[{HAN}{KANA}]").
# Han: extension A, the unified ideographs, the compatibility ideographs, extensions B to H (planes 2 and 3).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u30ff"          # hiragana and katakana
HANGUL = "\uac00-\ud7af"        # hangul syllables
CJK = HAN + KANA + HANGUL
LATIN = "A-Za-z\u00c0-\u024f"   # with the accented letters of Latin-1 and Latin Extended-A and B
