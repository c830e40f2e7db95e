"""The command-line contract: --home anywhere, NEWSDESK_HOME, one-line errors, extract, demo."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner
from conftest import REPO, cli, queue_rows

from newsdesk.cli import main

GBK_PAGE = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            "<title>我省出台数据要素市场化配置改革实施方案_某省人民政府</title></head><body>"
            "<table><tr><td class='nav'><a href='/'>首页</a></td></tr><tr><td>"
            "<h2>我省出台数据要素市场化配置改革实施方案</h2>"
            "发布时间：2026年11月03日 09:30　来源：省政府办公厅<br><br>"
            "　　近日，省政府办公厅印发《数据要素市场化配置改革实施方案》，提出到二〇二七年基本建成全省统一的数据要素市场。<br><br>"
            "　　方案明确了公共数据授权运营、企业数据流通交易和个人信息保护三方面共十八项任务，并建立跨部门协调机制。<br><br>"
            "　　省数据局有关负责人表示，将分批公布授权运营场景清单，鼓励各市先行先试。"
            "</td></tr><tr><td>版权所有：某省人民政府办公厅 ICP备00000000号</td></tr></table></body></html>")


def test_home_before_or_after_the_command_and_from_the_environment(tmp_path):
    home = tmp_path / "desk"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(home)]).exit_code == 0
    add = ["sources", "add", "wire", "https://x.cn/rss.xml", "--kind", "feed"]
    assert runner.invoke(main, ["--home", str(home), *add]).exit_code == 0
    listed_after = runner.invoke(main, ["sources", "list", "--home", str(home)])
    listed_env = runner.invoke(main, ["sources", "list"], env={"NEWSDESK_HOME": str(home)})
    assert "wire  feed  https://x.cn/rss.xml" in listed_after.output
    assert listed_env.output == listed_after.output
    # after the command wins over before it
    other = tmp_path / "other"
    runner.invoke(main, ["init", str(other)])
    assert "wire" not in runner.invoke(main, ["--home", str(home), "sources", "list", "--home", str(other)]).output


def test_missing_home_is_one_line_and_creates_nothing(tmp_path):
    missing = tmp_path / "nowhere"
    result = cli("--home", str(missing), "queue")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not a Newsdesk home" in result.stderr
    assert "newsdesk init" in result.stderr
    assert not missing.exists()


def test_extract_a_gbk_file_as_json(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(GBK_PAGE.encode("gb18030"))
    result = cli("extract", str(page), "--json")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == "我省出台数据要素市场化配置改革实施方案"
    assert article["published_at"] == "2026-11-03T09:30:00+08:00"
    assert article["text"].startswith("近日，省政府办公厅印发")
    assert "版权所有" not in article["text"] and "首页" not in article["text"]


def test_extract_a_url_from_the_test_server(server):
    url = server.add("/a.html", GBK_PAGE.encode("gb18030"), content_type="text/html")
    result = cli("extract", url)
    assert result.returncode == 0, result.stderr
    assert "title: 我省出台数据要素市场化配置改革实施方案" in result.stdout
    assert any("Newsdesk/" in headers.get("User-Agent", "") for path, headers in server.requests if path == "/a.html")


def test_extract_errors_are_one_line(tmp_path, server):
    assert cli("extract", str(tmp_path / "none.html")).stderr.startswith("error: ")
    gone = cli("extract", server.url + "/gone.html")
    assert gone.returncode == 1 and gone.stderr == f"error: {server.url}/gone.html: HTTP 404: the page is gone; check the URL\n"
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    private = cli("extract", server.url + "/private/a.html")
    assert "forbidden by the site's robots.txt" in private.stderr


def test_editor_decisions_from_the_cli_are_logged(tmp_path):
    from db import Store

    home = tmp_path / "home"
    CliRunner().invoke(main, ["init", str(home)])
    with Store(home / "newsdesk.db") as store:
        first, _ = store.add_candidate({"url": "https://x.cn/1", "source": "s", "title": "一", "text": "正文" * 30})
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "approve", str(first), "--section", "政策要闻"]).exit_code == 0
    moved = runner.invoke(main, ["--home", str(home), "move", str(first), "不存在的栏目"])
    assert moved.exit_code == 1 and "no section '不存在的栏目'" in moved.output
    assert runner.invoke(main, ["--home", str(home), "move", str(first), "科技前沿"]).exit_code == 0
    missing = runner.invoke(main, ["--home", str(home), "reject", "999"])
    assert missing.exit_code == 1 and missing.output == "error: no candidate with id 999\n"
    with Store(home / "newsdesk.db") as store:
        log = store.status_log(first)
    assert [(e["new_status"], e["new_section"]) for e in log][-2:] == [("approved", "政策要闻"), ("approved", "科技前沿")]


def test_approve_into_an_unknown_section_is_one_line_and_changes_nothing(home):
    from db import Store

    with Store(home / "newsdesk.db") as store:
        first, _ = store.add_candidate({"url": "https://x.cn/1", "source": "s", "title": "一", "text": "正文" * 30})
        before, log = store.get_candidate(first), store.status_log(first)
    refused = cli("--home", str(home), "approve", str(first), "--section", "不存在的栏目")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == ("error: no section '不存在的栏目' in sections.yaml; choose one of: "
                              "政策要闻, 区域实践, 会议论坛, 科技前沿\n")
    with Store(home / "newsdesk.db") as store:
        assert store.get_candidate(first) == before and store.status_log(first) == log


def test_restore_from_the_cli_and_every_decision_names_the_user_who_made_it(home):
    from db import Store

    with Store(home / "newsdesk.db") as store:
        first, _ = store.add_candidate({"url": "https://x.cn/1", "source": "s", "title": "一", "text": "正文" * 30,
                                        "section": "区域实践"})
    as_alice, as_bob = {"LOGNAME": "alice"}, {"LOGNAME": "bob"}
    assert cli("--home", str(home), "reject", str(first), env=as_alice).returncode == 0
    restored = cli("--home", str(home), "restore", str(first), env=as_bob)
    assert restored.returncode == 0 and restored.stdout == f"restored #{first} 一 to pending (区域实践)\n"
    again = cli("--home", str(home), "restore", str(first), env=as_bob)
    assert again.returncode == 0 and again.stdout == f"#{first} is pending already\n"
    assert cli("--home", str(home), "move", str(first), "科技前沿", env=as_alice).returncode == 0
    with Store(home / "newsdesk.db") as store:
        log = [(e["new_status"], e["new_section"], e["actor"], e["note"]) for e in store.status_log(first)]
        assert store.get_candidate(first)["decided_by"] == "alice"
    assert log[1:] == [("rejected", "区域实践", "alice", None), ("pending", "区域实践", "bob", "restored from rejected"),
                       ("pending", "科技前沿", "alice", None)]
    missing = cli("--home", str(home), "restore", "999")
    assert missing.returncode == 1 and missing.stderr == "error: no candidate with id 999\n"


def test_demo_no_serve_crawls_into_a_new_folder_it_names(tmp_path):
    env = {**os.environ}
    env.pop("NEWSDESK_HOME", None)
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "newsdesk.cli", "demo", "--no-serve", "--port", "0"],
                            capture_output=True, text=True, cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)},
                            timeout=600)
    assert result.returncode == 0, result.stderr
    home = tmp_path / "newsdesk-demo"
    assert f"home {home.name}" in result.stdout or str(home) in result.stdout
    stories = queue_rows(home, "--any-status")
    copies = queue_rows(home, "--all", "--any-status")
    assert len(copies) >= 60 and len(stories) < len(copies)
    assert "also run by" in result.stdout


def test_search_finds_two_and_three_character_chinese_words(tmp_path):
    from db import Store

    home = tmp_path / "home"
    CliRunner().invoke(main, ["init", str(home)])
    with Store(home / "newsdesk.db") as store:
        store.add_candidate({"url": "https://x.cn/1", "source": "s", "title": "量子计算新突破", "text": "科研团队实现量子纠错。" * 5})
        store.add_candidate({"url": "https://x.cn/2", "source": "s", "title": "数据要素市场", "text": "公共数据授权运营。" * 5})
    runner = CliRunner()
    two = runner.invoke(main, ["--home", str(home), "search", "量子"])
    both = runner.invoke(main, ["--home", str(home), "search", "数据", "授权运营", "--json"])
    none = runner.invoke(main, ["--home", str(home), "search", "量子", "授权"])
    assert "量子计算新突破" in two.output and "数据要素市场" not in two.output
    assert [json.loads(line)["title"] for line in both.output.splitlines()] == ["数据要素市场"]
    assert none.exit_code == 0 and "no article contains all of: 量子 授权" in none.output


def test_search_with_a_thousand_terms_is_a_one_line_error(tmp_path):
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    for terms in ([chr(0x4E00 + n) for n in range(1000)], [f"w{n:04d}" for n in range(1000)]):
        result = cli("--home", str(home), "search", *terms)
        assert result.returncode == 1
        assert result.stderr == "error: too many search terms (1000); use at most 100\n"
    result = cli("--home", str(home), "search", "x" * 1000)
    assert (result.returncode, result.stderr) == (1, "error: a search term of 1000 characters is too long; "
                                                     "use at most 200\n")


def test_crawl_shows_progress_on_a_terminal_and_only_the_summary_otherwise(server, tmp_path):
    import shlex
    import subprocess
    import sys

    from conftest import write_sources
    from support.pages import STORIES, article, rss

    server.add("/1.html", article("芯片产线投产", paragraphs=STORIES["chip"]))
    server.add("/feed.xml", rss(server, [("芯片产线投产", "/1.html")]), content_type="application/rss+xml")
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"}])
    command = shlex.join([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl"])
    # `script` runs the command on a pseudo-terminal, as a person at a shell would.
    on_terminal = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True,
                                 cwd=REPO, timeout=300)
    assert "wire: + 芯片产线投产" in on_terminal.stdout
    assert "wire" in on_terminal.stdout.splitlines()[-1] and " ok " in on_terminal.stdout.splitlines()[-1]
    from_cron = cli("--home", str(home), "crawl")
    assert "+ " not in from_cron.stdout + from_cron.stderr


def test_queue_json_carries_every_stored_field_after_the_contract_ones(tmp_path):
    """One list of candidate fields (db.CANDIDATE_FIELDS): what the crawl's Candidate stores and what
    `queue --json` prints follow it, so a new column cannot be stored and never shown, or the reverse."""
    from crawler.crawl.items import Candidate
    from db import CANDIDATE_FIELDS, Store

    crawled = Candidate(source="s", url="https://x.cn/1", fetched_url="https://x.cn/1", title="一", text="正文")
    assert set(crawled.store_fields()) == set(CANDIDATE_FIELDS)

    home = tmp_path / "home"
    CliRunner().invoke(main, ["init", str(home)])
    stored = {"url": "https://x.cn/1", "fetched_url": "https://x.cn/1?from=rss", "source": "s", "outlet": "新华社",
              "title": "一", "author": "张三", "published_at": "2026-11-03T09:30:00+08:00", "text": "正文" * 30,
              "summary": "摘要", "language": "zh", "section": "政策要闻", "status": "pending", "charset": "gb18030",
              "section_confidence": 0.9, "relevance": 0.8, "explanation": "数据", "classified_by": "rules"}
    bookkeeping = {"text_hash", "authority", "run_id", "cluster_id"}   # how the crawl filed it; cluster_id: given
    assert set(stored) == set(CANDIDATE_FIELDS) - bookkeeping
    with Store(home / "newsdesk.db") as store:
        store.add_candidate(stored)
    [row] = queue_rows(home)
    contract = ["id", "url", "title", "source", "outlet", "published_at", "section", "status", "cluster_id", "text"]
    assert list(row)[:len(contract)] == contract
    assert {name: row[name] for name in stored} == stored
