"""Sections and relevance: cold start from sections.yaml, explanations, filtering, learning from editors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from ruamel.yaml import YAML
from support.classify_fixtures import cold, decided_home, newsletter  # noqa: F401  (fixtures)
from support.decisions import add, originals

from crawler.classify import Classifier
from crawler.classify.home_classifier import home_classifier
from crawler.classify.trained import load_model, models_folder, versions
from crawler.classify.training import retrain_if_due
from crawler.configuration.sections import (
    CLASSIFIER_SETTINGS,
    load_sections,
    parse_sections,
)
from crawler.articles import Candidate, FetchedPage, PageWork, classify
from crawler.errors import ConfigError
from db import Store
from newsdesk.cli import main
from newsdesk.render import queue_line

DEFAULT_SECTIONS = REPO / "crawler" / "configuration" / "defaults" / "sections.yaml"
SAMPLE = REPO / "tests" / "data" / "newsletter_sample.yaml"
ACTORS = REPO / "tests" / "data" / "newsletter_actors.yaml"
FRESH = REPO / "tests" / "data" / "newsletter_fresh.yaml"


def run(args: list[str]):
    return CliRunner().invoke(main, args, catch_exceptions=False)


# -- cold start: the default sections.yaml, no editor decision yet ------------------------------


def test_untrained_the_demo_stories_land_in_their_section(cold):
    on_topic = [e for e in originals() if e["section"]]
    placed = [e for e in on_topic if cold.classify(e["title"], e["text"]).section == e["section"]]
    assert len(placed) / len(on_topic) >= 0.9, [e["title"] for e in on_topic if e not in placed]


def test_untrained_off_topic_demo_stories_are_filtered_and_on_topic_ones_kept(cold):
    for entry in originals():
        decision = cold.classify(entry["title"], entry["text"])
        assert decision.filtered == (entry["section"] is None), (entry["title"], decision.explanation())


def test_untrained_stories_written_like_the_newsletters_sources_land_in_their_section(cold):
    stories = YAML(typ="safe").load(SAMPLE.read_text(encoding="utf-8"))["stories"]
    right = 0
    for story in stories:
        decision = cold.classify(story["title"], story["lead"])
        if story["section"] is None:
            right += decision.filtered
        else:
            right += decision.section == story["section"] and not decision.filtered
    assert right / len(stories) >= 0.9


def test_untrained_who_acts_and_what_they_did_outweigh_the_topics_words(cold):
    """A city, park or company carrying out a plan, a standard or a technology is regional practice; an
    authority issuing the plan is policy: 90% of the stories land right, every hard one among them."""
    stories = YAML(typ="safe").load(ACTORS.read_text(encoding="utf-8"))["stories"]
    assert len(stories) >= 40
    wrong = []
    for story in stories:
        decision = cold.classify(story["title"], story["lead"])
        if decision.section != story["section"] or decision.filtered:
            wrong.append((story["title"], story.get("hard", False), decision.explanation()))
    assert len(wrong) / len(stories) <= 0.1, wrong
    assert [w for w in wrong if w[1]] == []


def test_untrained_stories_written_before_reading_the_rules_land_in_their_section(cold):
    """A fresh set, written before its author read the keywords and patterns (and 15 stories more written
    after the rules were changed for its misses): 94% land where the newsletter's definitions put them,
    the off-topic ones filtered."""
    stories = YAML(typ="safe").load(FRESH.read_text(encoding="utf-8"))["stories"]
    assert len(stories) >= 75 and sum(bool(s.get("after")) for s in stories) >= 15
    wrong = []
    for story in stories:
        decision = cold.classify(story["title"], story["lead"])
        if story["section"] is None:
            right = decision.filtered
        else:
            right = decision.section == story["section"] and not decision.filtered
        if not right:
            wrong.append((story["title"], decision.explanation()))
    assert len(wrong) / len(stories) <= 0.06, wrong


@pytest.mark.parametrize("title, lead, section, deciding", [
    ("无锡高新区落实“智改数转”三年行动计划 完成改造项目1200个",
     "该区落实三年行动计划以来，累计完成智能化改造和数字化转型项目1200个。", "区域实践", "落实"),
    ("嘉兴企业主导制定3项国家标准 标准化成果助力企业开拓市场",
     "嘉兴一家智能传感器企业主导制定的3项国家标准获批发布，公司海外订单同比增长40%。", "区域实践", "企业主导"),
    ("合肥高新区推进量子产业集聚发展 量子企业增至70家",
     "合肥高新区推动量子计算、量子通信企业集聚，区内量子企业已增至70家。", "区域实践", "高新区推进"),
    ("工信部印发《工业互联网与人工智能融合赋能行动方案》",
     "工业和信息化部近日印发行动方案，提出到2027年打造一批标杆企业和典型应用场景。", "政策要闻", "印发"),
    ("宁波一家电企业通过数据管理能力成熟度国家标准四级评估",
     "宁波一家家电企业通过数据管理能力成熟度国家标准四级评估，成为全市首家达到该等级的制造企业。", "区域实践", "企业通过"),
    ("余杭区兑现人工智能产业扶持政策 186家企业获奖补3.6亿元",
     "余杭区完成年度人工智能产业扶持政策兑现，向186家企业发放奖补资金3.6亿元。", "区域实践", "兑现"),
    ("盐城大数据产业园与高校共建人工智能研究院",
     "盐城大数据产业园与南京一所高校签约，共建人工智能研究院。", "区域实践", "共建"),
    ("张江科学城又有4款大模型通过备案 园区备案大模型增至22款",
     "张江科学城又有4款大模型产品通过备案，园区通过备案的大模型已增至22款。", "区域实践", "增至22款"),
], ids=["a park carries out a plan", "a company drafts a standard", "a park's quantum firms", "a ministry's plan",
        "a company passes an assessment against a standard", "a district pays out a policy's subsidies",
        "a park co-builds an institute", "a park's count of models"])
def test_a_citys_programme_naming_a_plan_is_practice_and_a_ministrys_plan_is_policy(cold, title, lead, section,
                                                                                    deciding):
    decision = cold.classify(title, lead)
    assert decision.section == section and deciding in decision.explanation(), decision.explanation()


def test_every_choice_has_a_confidence_and_an_explanation_naming_the_deciding_terms(cold):
    decision = cold.classify("省政府办公厅印发《关于加快数据要素市场建设的实施意见》",
                             "近日，省政府办公厅印发实施意见，提出到2027年数据要素市场体系基本建成。")
    assert decision.section == "政策要闻" and 0.5 < decision.confidence <= 1
    text = decision.explanation()
    assert "印发" in text and "实施意见" in text and "title" in text
    assert "Relevance" in text and "数据" in text
    conference = cold.classify("数字经济峰会在杭州开幕", "峰会吸引了500余位嘉宾参会。")
    assert conference.section == "会议论坛" and "峰会" in conference.explanation()


TIED_WORDS = """
from pathlib import Path
from crawler.classify.rules import SectionRules
from crawler.classify.text import StoryText
from crawler.configuration.sections import load_sections
rules = SectionRules(load_sections(Path("crawler/configuration/defaults/sections.yaml")), None)
story = StoryText.of("谢谢您访问〖关注中国中心〗", "【看中国2005年07月03日报道】一九八九年四月，我在湖南张家界开一个全省"
                     "教学研究会议。按照惯例，会议安排了一天时间，让与会者去风景点游玩观赏。")
print([(e.term, e.points) for s in rules.score(story) for e in s.evidence])
"""


def test_the_explanation_is_the_same_in_every_process():
    # Words the story shares with a section's description score alike here; their order must not follow a set's,
    # which changes with each process's hash seed.
    said = {subprocess.run([sys.executable, "-c", TIED_WORDS], cwd=REPO, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(1, 6)}
    assert len(said) == 1 and "会议" in said.pop()


def test_a_story_with_no_evidence_goes_to_the_default_section_with_low_confidence(cold, newsletter):
    decision = cold.classify("数字化观察", "数据。")
    assert decision.section == newsletter.default_section().name == "区域实践"
    assert decision.low_confidence and decision.confidence < 0.5


def test_excluded_terms_lower_relevance(cold):
    kept = cold.classify("人工智能企业落户杭州", "一批人工智能企业近日落户杭州。")
    excluded = cold.classify("人工智能企业赞助足球联赛", "足球联赛冠名商为一家人工智能企业。足球迷热议。")
    assert excluded.relevance < kept.relevance


def test_an_english_newsletter_works_the_same_way(tmp_path):
    document = {
        "newsletter": {"title": "AI Weekly"},
        "topic": {"themes": ["AI", "model", "chip"], "exclude": ["football"]},
        "sections": [
            {"name": "Policy", "keywords": {"regulation": 3, "act": 2}, "examples": ["EU adopts the AI Act"]},
            {"name": "Research", "keywords": {"paper": 3, "benchmark": 2}, "default": True},
        ],
    }
    classifier = Classifier(parse_sections(document, tmp_path / "sections.yaml"))
    decision = classifier.classify("New AI regulation passed", "Lawmakers passed a regulation on AI models.")
    assert decision.section == "Policy" and "regulation" in decision.explanation()
    assert classifier.classify("Football results", "The football season ended.").filtered


# -- sections.yaml: the new fields are validated, errors name file, section and field --------------


@pytest.mark.parametrize("change, message", [
    (lambda d: d["sections"][0].update(patterns={"(unclosed": 2}), "section '政策要闻': patterns: '(unclosed'"),
    (lambda d: d["sections"][1].update(keywords={"项目": "high"}), "section '区域实践': keywords: weight of '项目'"),
    (lambda d: d["sections"][2].update(colour="red"), "section '会议论坛': colour: unknown field"),
    (lambda d: d["sections"][0].update(default=True), "section '区域实践': default: only one section"),
    (lambda d: d["classifier"].update(relevance_threshold=2), "classifier: relevance_threshold: must be between"),
    (lambda d: d["classifier"].update(retrain_every=3), "classifier: 'retrain_every' is not a setting"),
    (lambda d: d["topic"].update(themes="数据"), "topic: themes: must be a mapping"),
    (lambda d: d["newsletter"].update(timezone="Shanghai"), "newsletter: timezone: 'Shanghai' is not a time zone"),
])
def test_sections_yaml_errors_name_the_file_section_and_field(change, message):
    document = YAML(typ="safe").load(DEFAULT_SECTIONS.read_text(encoding="utf-8"))
    change(document)
    with pytest.raises(ConfigError) as error:
        parse_sections(document, Path("/home/x/sections.yaml"))
    assert str(error.value).startswith("sections.yaml: ") and message in str(error.value)


def test_the_readme_documents_every_classifier_setting_with_its_default():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, default, _ in CLASSIFIER_SETTINGS:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `classifier.{name}` |")), None)
        assert row and str(default) in row, name


# -- the pipeline stage and the queue --------------------------------------------------------------


def test_the_pipeline_sets_section_confidence_relevance_explanation_and_filters(home):
    classifier = home_classifier(home)
    policy = classify(Candidate(
        source="s", url="https://gov.example.cn/zcwj/1.html", fetched_url="https://gov.example.cn/zcwj/1.html",
        title="市政府印发《数字经济三年行动方案》", text="近日，市政府印发行动方案，加快数字经济发展。" * 3), classifier)
    assert (policy.section, policy.status, policy.classified_by) == ("政策要闻", "pending", "rules")
    assert policy.section_confidence > 0.5 and policy.relevance > 0.5 and "印发" in policy.explanation
    policy_score = classifier.classify(policy.title, policy.text, url=policy.url).rule_scores[0]
    assert "'zcwj' in the url (+3.0)" in [e.describe() for e in policy_score.evidence]
    sport = classify(Candidate(
        source="s", url="https://a.example.cn/2.html", fetched_url="https://a.example.cn/2.html",
        title="上海马拉松鸣枪开跑", text="3.8万名跑者参赛，男子组冠军成绩为2小时07分。" * 3), classifier)
    assert sport.status == "filtered" and sport.relevance < 0.25 and sport.section


def test_no_home_no_classification():
    from support.pages import STORIES, article

    page = FetchedPage("s", "https://x.cn/1.html", article("芯片产线投产", paragraphs=STORIES["chip"]).encode(),
                       content_type="text/html; charset=utf-8")
    worked = PageWork(classifier=None)(page)
    assert worked.candidate.title == "芯片产线投产" and worked.candidate.section is None


def test_queue_lines_show_section_confidence_low_marks_and_relevance_of_filtered():
    row = {"id": 3, "status": "pending", "section": "政策要闻", "section_confidence": 0.93, "relevance": 0.8,
           "published_at": "2026-11-03T09:30:00+08:00", "outlet": "新华社", "title": "标题"}
    assert "[pending] 政策要闻 0.93 2026-11-03 09:30" in queue_line(row)
    assert "区域实践 0.41 (low)" in queue_line({**row, "section": "区域实践", "section_confidence": 0.41})
    assert "[filtered] 政策要闻 0.93 relevance 0.12" in queue_line({**row, "status": "filtered", "relevance": 0.12})


def test_queue_lines_show_an_editors_section_without_the_classifiers_old_confidence():
    row = {"id": 3, "status": "pending", "section": "会议论坛", "section_confidence": 0.93, "decided_by": "alice",
           "published_at": "2026-11-03T09:30:00+08:00", "outlet": "新华社", "title": "标题", "url": "https://x.cn/1"}
    assert "[pending] 会议论坛 2026-11-03 09:30 CST" in queue_line(row)
    assert "0.93" not in queue_line(row)


def test_queue_lines_show_times_in_the_newsletters_zone_and_say_which():
    row = {"id": 3, "status": "pending", "section": "政策要闻", "published_at": "2026-11-03T01:30:00+00:00",
           "outlet_names": ["新华社", "人民网", "gov.example.cn"], "other_outlets": 2, "title": "标题",
           "url": "https://x.cn/1"}
    assert "2026-11-03 09:30 CST  新华社 | 标题  (also run by 2 outlets: 人民网, gov.example.cn)" in queue_line(row)
    assert "2026-11-03 02:30 CET" in queue_line(row, zone="Europe/Berlin")


# -- filtered stories: kept, listed, restorable --------------------------------------------------


def test_a_filtered_story_is_listed_restorable_and_never_deleted(home):
    with Store(home / "newsdesk.db") as store:
        id = add(store, 1, "寒潮来袭 本市明起气温骤降", "市气象台发布寒潮预警。", section="区域实践",
                 status="filtered", section_confidence=0.3, relevance=0.0, explanation="no theme", classified_by="rules")
    listed = run(["--home", str(home), "queue", "--status", "filtered", "--json"])
    row = json.loads(listed.output.splitlines()[0])
    assert (row["id"], row["status"], row["relevance"], row["explanation"]) == (id, "filtered", 0.0, "no theme")
    assert "nothing" in run(["--home", str(home), "queue"]).output
    restored = run(["--home", str(home), "restore", str(id)])
    assert restored.exit_code == 0 and "restored" in restored.output
    with Store(home / "newsdesk.db") as store:
        assert store.get_candidate(id)["status"] == "pending"
        last = store.status_log(id)[-1]
        assert (last["old_status"], last["new_status"], last["note"]) == ("filtered", "pending", "restored from filtered")
        assert store.decided_stories()[0]["restored"] == 1
    assert "pending already" in run(["--home", str(home), "restore", str(id)]).output
    assert run(["--home", str(home), "restore", "999"]).exit_code == 1


# -- learning from editors ----------------------------------------------------------------------


def test_train_writes_a_versioned_model_that_the_next_crawl_uses(decided_home):
    first = run(["--home", str(decided_home), "classify", "train"])
    assert first.exit_code == 0, first.output
    assert "trained classifier-0001" in first.output and "46 stories with a section" in first.output
    folder = models_folder(decided_home)
    manifest = json.loads((folder / "classifier-0001.json").read_text(encoding="utf-8"))
    assert manifest["section_labels"]["政策要闻"] >= 9 and manifest["relevance_labels"]["rejected"] == 8
    assert manifest["last_log_id"] > 0 and 0 <= manifest["section_share"] <= 1
    assert run(["--home", str(decided_home), "classify", "train"]).exit_code == 0
    assert versions(decided_home) == [1, 2] and (folder / "classifier-0001.joblib").exists()
    # A model file whose manifest was never written (a crash mid-save) is not a version.
    (folder / "classifier-0003.joblib").write_bytes(b"partial")
    assert versions(decided_home) == [1, 2] and load_model(decided_home).version == "classifier-0002"
    # What a crawl builds for its pipeline: the home's newest model.
    classifier = home_classifier(decided_home)
    assert classifier.trained.version == "classifier-0002"
    item = classify(Candidate(source="s", url="u", fetched_url="u", title="量子计算新突破",
                              text="科研团队实现量子纠错新突破。"), classifier)
    assert item.section == "科技前沿" and item.classified_by.startswith("rules")


def test_evaluate_prints_per_section_precision_recall_and_a_confusion_matrix(decided_home):
    result = run(["--home", str(decided_home), "classify", "evaluate", "--folds", "3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "46 stories with an editor's section, 3-fold cross-validation" in out
    assert "precision" in out and "recall" in out and "confusion matrix" in out
    for name in ("政策要闻", "区域实践", "会议论坛", "科技前沿"):
        assert any(line.strip().startswith(name) or f". {name}" in line for line in out.splitlines())
    accuracy = float(out.split("accuracy ")[1].split()[0])
    assert accuracy >= 0.8


def test_explain_shows_the_terms_the_relevance_and_the_history(decided_home):
    with Store(decided_home / "newsdesk.db") as store:
        row = next(r for r in store.queue(status=None) if r["title"].startswith("工信部等六部门印发"))
    result = run(["--home", str(decided_home), "classify", "explain", str(row["id"])])
    assert result.exit_code == 0, result.output
    assert "政策要闻" in result.output and "'印发' in the title" in result.output
    assert "relevance" in result.output and "history:" in result.output and "editor:" in result.output
    as_json = json.loads(run(["--home", str(decided_home), "classify", "explain", str(row["id"]), "--json"]).output)
    assert as_json["now"]["section"] == "政策要闻" and as_json["now"]["rules"]["政策要闻"]["evidence"]
    assert run(["--home", str(decided_home), "classify", "explain", "9999"]).exit_code == 1


def test_train_refuses_with_too_few_decisions_and_writes_nothing(home):
    result = CliRunner().invoke(main, ["--home", str(home), "classify", "train"])
    assert result.exit_code == 1 and "too few editor decisions" in result.output
    assert versions(home) == []
    assert CliRunner().invoke(main, ["--home", str(home), "classify", "evaluate"]).exit_code == 1


def test_editors_teach_a_section_the_rules_do_not_know(home):
    """Rules know nothing of 数字孪生; editors keep moving those stories to 科技前沿; the model learns it."""
    newsletter = load_sections(home / "sections.yaml")
    with Store(home / "newsdesk.db") as store:
        for n in range(60):
            twin = n % 2 == 0
            title = f"数字孪生平台第{n}期应用观察" if twin else f"城市数字化服务第{n}期应用观察"
            id = add(store, n, title, "数字化应用持续深化，平台接入企业不断增加。")
            store.move(id, "科技前沿" if twin else "区域实践", actor="editor")
        before = Classifier(newsletter).classify("数字孪生平台第99期应用观察", "数字化应用持续深化。")
        assert before.section == "区域实践"
        training = retrain_if_due(home, newsletter, store)
        assert training is not None and training.model.version == "classifier-0001"
        assert retrain_if_due(home, newsletter, store) is None, "nothing new to learn from"
    after = Classifier(newsletter, load_model(home)).classify("数字孪生平台第99期应用观察", "数字化应用持续深化。")
    assert after.section == "科技前沿" and after.model_share > 0 and "'孪生' in the title" in after.explanation()


def test_train_apply_resections_untouched_stories_but_never_an_editors_choice(decided_home):
    with Store(decided_home / "newsdesk.db") as store:
        untouched = add(store, 500, "科研团队在《自然》发表量子芯片论文", "研究团队近日在《自然》发表论文。",
                        section="区域实践")
        approved = store.queue(status="approved")[0]
    result = run(["--home", str(decided_home), "classify", "train", "--apply"])
    assert result.exit_code == 0 and "re-sectioned 1 untouched stories: 1 changed" in result.output
    with Store(decided_home / "newsdesk.db") as store:
        row = store.get_candidate(untouched)
        assert row["section"] == "科技前沿" and row["classified_by"].startswith("rules")
        assert store.status_log(untouched)[-1]["actor"] == "classifier"
        assert store.get_candidate(approved["id"])["section"] == approved["section"]
        assert all(row["id"] != untouched for row in store.decided_stories())


def test_an_editors_decision_made_while_the_classifier_works_is_never_reverted(home):
    """The classifier reads the undecided stories, an editor decides meanwhile, then the verdicts land."""
    from crawler.classify.resection import resection

    with Store(home / "newsdesk.db") as store:
        ids = [add(store, n, f"科研团队在《自然》发表量子芯片论文之{n}", "研究团队近日在《自然》发表论文。",
                   section="区域实践") for n in range(3)]
        read = store.undecided_stories()
        with Store(home / "newsdesk.db") as editor:     # another process's connection, as the desk's
            editor.set_status(ids[0], "approved", section="区域实践", actor="alice")
            editor.move(ids[1], "会议论坛", actor="bob")
        verdicts = [{"id": row["id"], "story_id": row["story_id"], "version": row["version"], "section": "科技前沿",
                     "status": "pending", "section_confidence": 0.9, "relevance": 0.8, "explanation": "x",
                     "classified_by": "rules"} for row in read]
        assert store.reclassify(verdicts) == 1
        assert [store.get_candidate(i)["section"] for i in ids] == ["区域实践", "会议论坛", "科技前沿"]
        assert store.get_candidate(ids[0])["status"] == "approved"
        assert [entry["actor"] for entry in store.status_log(ids[0])] == ["crawler", "alice"]
        # resection() reads afresh: decided stories are not even looked at.
        changed, looked_at = resection(home, load_sections(home / "sections.yaml"), store)
        assert looked_at == 1


def test_approvals_made_during_train_apply_all_stand(decided_home):
    """A scripted run: `classify train --apply` in its own process while an editor approves 120 stories."""
    import subprocess
    import sys

    with Store(decided_home / "newsdesk.db") as store:
        ids = [add(store, 1000 + n, f"第{n}家企业完成数字化改造", "企业数字化改造项目近日完成验收。", section="区域实践")
               for n in range(120)]
    training = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(decided_home), "classify",
                                 "train", "--apply"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    with Store(decided_home / "newsdesk.db") as editor:
        for id in ids:
            editor.set_status(id, "approved", section="科技前沿", actor="alice")
    out, err = training.communicate(timeout=600)
    assert training.returncode == 0, err
    with Store(decided_home / "newsdesk.db") as store:
        assert [(store.get_candidate(i)["status"], store.get_candidate(i)["section"]) for i in ids] == \
            [("approved", "科技前沿")] * 120
