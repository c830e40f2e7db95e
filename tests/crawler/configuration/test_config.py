"""sources.yaml and sections.yaml: validation names file, source and field; writes keep the operator's file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.configuration.sections import load_sections
from crawler.configuration.sources import (
    add_source,
    load_sources,
    set_enabled,
    validate_source,
)
from crawler.errors import ConfigError
from newsdesk.cli import main


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *args])


@pytest.mark.parametrize("entry, message", [
    ({"name": "a", "kind": "rss", "url": "http://x.cn/"}, "source 'a' (line 3): kind: must be one of feed"),
    ({"name": "a", "kind": "feed", "url": "x.cn/feed"}, "source 'a' (line 3): url: 'x.cn/feed' is not an http"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "every": "often"}, "every: must be a number and a unit"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "cron": "* *"}, "cron: '* *' is not a cron expression"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "links": "a"}, "links: only listing sources"),
    ({"name": "a", "kind": "listing", "url": "http://x.cn/", "links": "a[["}, "links: 'a[[' is not a valid CSS"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "encoding": "klingon"}, "encoding: 'klingon' is not"),
    ({"name": "a", "kind": "listing", "url": "http://x.cn/", "depth": -1}, "depth: must be a whole number >= 0"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "depth": 3}, "depth: only listing sources take depth"),
    ({"name": "a", "kind": "listing", "url": "http://x.cn/", "max_age_days": 3},
     "max_age_days: only sitemap sources take max_age_days"),
    ({"name": "a", "kind": "feed", "url": "http://exa mple.cn/rss"}, "url: 'http://exa mple.cn/rss' has a space"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/新闻\u3000列表"}, "has a space or another blank"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn:99999/"}, "has a port that is not a number"),
    ({"name": "a", "kind": "feed", "url": "http://x<y.cn/"}, "'x<y.cn' is not a host name"),
    ({"name": "a", "kind": "feed", "url": "http://x.cn/", "urll": "x"}, "urll: unknown field"),
    ({"kind": "feed", "url": "http://x.cn/"}, "source #1 (line 3): name: missing"),
    ({"name": "a b", "kind": "feed", "url": "http://x.cn/"}, "name: use letters, digits"),
])
def test_a_bad_entry_names_the_file_the_source_and_the_field(tmp_path, entry, message):
    path = tmp_path / "sources.yaml"
    lines = ["sources:", "  # the first one", "  - " + "\n    ".join(f"{k}: {v!r}" if isinstance(v, str) and v.startswith("*") else f"{k}: {v}" for k, v in entry.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith("sources.yaml: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


REALISTIC_SOURCES = """\
# Where Newsdesk collects from. Add entries by hand or with `newsdesk sources add`.
#
# sources:
#   - name: xinhua-tech
#     kind: feed            # feed | listing | sitemap
#     url: https://example.cn/rss/tech.xml
#     every: 30m            # or cron: "*/30 * * * *"
#     links: ".list a"      # listing only; optional (links are detected without it)
sources:
  - name: xinhua-tech
    kind: feed
    url: https://example.cn/rss/tech.xml
    every: 30m
  - name: sh-economy
    kind: feed
    url: https://example.cn/rss/economy.xml
  - name: ah-data-bureau
    kind: listing
    url: http://example.gov.cn/gzdt/list.html
    links: .list a
    encoding: gbk
    depth: 2
  - name: zj-portal
    kind: listing
    url: http://example.zj.gov.cn/news/
  - name: business-news
    kind: sitemap
    url: https://example.com/sitemap_index.xml
    max_age_days: 7

# Crawl settings (see README "Settings"). Set contact so site owners can reach you.
settings:
  contact: mailto:desk@example.org
  per_domain_delay: 1.0
  # the "slow" sites get more time
  timeout: 60
"""


def with_line(text: str, number: int, line: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = line
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("number, broken, says", [
    # The quote swallows the lines below it up to the next '"' (in a comment): YAML fails at line 31.
    (19, '    url: "http://example.gov.cn/gzdt/list.html', "a quoted value is never closed"),
    (36, '  timeout: "60', "a quoted value is never closed (found the end of the file)"),
    (20, "   links: .list a", "indented differently"),
    (21, "      encoding: gbk", "a ':' where none can be"),
    (11, "\tkind: feed", "a tab"),
    (28, "    url: [https://example.com/sitemap_index.xml", "a '[' is never closed"),
    (23, "  - {name: zj-portal, kind: listing,", "a '{' is never closed"),
    (15, "    kind feed", "a key with no ':' after it"),
])
def test_a_yaml_syntax_error_names_the_line_to_fix(tmp_path, number, broken, says):
    path = tmp_path / "sources.yaml"
    path.write_text(with_line(REALISTIC_SOURCES, number, broken), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"sources.yaml line {number}: YAML syntax error: "), str(error.value)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_a_yaml_syntax_error_in_sections_yaml_names_the_line_to_fix(home):
    path = home / "sections.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("description:"))
    lines[number - 1] = lines[number - 1].replace("description: ", 'description: "', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(home, "queue")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: sections.yaml line {number}: YAML syntax error: a quoted value is "
                                    "never closed"), result.output
    assert result.output.count("\n") == 1


def test_duplicate_names_are_refused(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: a, kind: feed, url: 'http://x.cn/1'}\n"
                    "  - {name: a, kind: feed, url: 'http://x.cn/2'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="source 'a' .*name: duplicate"):
        load_sources(path)


def test_unknown_setting_is_refused(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources: []\nsettings:\n  delay: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="settings: 'delay' is not a setting"):
        load_sources(path)


def test_add_source_writes_what_an_operator_would_and_keeps_comments(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("# my sources\nsources:\n  - name: a   # the wire\n    kind: feed\n    url: http://x.cn/rss\n"
                    "\n# politeness\nsettings:\n  contact: mailto:me@example.org\n", encoding="utf-8")
    add_source(path, validate_source({"name": "gov", "kind": "listing", "url": "http://gov.cn/list.html",
                                      "links": ".list a", "encoding": "gbk", "every": "2h"}))
    text = path.read_text(encoding="utf-8")
    assert text == ("# my sources\nsources:\n  - name: a   # the wire\n    kind: feed\n    url: http://x.cn/rss\n"
                    "  - name: gov\n    kind: listing\n    url: http://gov.cn/list.html\n    every: 2h\n"
                    "    links: .list a\n    encoding: gbk\n"
                    "\n# politeness\nsettings:\n  contact: mailto:me@example.org\n")
    assert [s.name for s in load_sources(path).sources] == ["a", "gov"]


def test_disable_and_enable_round_trip(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    kind: feed\n    url: http://x.cn/rss\n", encoding="utf-8")
    assert set_enabled(path, "a", False).enabled is False
    assert "enabled: false" in path.read_text()
    assert set_enabled(path, "a", True).enabled is True
    assert "enabled" not in path.read_text()
    with pytest.raises(ConfigError, match="no source named 'b'"):
        set_enabled(path, "b", False)


def test_cli_add_refuses_duplicates_and_bad_urls_and_writes_nothing(home):
    assert run(home, "sources", "add", "wire", "http://x.cn/rss.xml", "--kind", "feed").exit_code == 0
    before = (home / "sources.yaml").read_bytes()
    refused = {
        "already exists": ("wire", "http://x.cn/other.xml", "--kind", "feed"),
        "url:": ("other", "not a url", "--kind", "feed"),
        "url: 'http://exa mple.com/rss' has a space": ("spaced", "http://exa mple.com/rss", "--kind", "feed"),
        "depth: only listing sources take depth": ("deep", "http://x.cn/2.xml", "--kind", "feed", "--depth", "3"),
        "max_age_days: only sitemap sources": ("old", "http://x.cn/list", "--kind", "listing", "--max-age-days", "3"),
        "url: http://X.cn/rss.xml#top is collected by source 'wire' (line 13) already; one source per URL":
            ("again", "http://X.cn/rss.xml#top", "--kind", "feed"),
    }
    for says, args in refused.items():
        result = run(home, "sources", "add", *args)
        assert result.exit_code == 1, result.output
        assert result.output.count("\n") == 1 and result.output.startswith("error: "), result.output
        assert says in result.output
    assert (home / "sources.yaml").read_bytes() == before


def test_a_hand_written_duplicate_url_is_refused_with_both_sources_lines(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: a, kind: listing, url: 'http://x.cn/list.html', links: '.news a'}\n"
                    "  - {name: b, kind: listing, url: 'http://x.cn/list.html', links: '.policy a'}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith("sources.yaml: source 'b' (line 3): url: http://x.cn/list.html is collected "
                                       "by source 'a' (line 2) already; one source per URL")


def test_broken_sources_yaml_stops_commands_with_one_line(home):
    (home / "sources.yaml").write_text("sources:\n  - name: a\n    kind: feeed\n    url: http://x.cn/\n")
    result = run(home, "sources", "list")
    assert result.exit_code == 1
    assert result.output == ("error: sources.yaml: source 'a' (line 2): kind: must be one of feed, listing, "
                             "sitemap, not 'feeed'\n")


def test_default_sections_are_the_design_newsletter(home):
    newsletter = load_sections(home / "sections.yaml")
    assert newsletter.title == "长三角数字经济"
    assert newsletter.section_names() == ["政策要闻", "区域实践", "会议论坛", "科技前沿"]
    assert all(s.description and s.keywords for s in newsletter.sections)


def test_bad_sections_yaml_names_the_section_and_field(tmp_path):
    path = tmp_path / "sections.yaml"
    path.write_text("newsletter: {title: T}\nsections:\n  - name: A\n    keywords: {数据: many}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sections.yaml: section 'A': keywords: weight of '数据' must be a number"):
        load_sections(path)


def test_a_broken_sections_yaml_stops_a_crawl_before_anything_is_fetched(home, server):
    from conftest import cli

    run(home, "sources", "add", "wire", server.url + "/rss.xml", "--kind", "feed")
    (home / "sections.yaml").write_text("newsletter: {title: T}\nsections:\n  - description: no name\n")
    result = cli("--home", str(home), "crawl")
    assert result.returncode == 1
    assert result.stderr == "error: sections.yaml: section #1: name: missing\n"
    assert server.requests == []


def test_a_named_encoder_that_is_not_installed_stops_a_crawl_before_anything_is_fetched(home, server):
    from conftest import cli

    run(home, "sources", "add", "wire", server.url + "/rss.xml", "--kind", "feed")
    sections = home / "sections.yaml"
    sections.write_text(sections.read_text(encoding="utf-8").replace(
        "  encoder: m3e-small", f"  encoder: {home / 'my-encoder'}"), encoding="utf-8")
    result = cli("--home", str(home), "crawl")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: encoder {home / 'my-encoder'}: not installed")
    assert server.requests == []


def test_a_quoted_value_spanning_lines_on_purpose_is_not_blamed_for_a_mistake_below(home):
    path = home / "sections.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    topic = next(i for i, line in enumerate(lines) if line.startswith("  description: 上海、江苏"))
    lines[topic] = '  description: "上海、江苏、浙江、安徽的数字经济；\n    注: 相关的国家政策与科技新闻也属于本刊。"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_sections(path).topic.description.startswith("上海")   # valid YAML as it is
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("keywords:"))
    lines[number - 1] = "\t" + lines[number - 1].lstrip()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^sections.yaml line {number}: YAML syntax error: a tab"):
        load_sections(path)


def test_a_setting_below_what_makes_sense_is_refused(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources: []\nsettings:\n  max_text_chars: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="settings: 'max_text_chars' must be a whole number >= 1000, not 0"):
        load_sources(path)


def test_the_default_closing_block_is_read_as_editors_contact_lines_and_a_disclaimer(home):
    closing = load_sections(home / "sections.yaml").closing
    assert closing.editors == ("编辑部",)
    assert closing.contact == ("联系电话：021-00000000", "电子邮箱：editor@example.org")
    assert closing.disclaimer == "本刊内容选自公开报道，仅供内部参考。"


@pytest.mark.parametrize("closing, says", [
    ("closing: [编辑部]", "sections.yaml: closing: must be a mapping with editors, contact and disclaimer"),
    ("closing: {editor: [张三]}", "sections.yaml: closing: editor: unknown field; allowed: editors, contact, disclaimer"),
    ("closing: {contact: {phone: 1}}", "sections.yaml: closing: contact: must be a list of lines (or one line)"),
    ("closing: {disclaimer: [a, b]}", "sections.yaml: closing: disclaimer: must be one line of text"),
])
def test_a_bad_closing_block_names_the_field(tmp_path, closing, says):
    path = tmp_path / "sections.yaml"
    path.write_text(f"newsletter: {{title: T}}\nsections:\n  - name: A\n{closing}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_sections(path)
    assert str(refused.value) == says


def test_first_issue_year_must_be_a_year(tmp_path):
    path = tmp_path / "sections.yaml"
    path.write_text("newsletter: {title: T, first_issue_year: twenty}\nsections:\n  - name: A\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="newsletter: first_issue_year: must be a year like 2026, not 'twenty'"):
        load_sections(path)
