"""`newsdesk issue ...`: from approved stories to an exported, recorded issue, and one-line refusals."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from conftest import cli
from support.issues import approve_fixed_stories

from crawler.configuration.home import Home
from db import Store
from newsdesk.cli import main


@pytest.fixture
def approved(home):
    with Store(home / "newsdesk.db") as store:
        ids = approve_fixed_stories(store, Home(home).sections())
    return home, ids


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), "issue", *args])


def test_new_show_move_edit_remove_and_list_a_draft(approved):
    home, ids = approved
    started = run(home, "new", "--year", "2026", "--number", "11", "--total", "39", "--month", "11")
    assert started.exit_code == 0, started.output
    lines = started.output.splitlines()
    assert lines[0] == "issue 39  长三角数字经济 (2026年第11期·总第39期) 2026年11月  draft, version 1, 6 stories"
    assert lines[1:4] == ["【政策要闻】", f"  1. story {ids[0]}  江苏发布智能制造标准体系建设指南  (江海通讯社 2026年11月4日)",
                          f"  2. story {ids[2]}  三省一市签署长三角数据跨域流通合作协议  (新华社 2026年11月3日)"]
    assert lines[-4:] == ["  编辑：编辑部", "  联系电话：021-00000000", "  电子邮箱：editor@example.org",
                          "  本刊内容选自公开报道，仅供内部参考。"]

    moved = run(home, "move", "39", str(ids[2]), "--to", "1")
    assert moved.exit_code == 0 and moved.output.splitlines()[3].startswith(f"  1. story {ids[2]}  三省一市")
    edited = run(home, "edit", "39", str(ids[2]), "--title", "长三角签署数据跨域流通协议", "--date", "2026-11-04")
    assert f"  1. story {ids[2]}  长三角签署数据跨域流通协议  (新华社 2026年11月4日)  [edited]" in edited.output
    removed = run(home, "remove", "2026-11", str(ids[0]))
    assert removed.output.startswith(f"removed story {ids[0]} from issue 39\nissue 39 ") and "5 stories" in removed.output

    shown = run(home, "show", "39")
    assert shown.output.splitlines()[-3:] == [
        "approved, in no issue yet: 1 (add one with `newsdesk issue add 39 STORY`)", "【政策要闻】",
        f"  1. story {ids[0]}  江苏发布智能制造标准体系建设指南  (江海通讯社 2026年11月4日)"]
    added = run(home, "add", "39", str(ids[0]))
    assert added.exit_code == 0 and "6 stories" in added.output
    listed = run(home, "list")
    assert listed.output.splitlines() == [f"  39  2026年第11期    2026年11月  draft since 2026-11-20 10:00 CST by "
                                          f"{listed.output.split(' by ')[1].split()[0]}  6 stories"]


def test_refusals_are_one_line_and_change_nothing(approved):
    home, ids = approved
    assert run(home, "new", "--number", "11", "--total", "39", "--month", "11").exit_code == 0
    for args, says in (
        (("show", "40"), "error: no issue 40 (总第40期); the latest are 39\n"),
        (("move", "39", str(ids[0])), "error: say where to: a position in its section (--to 1 is first) or a section "
                                      "(--section NAME)\n"),
        (("edit", "39", "999", "--title", "x"), "error: story 999 is not in issue 39 (2026年第11期)\n"),
        (("add", "39", str(ids[0])), f"error: story {ids[0]} is in issue 39 (2026年第11期) already; a story is in one "
                                     "issue only\n"),
        (("export", "39", "--format", "pdf", "-o", "/nonexistent/x.pdf"),
         "error: cannot write /nonexistent/x.pdf: no folder /nonexistent; nothing was exported\n"),
    ):
        result = run(home, *args)
        assert (result.exit_code, result.output) == (1, says), args
    assert "draft, version 1, 6 stories" in run(home, "show", "39").output


def test_export_writes_the_file_publishes_the_issue_and_list_says_when(approved, tmp_path):
    home, ids = approved
    assert run(home, "new", "--number", "11", "--total", "39", "--month", "11").exit_code == 0
    preview = cli("--home", str(home), "issue", "export", "39", "--format", "docx", "--preview",
                  "-o", str(tmp_path / "draft.docx"))
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.endswith("6 stories); a preview: nothing was recorded\n")
    assert "draft" in run(home, "list").output

    done = cli("--home", str(home), "issue", "export", "39", "--format", "pdf", "-o", str(tmp_path / "issue.pdf"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'issue.pdf'} (")
    assert done.stdout.endswith("issue 39 is published now: its stories are not offered again, and it exports "
                                "the same later\n")
    assert (tmp_path / "issue.pdf").read_bytes()[:5] == b"%PDF-"
    assert " published 2026-11-20 10:00 CST by " in run(home, "list").output

    from docx import Document
    document = Document(io.BytesIO((tmp_path / "draft.docx").read_bytes()))
    assert document.paragraphs[0].text == "长三角数字经济"

    standard_out = run(home, "export", "39", "--format", "md", "-o", "-")
    assert standard_out.output.startswith("# 长三角数字经济\n\n(2026年第11期·总第39期)\n")
    refused = run(home, "remove", "39", str(ids[0]))
    assert (refused.exit_code, refused.output) == (1, "error: issue 39 (2026年第11期) is published and cannot change; "
                                                      "start a new issue for more stories\n")
