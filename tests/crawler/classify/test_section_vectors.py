"""The sections' encoded vectors are kept in the home's cache/: the same decisions, without encoding them again."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import REPO
from support.classify_fixtures import needs_m3e  # noqa: F401  (fixtures)

from crawler.classify import Classifier
from crawler.classify.rules import SectionRules
from crawler.classify.section_vectors import cache_folder
from crawler.configuration.sections import load_sections
from db import Store
from newsdesk.cli import main
from newsdesk.demo import demo_catalogue


def cached_files(home):
    return sorted(cache_folder(home).glob("section-vectors-*.npy"))


@pytest.fixture
def sections(home, needs_m3e):  # noqa: F811
    return load_sections(home / "sections.yaml")


@pytest.fixture(scope="module")
def uncached_meanings():
    """What the encoder makes of the default sections when nothing is cached."""
    newsletter = load_sections(REPO / "crawler" / "configuration" / "defaults" / "sections.yaml")
    return Classifier(newsletter).rules.meanings


def test_the_vectors_are_cached_and_a_warm_classifier_decides_exactly_as_a_cold_one(home, sections,
                                                                                     uncached_meanings):
    cold = Classifier(sections, vectors_cache=cache_folder(home))
    [path] = cached_files(home)
    assert np.array_equal(np.load(path, allow_pickle=False), uncached_meanings)
    warm = Classifier(sections, vectors_cache=cache_folder(home))
    assert np.array_equal(warm.rules.meanings, cold.rules.meanings)
    for entry in demo_catalogue():
        a, b = cold.classify(entry["title"], entry["text"]), warm.classify(entry["title"], entry["text"])
        assert (a.section, a.confidence, a.relevance, a.filtered) == (b.section, b.confidence, b.relevance,
                                                                       b.filtered)


def test_the_cached_file_is_what_the_rules_read(home, sections):
    Classifier(sections, vectors_cache=cache_folder(home))
    [path] = cached_files(home)
    planted = np.zeros_like(np.load(path, allow_pickle=False))
    planted[:, 0] = 1.0
    np.save(path, planted, allow_pickle=False)
    assert np.array_equal(SectionRules(sections, Classifier(sections).rules.encoder,
                                       vectors_cache=cache_folder(home)).meanings, planted)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "pickled", "wrong shape", "not finite"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(home, sections, uncached_meanings, damage):
    Classifier(sections, vectors_cache=cache_folder(home))
    [path] = cached_files(home)
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not an array at all")
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "pickled":
        np.save(path, np.array([{"evil": pickle.dumps(print)}], dtype=object), allow_pickle=True)
    elif damage == "wrong shape":
        np.save(path, uncached_meanings[:2], allow_pickle=False)
    else:
        broken = uncached_meanings.copy()
        broken[0, 0] = np.nan
        np.save(path, broken, allow_pickle=False)
    rebuilt = Classifier(sections, vectors_cache=cache_folder(home))
    assert np.array_equal(rebuilt.rules.meanings, uncached_meanings)
    assert path.read_bytes() == good


def test_an_edited_sections_yaml_gets_new_vectors_and_the_old_file_goes(home, sections, uncached_meanings):
    Classifier(sections, vectors_cache=cache_folder(home))
    [before] = cached_files(home)
    path = home / "sections.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("keywords: {印发: 4,", "keywords: {印发: 4, 量子计算: 3,", 1),
                    encoding="utf-8")
    edited = Classifier(load_sections(path), vectors_cache=cache_folder(home))
    [after] = cached_files(home)
    assert after != before
    assert not np.array_equal(edited.rules.meanings, uncached_meanings)
    assert np.array_equal(edited.rules.meanings[1:], uncached_meanings[1:])


def test_classify_explain_fills_the_cache_and_uses_it(home, sections):
    with Store(home / "newsdesk.db") as store:
        store.add_candidate({"url": "https://x.cn/1", "source": "s", "title": "量子计算新突破",
                             "text": "科研团队实现量子纠错。" * 5})
    explain = lambda: CliRunner().invoke(main, ["--home", str(home), "classify", "explain", "1"])  # noqa: E731
    first = explain()
    assert first.exit_code == 0, first.output
    [path] = cached_files(home)
    written = path.stat().st_mtime_ns
    second = explain()
    assert second.output == first.output
    assert path.stat().st_mtime_ns == written


def test_extract_loads_neither_the_classifier_nor_scrapy(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>标题</title></head><body><p>" + "正文。" * 50 + "</p></body></html>",
                    encoding="utf-8")
    code = ("import runpy, sys\n"
            f"sys.argv = ['newsdesk', 'extract', {str(page)!r}]\n"
            "try:\n    runpy.run_module('newsdesk.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] if not m.startswith('crawler') else m for m in sys.modules\n"
            "              if m.startswith(('crawler.classify', 'scrapy', 'sklearn', 'jieba', 'twisted'))}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_init_encodes_the_sections_so_the_first_crawl_reads_them(tmp_path, needs_m3e):  # noqa: F811
    home = tmp_path / "fresh"
    result = CliRunner().invoke(main, ["init", str(home)])
    assert result.exit_code == 0, result.output
    assert "encoded the sections' meanings" in result.output
    [path] = cached_files(home)
    written = path.stat().st_mtime_ns
    newsletter = load_sections(home / "sections.yaml")
    rules = Classifier(newsletter, vectors_cache=cache_folder(home)).rules   # what a crawl builds
    assert cached_files(home) == [path] and path.stat().st_mtime_ns == written   # read, not encoded again
    assert np.array_equal(rules.meanings, np.load(path))
