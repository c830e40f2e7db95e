"""Near-duplicate clustering against real SQLite files: copies join their story, different stories do not."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from conftest import REPO, crawler_with
from opencc import OpenCC
from support.dedup_desk import TODAY, Desk

from crawler.crawl.context import CrawlContext
from crawler.crawl.items import Candidate
from crawler.crawl.pipelines import DuplicatePipeline, StorePipeline
from crawler.dedup.exact import text_hash
from crawler.dedup.fingerprints import fingerprint
from crawler.dedup.near_duplicates import MAX_POSTINGS, NearDuplicates
from crawler.dedup.normalise import _to_simplified, normalised, opencc_table
from db import Store, clock
from db.fingerprint_index import Fingerprints
from db.migrations import migrations
from newsdesk.demo import demo_catalogue

pytestmark = pytest.mark.clock
FOOTER = ("（责任编辑：周磊）本网站所刊载信息，不代表本站观点。如转载稿涉及版权等问题，请立即联系我们，"
          "我们将及时处理。太湖在线版权所有，未经书面授权不得转载、摘编或以其他方式使用。")
POLICY = ("以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，完整、准确、"
          "全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。")


@pytest.fixture(scope="module")
def stories() -> dict[str, list[str]]:
    """The demo site's original stories (our own text), as paragraphs, by story id."""
    return {e["story_id"]: e["text"].split("\n") for e in demo_catalogue(TODAY) if e["copy_of"] is None}


@pytest.fixture
def desk(tmp_path, stories) -> Desk:
    """A desk already holding a dozen other stories, as any real store would."""
    desk = Desk(tmp_path / "newsdesk.db")
    for name in list(stories)[20:32]:
        desk.add("\n".join(stories[name]), day=-3, source="background")
    return desk


# -- each kind of copy joins its story -----------------------------------------------------------

def _width(text: str) -> str:
    """Half-width punctuation, full-width digits and stray spaces."""
    table = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "“": '"', "”": '"', "（": "(", "）": ")",
                           **{str(d): chr(0xFF10 + d) for d in range(10)}})
    return " ".join(text.translate(table)[i:i + 7] for i in range(0, len(text), 7))


COPIES = {
    "exact copy": lambda p: p,
    "byline added on top": lambda p: ["本报记者 王某某", *p],
    "lead-in byline": lambda p: ["（记者 李潇）" + p[0], *p[1:]],
    "last paragraph trimmed": lambda p: p[:-1],
    "paragraph added": lambda p: [*p, "相关阅读：长三角数字经济发展论坛将于下月在嘉兴举行，届时将发布年度发展报告。"],
    "editor's note on top": lambda p: ["编者按：本报转载这篇报道，供读者参阅，并将推出系列解读。", *p],
    "paragraphs reordered": lambda p: [p[1], p[0], *p[3:], p[2]],
    "excerpt of the first two of five paragraphs": lambda p: p[:2],
    "full- and half-width punctuation and spacing": lambda p: [_width(x) for x in p],
    "traditional characters": lambda p: [OpenCC("s2t").convert(x) for x in p],
    "note, byline, trimmed and traditional at once": lambda p: [
        OpenCC("s2t").convert(x) for x in ["编者按：本网转载如下。", "本报记者 许文博", *p[:-1]]],
}


@pytest.mark.parametrize("edit", COPIES, ids=list(COPIES))
def test_each_kind_of_copy_joins_its_story(desk, stories, edit):
    original = stories["forum-delta-digital-economy-jiaxing"]   # five paragraphs
    first = desk.add("\n".join(original), source="taihu")
    copy = desk.add("\n".join(COPIES[edit](original)), day=1, source="hubin")
    assert desk.cluster(copy) == first.id


def test_the_excerpt_is_a_third_of_the_original_or_more(stories):
    original = stories["forum-delta-digital-economy-jiaxing"]
    share = len("".join(original[:2])) / len("".join(original))
    assert 1 / 3 <= share < 0.5


def test_a_near_identical_short_news_item_joins(desk):
    brief = "本报讯 合肥市数据资源局昨日发布公共数据开放目录，首批开放数据集120个，涵盖交通、医疗、教育等领域。"
    first = desk.add(brief, source="jianghuai")
    copy = desk.add("（记者 周航）" + brief.replace("本报讯 ", "").replace("，", ","), day=1, source="chaoyong")
    assert desk.cluster(copy) == first.id


def test_a_copy_joins_the_story_of_the_copy_it_matches(desk, stories):
    # The third copy is an excerpt of the second: it joins the story, wherever the story is named.
    original = stories["forum-wuxi-ic-supply-chain"]
    first = desk.add("\n".join(original), source="shuzhi")
    second = desk.add("\n".join(["本报记者 郑一鸣", *original]), day=1, source="chaoyong")
    third = desk.add("\n".join(["本报记者 郑一鸣", *original[:2]]), day=2, source="hubin")
    assert desk.cluster(second) == desk.cluster(third) == first.id


def test_a_brief_cut_from_a_long_story_joins_it(desk, stories):
    """Nearly all of the brief is inside the story, though it is under a third of it: a reprint, cut short."""
    original = stories["policy-compute-interconnect"]
    story = desk.add("\n".join(original), source="chaoyong")
    brief = "本报讯 " + original[0].split("）", 1)[1]      # the lead paragraph, its dateline replaced
    assert len(brief) < len("".join(original)) / 3
    assert desk.cluster(desk.add(brief, day=1, source="hubin")) == desk.cluster(story)
    # and the other way round: the brief stored first, the long story after it
    other = stories["policy-shanghai-llm-measures"]
    first = desk.add(other[0].replace("本报讯 ", "（记者 韩雪）"), day=2, source="jianghuai")
    assert desk.cluster(desk.add("\n".join(other), day=3, source="shuzhi")) == desk.cluster(first)


def test_a_short_story_quoting_one_paragraph_of_a_long_one_stays_apart(desk, stories):
    quoted = desk.add("\n".join(stories["policy-shanghai-llm-measures"]), source="jianghuai")
    quoting = desk.add("\n".join(["浦东新区一家大模型企业负责人说，算力补贴对初创团队帮助很大，公司已经着手申请，"
                                  "预计每年可节省算力开支数百万元。下面是措施中关于算力的条款：",
                                  stories["policy-shanghai-llm-measures"][1]]), day=1, source="hubin")
    assert desk.cluster(quoting) == quoting.id != quoted.id


def test_a_short_text_of_few_shingles_never_joins_by_containment_alone(desk, stories):
    original = stories["policy-compute-interconnect"]
    story = desk.add("\n".join(original), source="jianghai")
    one_sentence = original[1].split("。")[1] + "。"           # one sentence of the story: about 40 characters
    flash = desk.add(one_sentence, day=1, source="hubin")
    assert desk.cluster(flash) == flash.id != story.id


# -- different stories do not ------------------------------------------------------------------

def test_a_story_quoting_a_paragraph_of_another_stays_apart(desk, stories):
    quoted = desk.add("\n".join(stories["policy-anhui-sme-digital-pilot"]), source="jianghuai")
    own = stories["forum-hefei-quantum-industry"]
    quoting = desk.add("\n".join([*own[:2], stories["policy-anhui-sme-digital-pilot"][1], *own[2:]]), day=1)
    assert desk.cluster(quoting) == quoting.id != quoted.id


def test_two_reports_of_one_event_written_separately_stay_apart(desk, stories):
    opening = desk.add("\n".join(stories["forum-pujiang-ai-summit-opening"]), source="hubin")
    closing = desk.add("\n".join(stories["forum-pujiang-ai-summit-open-source"]), source="jianghai")
    assert desk.cluster(closing) == closing.id != opening.id


def test_short_stories_sharing_only_a_site_template_stay_apart(desk):
    briefs = ["无锡市新吴区昨日发布集成电路产业扶持新政，对新落户的设计企业给予最高500万元奖励。",
              "苏州工业园区人工智能产业园二期开园，首批入驻企业42家，涵盖智能驾驶和机器视觉等方向。",
              "南通市举办跨境电商对接会，200余家外贸企业与平台服务商现场洽谈，达成合作意向60余项。",
              "湖州市德清县地理信息小镇新引进遥感卫星数据企业8家，年内将建成卫星数据共享服务平台。",
              "嘉兴市南湖区启动中小企业数字化改造专项行动，计划两年内完成300家规上企业智能化改造。"]
    added = [desk.add(brief + "\n" + FOOTER, day=i, source="taihu") for i, brief in enumerate(briefs)]
    assert [desk.cluster(c) for c in added] == [c.id for c in added]


def test_stories_sharing_a_standard_policy_paragraph_stay_apart(desk, stories):
    names = ["policy-jiangsu-smart-mfg-standards", "policy-anhui-digital-titles", "practice-ningbo-smart-port"]
    added = [desk.add("\n".join([stories[n][0], POLICY, *stories[n][1:]]), day=i) for i, n in enumerate(names)]
    assert [desk.cluster(c) for c in added] == [c.id for c in added]


def test_the_demo_catalogue_clusters_exactly_as_its_stories(tmp_path):
    """Every page of the demo site in order of publication: pairwise precision and recall are 1."""
    desk = Desk(tmp_path / "newsdesk.db")
    pages = sorted(demo_catalogue(TODAY), key=lambda e: e["published_at"])
    truth = {}
    for page in pages:
        published = dt.datetime.fromisoformat(page["published_at"])
        candidate = desk.add(page["text"], day=(published.date() - TODAY).days, source=page["outlet"])
        truth[candidate.id] = page["story_id"]
    clusters = {row["id"]: row["cluster_id"] for row in desk.store.queue(None, all_copies=True)}
    pairs = list(itertools.combinations(truth, 2))
    same_story = {(a, b) for a, b in pairs if truth[a] == truth[b]}
    same_cluster = {(a, b) for a, b in pairs if clusters[a] == clusters[b]}
    assert len(same_story) >= 25 and same_cluster == same_story


# -- the window, the representative and the queue ---------------------------------------------

def test_a_copy_beyond_the_window_is_a_new_story_unless_identical(tmp_path, stories):
    text = stories["frontier-shanghai-cim-chip"]
    desk = Desk(tmp_path / "a.db", window_days=30)
    first = desk.add("\n".join(text), day=-45)
    trimmed = desk.add("\n".join(text[:-1]), day=-5)
    assert desk.cluster(trimmed) == trimmed.id
    identical = Desk(tmp_path / "b.db", window_days=30)
    first = identical.add("\n".join(text), day=-45)
    assert identical.cluster(identical.add("\n".join(text), day=-5)) == first.id   # at any distance
    wider = Desk(tmp_path / "c.db", window_days=60)
    first = wider.add("\n".join(text), day=-45)
    assert wider.cluster(wider.add("\n".join(text[:-1]), day=-5)) == first.id


def test_the_window_is_a_setting_that_reaches_the_pipeline(tmp_path):
    from crawler.configuration.settings import DEFAULTS
    from crawler.crawl.settings import scrapy_settings

    assert DEFAULTS["dedup_window_days"] == 30
    settings = scrapy_settings({"dedup_window_days": 7})
    with CrawlContext.opened(tmp_path / "newsdesk.db") as context:
        pipeline = DuplicatePipeline.from_crawler(crawler_with(context, settings))
    assert pipeline.near_duplicates.window_days == 7


def test_the_representative_is_the_earliest_copy_of_the_most_authoritative_source(desk, stories):
    text = "\n".join(stories["practice-caohejing-ai-incubator"])
    first = desk.add(text, source="blog", authority=0.5)
    wire = desk.add("本报记者 吴佳\n" + text, day=1, source="xinhua", authority=2.0)
    desk.add(text + "\n（完）", day=2, source="xinhua-mirror", authority=2.0)
    desk.add("编者按：转载。\n" + text, day=1, source="portal")
    rows = [row for row in desk.store.queue() if row["cluster_id"] == desk.cluster(first)]
    assert [row["id"] for row in rows] == [wire.id]
    row = rows[0]
    assert (row["copies"], row["outlets"], row["other_outlets"]) == (4, 4, 3)
    assert row["outlet_names"][0] == "xinhua" and set(row["outlet_names"]) == {"blog", "xinhua", "xinhua-mirror",
                                                                               "portal"}
    assert row["story_first_seen_at"] == desk.store.get_candidate(first.id)["first_seen_at"]
    every = desk.store.queue(all_copies=True)
    assert len([r for r in every if r["cluster_id"] == desk.cluster(first)]) == 4


def test_the_store_pipeline_records_the_sources_authority(tmp_path):
    from crawler.configuration.sources import Source
    from crawler.crawl.settings import scrapy_settings

    with CrawlContext.opened(tmp_path / "newsdesk.db") as context:
        run = context.runs.start(Source("wire", "feed", "https://x.cn/rss", authority=3.0),
                                 context.store.start_run("wire"))
        pipeline = StorePipeline.from_crawler(crawler_with(context, scrapy_settings({})))
        url = "https://x.cn/1.html"
        stored = pipeline.process_item(Candidate(source="wire", url=url, fetched_url=url, title="t",
                                                 text="正文" * 30))
        assert pipeline.store.get_candidate(stored.id)["authority"] == 3.0
        assert stored.run_id == run.run_id, "and the run of the candidate's source"


# -- the index ---------------------------------------------------------------------------------

def test_normalisation_folds_width_case_spacing_and_traditional_characters():
    assert normalised("ＡＢＣ１２３，數據") == "abc123数据"
    assert normalised("ＡＢＣ１２３，數據 Plan", word_breaks=True) == "abc123 数据 plan"
    same = fingerprint("數據要素×行動計劃出台，浙江瞄準5000億元").shingles.tolist()
    assert same == fingerprint("数据要素 行动计划出台. 浙江瞄准５０００亿元").shingles.tolist()


def test_the_kept_traditional_to_simplified_table_is_opencc_s():
    # The table is frozen so that stored text_hash values never move with OpenCC; an OpenCC that answers
    # otherwise is noticed here (write_table makes it again, and every stored text_hash changes with it).
    mapping, _ = _to_simplified()
    assert mapping == opencc_table()
    assert len(mapping) > 3000 and mapping["數"] == "数" and "数" not in mapping


def test_exact_copies_and_near_duplicates_normalise_alike():
    """One normaliser: a symbol whose compatibility form is letters (℃ is °C, ㎡ is m2) reads the same to both."""
    text, reprint = "气温25℃，新建厂房1000㎡。" * 3, "气温25°C，新建厂房1000m2。" * 3
    assert text_hash(text) == text_hash(reprint)
    assert fingerprint(text).shingles.tolist() == fingerprint(reprint).shingles.tolist()


@pytest.mark.parametrize("text, stored_hash", [
    ("數據要素×行動計劃出台，浙江瞄準5000億元", "5167cb82c7c6c71f413b4588f79f4a5cbab0cbcd"),
    ("The Yangtze River Delta's ＡＩ plan: 25℃, 1,000㎡ — ™ café", "73245cf90fdcad6d9dcea7d863cb5f0c43750d1e"),
])
def test_text_hash_is_what_stored_candidates_carry(text, stored_hash):
    # Every candidate is stored with its text_hash: a change here hides new copies of stored stories.
    assert text_hash(text) == stored_hash


def test_postings_are_capped_per_hash_whatever_the_store_holds(tmp_path):
    store = Store(tmp_path / "newsdesk.db")
    shared = Fingerprints(0, [12345], 1)
    store.add_candidates(({"url": f"https://x.cn/{n}", "source": "s", "text": f"正文{n}"}, shared) for n in range(200))
    rows = store.fingerprint_postings([12345, 999], day=_today(), window_days=30, per_hash=MAX_POSTINGS)
    assert list(rows) == [12345] and len(rows[12345]) == MAX_POSTINGS


def _today() -> int:
    from db.fingerprint_index import story_day
    return story_day(None)


def test_the_index_is_rebuilt_for_candidates_stored_before_it(tmp_path, stories):
    path = tmp_path / "newsdesk.db"
    conn = sqlite3.connect(path)
    from sqlite_utils import Database

    migrations.apply(Database(conn), stop_before="m006_near_duplicates")
    original = "\n".join(stories["practice-nanjing-ic-projects"])
    seen = (clock.now() - dt.timedelta(days=19)).isoformat(timespec="seconds")
    conn.execute("INSERT INTO candidates (url, source, text, first_seen_at) VALUES (?, ?, ?, ?)",
                 ["https://old.example.cn/1.html", "old", original, seen])
    conn.commit()
    conn.close()
    desk = Desk(path)                                 # the migration adds the index, empty
    assert [row["id"] for row in desk.store.unindexed_candidates()] == [1]
    with CrawlContext.opened(path) as context:
        DuplicatePipeline.from_crawler(crawler_with(context))   # a crawl indexes what is missing
    assert desk.store.unindexed_candidates() == []
    copy = desk.add("本报记者 顾维\n" + original, day=-1)
    assert desk.cluster(copy) == 1


def test_an_index_built_before_it_mirrored_clusters_gets_them_on_upgrade(tmp_path, stories):
    from sqlite_utils import Database

    path = tmp_path / "newsdesk.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m007_fingerprinted_clusters")
    text = "\n".join(stories["practice-ningbo-smart-port"])
    conn.execute("INSERT INTO candidates (url, source, text, first_seen_at, cluster_id) VALUES "
                 "('https://a.cn/1', 'a', ?, '2026-11-01T00:00:00+00:00', NULL)", [text])
    conn.execute("INSERT INTO fingerprinted (candidate_id, level, content, day) VALUES (1, 0, 1, 20393)")
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("SELECT cluster_id FROM fingerprinted").fetchall() == [(1,)]
        store.conn.execute("UPDATE candidates SET cluster_id = 7 WHERE id = 1")
        assert store.conn.execute("SELECT cluster_id FROM fingerprinted").fetchall() == [(7,)]


def test_index_missing_does_nothing_on_a_read_only_store(tmp_path):
    path = tmp_path / "newsdesk.db"
    with Store(path) as store:
        store.add_candidate({"url": "https://x.cn/1", "source": "s", "text": "正文" * 30})
    with Store.open_readonly(path) as readonly:
        assert NearDuplicates(readonly).index_missing() == 0
        assert len(readonly.unindexed_candidates()) == 1


def test_a_candidate_and_its_fingerprints_are_stored_together_or_not_at_all(tmp_path):
    store = Store(tmp_path / "newsdesk.db")
    with pytest.raises(ValueError):
        store.add_candidate({"url": "https://x.cn/1", "source": "s", "text": "正文"},
                            fingerprints=Fingerprints(0, [1, "not a hash"], 2))
    assert store.known_urls(["https://x.cn/1"]) == set()
    assert store.conn.execute("SELECT COUNT(*) FROM fingerprints").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM status_log").fetchone()[0] == 0


WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
from crawler.dedup.near_duplicates import index_entry
from crawler.dedup.fingerprints import fingerprint
from db import Store, clock
store = Store(sys.argv[2])
n = 0
while True:
    text = f"第{n}条新闻：" + "长三角数字经济发展论坛在嘉兴举行，与会代表围绕数实融合展开研讨。" * 3 + str(n)
    id, _ = store.add_candidate({"url": f"https://x.cn/{n}", "source": "s", "text": text},
                                fingerprints=index_entry(fingerprint(text)))
    print(id, flush=True)
    n += 1
"""


def test_a_killed_crawler_leaves_the_index_agreeing_with_the_candidates(tmp_path):
    path = tmp_path / "newsdesk.db"
    Store(path).close()
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(REPO), str(path)], stdout=subprocess.PIPE, text=True)
    committed = [int(process.stdout.readline()) for _ in range(100)]
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.unindexed_candidates() == []
        stored = [row[0] for row in store.conn.execute("SELECT id FROM candidates")]
        assert set(committed) <= set(stored)
        indexed = [row[0] for row in store.conn.execute("SELECT candidate_id FROM fingerprinted")]
        assert sorted(indexed) == sorted(stored)
        orphans = store.conn.execute(
            "SELECT COUNT(*) FROM fingerprints WHERE candidate_id NOT IN (SELECT id FROM candidates)").fetchone()[0]
        assert orphans == 0


def test_a_dry_run_finds_copies_without_writing(tmp_path, stories):
    path = tmp_path / "newsdesk.db"
    text = "\n".join(stories["frontier-wuxi-automotive-mcu"])
    Desk(path).add(text)
    with Store.open_readonly(path) as readonly:
        verdict = NearDuplicates(readonly).check("本报记者 钱宁\n" + text)
        assert verdict.match is not None and verdict.match.cluster_id == 1


def test_the_demo_crawl_shows_each_multi_outlet_story_as_one_row(tmp_path):
    """The real thing: the demo site crawled over HTTP, its pages extracted, then clustered by story."""
    from urllib.parse import urlsplit

    from conftest import cli, queue_rows

    home = tmp_path / "demo-home"
    result = cli("--home", str(home), "demo", "--no-serve", "--port", "0")
    assert result.returncode == 0, result.stderr
    story_of = {e["path"]: e["story_id"] for e in demo_catalogue()}
    copies = queue_rows(home, "--all", "--any-status")
    truth = {row["id"]: story_of[urlsplit(row["url"]).path] for row in copies}
    clusters = {row["id"]: row["cluster_id"] for row in copies}
    pairs = list(itertools.combinations(truth, 2))
    assert {p for p in pairs if clusters[p[0]] == clusters[p[1]]} == {p for p in pairs if truth[p[0]] == truth[p[1]]}
    rows = queue_rows(home, "--any-status", "--limit", "1000")   # every story, not the first page
    assert len(rows) == len(set(truth.values()))
    assert max(row["other_outlets"] for row in rows) >= 2
