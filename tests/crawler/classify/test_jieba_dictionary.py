"""jieba's dictionary from Newsdesk's copy: the same words as jieba's own, and jieba's own way when the copy is bad."""

import os

import jieba
import numpy as np
import pytest

from crawler.classify.jieba_dictionary import _copy_files, load_dictionary

SENTENCE = "国务院印发关于加快数字经济发展的意见，支持人工智能产业园区建设"


def loaded(folder) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    load_dictionary(tokenizer, folder)
    return tokenizer


@pytest.fixture(scope="module")
def own() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_the_copy_is_made_once_and_gives_jiebas_own_dictionary(tmp_path, own):
    first = loaded(tmp_path)
    words_file, counts_file = _copy_files(tmp_path)
    assert words_file.is_file() and counts_file.is_file()
    made = words_file.stat().st_mtime_ns
    second = loaded(tmp_path)
    assert words_file.stat().st_mtime_ns == made
    for tokenizer in (first, second):
        assert tokenizer.FREQ == own.FREQ and tokenizer.total == own.total
        assert tokenizer.lcut(SENTENCE) == own.lcut(SENTENCE)


def planted(folder, extra_word: str) -> None:
    """A copy that has one more word than jieba's dictionary, written as load_dictionary writes it."""
    loaded(folder)
    words_file, counts_file = _copy_files(folder)
    words = words_file.read_text(encoding="utf-8").split("\n") + [extra_word]
    counts = np.append(np.load(counts_file), 5)
    words_file.write_text("\n".join(words), encoding="utf-8")
    np.save(counts_file, counts)


def test_the_copy_is_what_is_read(tmp_path):
    planted(tmp_path, "新闻台桌")
    assert loaded(tmp_path).FREQ.get("新闻台桌") == 5


def test_a_copy_that_does_not_add_up_is_not_read(tmp_path, own):
    planted(tmp_path, "新闻台桌")
    words_file, _ = _copy_files(tmp_path)
    words_file.write_text(words_file.read_text(encoding="utf-8") + "\n多一个", encoding="utf-8")
    tokenizer = loaded(tmp_path)
    assert "新闻台桌" not in tokenizer.FREQ and tokenizer.total == own.total


def test_a_copy_others_may_write_is_not_read(tmp_path, own):
    planted(tmp_path, "新闻台桌")
    words_file, _ = _copy_files(tmp_path)
    os.chmod(words_file, 0o666)
    assert "新闻台桌" not in loaded(tmp_path).FREQ
    assert not words_file.stat().st_mode & 0o022     # made again, as this user's alone


def test_a_folder_that_cannot_be_written_still_gives_jiebas_dictionary(tmp_path, own):
    missing = tmp_path / "not-there"
    tokenizer = loaded(missing)
    assert tokenizer.FREQ == own.FREQ
    assert not missing.exists()
