"""A syndication corpus for benchmarks/dedup.py: stories, their edited reprints and hard negatives.

Text comes from ../shared/data (read there, never copied): the human-cleaned bodies of
chinese-web-content-extraction, the gne-chinese-news bodies with content, the English bodies of
article-extraction-benchmark, and Chinese headlines (THUCNews, CLUE tnews) strung into stories of one
to a dozen sentences (briefs among them). Every story is run by one outlet; a reprint is the story's
text with the edits outlets make (EDITS), under another outlet whose page template (a footer) comes
along with the text, as it does when extraction keeps it. Hard negatives are stories of their own that
share text with one: a quoted paragraph, the facts of a separately written report of the same event,
a site's template, a standard policy paragraph.

The background for timing (synthetic_texts) is generated: an order-2 character Markov chain trained on
the same Chinese text, run for many documents at once with numpy.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CHINA = dt.timezone(dt.timedelta(hours=8))
MIN_TEXT_CHARS = 40    # the crawl skips pages with less text (crawler/crawl/pipelines.py)

REPORTERS = ["王磊", "李婷", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄晓", "周航", "吴佳", "徐明", "孙悦"]
ENGLISH_REPORTERS = ["Alex Morgan", "Sam Lee", "Jordan Price", "Casey Wu", "Robin Hart"]
# Standard wording that many unrelated policy stories carry as a paragraph of its own.
POLICY_PHRASES = [
    "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。",
    "坚持稳中求进工作总基调，统筹发展和安全，更好统筹质的有效提升和量的合理增长，加快建设现代化产业体系，不断增强经济活力、防范化解风险、改善社会预期。",
    "深入实施创新驱动发展战略，推动数字经济和实体经济深度融合，加快发展新质生产力，为奋力谱写中国式现代化新篇章作出更大贡献。",
    "各地区各部门要提高政治站位，压实工作责任，细化政策措施，加强督促检查，确保各项任务落地见效，以实际行动推动经济社会高质量发展。",
    "要坚持以人民为中心的发展思想，着力解决群众急难愁盼问题，持续优化营商环境，不断增强人民群众的获得感、幸福感、安全感。",
]
DISCLAIMERS = [
    "本网站所刊载信息，不代表本站观点。如转载稿涉及版权等问题，请立即联系我们，我们将及时处理。",
    "凡本网注明来源的作品，均转载自其它媒体，目的在于传递更多信息，并不代表本网赞同其观点和对其真实性负责。",
    "声明：本文仅代表作者个人观点，不构成任何投资建议。市场有风险，投资需谨慎。",
]


@dataclass
class Article:
    """One page of the corpus; articles with the same story are copies of each other (the ground truth)."""

    story: int
    outlet: str
    title: str
    text: str
    published_at: dt.datetime
    kind: str          # "original", a reprint's edits joined by "+", or a hard negative's kind


@dataclass
class Material:
    chinese_bodies: list[list[str]]
    english_bodies: list[list[str]]
    headlines: list[str]


@dataclass(frozen=True)
class Outlet:
    name: str
    footer: str | None


# -- material from ../shared/data ----------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    return [p.strip().strip("\u3000") for p in re.split(r"\n+", text) if len(p.strip()) >= 2]


def load_material() -> Material:
    """Bodies and headlines from ../shared/data; raises FileNotFoundError naming what is missing."""
    if not DATA.is_dir():
        raise FileNotFoundError(f"{DATA} is absent: this benchmark needs ../shared/data beside the repository")
    chinese = [_paragraphs(p.read_text(encoding="utf-8", errors="replace"))
               for p in sorted((DATA / "chinese-web-content-extraction" / "cleaned").glob("*.txt"))]
    gne = json.loads((DATA / "gne-chinese-news" / "ground-truth-from-result.json").read_text(encoding="utf-8"))
    chinese += [_paragraphs(entry["content"]) for entry in gne.values() if len(entry.get("content") or "") > 200]
    english = json.loads((DATA / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    english_bodies = [_paragraphs(entry["articleBody"]) for entry in english.values()]
    headlines = []
    for name in ("dev.txt", "test.txt"):
        for line in (DATA / "thucnews-titles" / "THUCNews" / "data" / name).read_text(encoding="utf-8").splitlines():
            headlines.append(line.rsplit("\t", 1)[0])
    for name in ("dev.json", "test.json"):
        for line in (DATA / "clue-tnews" / "tnews_public" / name).read_text(encoding="utf-8").splitlines():
            headlines.append(json.loads(line)["sentence"])
    return Material([b for b in chinese if sum(map(len, b)) >= 200], [b for b in english_bodies if b],
                    _distinct(headlines))


def _distinct(headlines: list[str]) -> list[str]:
    """Headlines sharing no 8-character run with an earlier one: two wordings of one piece of news would
    otherwise be near-duplicate briefs that the ground truth calls different stories."""
    seen: set[str] = set()
    kept = []
    for headline in headlines:
        plain = re.sub(r"\W+", "", headline)
        if len(plain) < 8:
            continue
        grams = {plain[i:i + 8] for i in range(len(plain) - 7)}
        if grams & seen:
            continue
        seen |= grams
        kept.append(re.sub(r"[。！？!?…\s]+$", "", headline.strip()) + "。")
    return kept


# -- the edits outlets make when they reprint ---------------------------------------------------

Edit = Callable[[list[str], random.Random, "Context"], list[str]]


@dataclass
class Context:
    english: bool
    spare: Iterator[str]       # unused headlines, for notes and added paragraphs


def _byline(paragraphs, rng, ctx):
    line = f"By {rng.choice(ENGLISH_REPORTERS)}" if ctx.english else f"本报记者 {rng.choice(REPORTERS)}"
    return [line, *paragraphs]


def _lead_in(paragraphs, rng, ctx):
    if ctx.english:
        lead = f"({rng.choice(ENGLISH_REPORTERS)}) "
    else:
        lead = rng.choice(["（记者 {}）", "本报讯（记者 {}）", "新华社电（记者 {}）"]).format(rng.choice(REPORTERS))
    return [lead + paragraphs[0], *paragraphs[1:]]


def _note(paragraphs, rng, ctx):
    if ctx.english:
        return ["Editor's note: we republish this report with permission; " + "our own coverage follows.",
                *paragraphs]
    return ["编者按：" + next(ctx.spare) + "本网转载如下，供读者参阅。", *paragraphs]


def _trim(paragraphs, rng, ctx):
    return paragraphs[:-1] if len(paragraphs) >= 3 else paragraphs


def _added(paragraphs, rng, ctx):
    extra = "Related: more on this story on our site." if ctx.english else "相关阅读：" + next(ctx.spare) + next(ctx.spare)
    return [*paragraphs, extra]


def _reorder(paragraphs, rng, ctx):
    if len(paragraphs) < 2:
        return paragraphs
    order = list(range(len(paragraphs)))
    while order == sorted(order):
        rng.shuffle(order)
    return [paragraphs[i] for i in order]


def _excerpt(paragraphs, rng, ctx):
    """The first paragraphs, a third of the text or more (but not all of it)."""
    total = sum(map(len, paragraphs))
    kept, size = [], 0
    share = rng.uniform(0.35, 0.7)
    for paragraph in paragraphs[:-1]:
        kept.append(paragraph)
        size += len(paragraph)
        if size >= share * total:
            break
    return kept if kept and size >= 0.34 * total else paragraphs


def _brief(paragraphs, rng, ctx):
    """A brief cut from the story: its first paragraphs, under a third of the text (issue 14); a story too short
    to give one of at least 150 characters is excerpted instead."""
    total = sum(map(len, paragraphs))
    kept, size = [], 0
    share = rng.uniform(0.12, 0.3)
    for paragraph in paragraphs[:-1]:
        if kept and size + len(paragraph) > share * total:
            break
        kept.append(paragraph)
        size += len(paragraph)
    return kept if kept and 150 <= size < total / 3 else _excerpt(paragraphs, rng, ctx)


FULL_WIDTH = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")",
                            "“": '"', "”": '"', **{str(d): chr(0xFF10 + d) for d in range(10)}})


def _width(paragraphs, rng, ctx):
    """Half-width punctuation, full-width digits, and stray spaces, as a careless CMS does."""
    out = []
    for paragraph in paragraphs:
        text = paragraph.translate(FULL_WIDTH)
        out.append(re.sub(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])", lambda m: " " if rng.random() < 0.03 else "",
                          text))
    return out


def _traditional(paragraphs, rng, ctx):
    from opencc import OpenCC

    converter = _traditional.converter = getattr(_traditional, "converter", None) or OpenCC("s2t")
    return [converter.convert(p) for p in paragraphs]


EDITS: dict[str, Edit] = {
    "brief": _brief, "excerpt": _excerpt, "trim": _trim, "reorder": _reorder, "added": _added, "note": _note,
    "byline": _byline, "lead_in": _lead_in, "width": _width, "traditional": _traditional,
}
# Structure first, then what is added, then the surface: the order an editor's changes compose in.
EDIT_ORDER = list(EDITS)
EDIT_WEIGHTS = {"brief": 1, "excerpt": 2, "trim": 2, "reorder": 1, "added": 1, "note": 2, "byline": 2, "lead_in": 2,
                "width": 2, "traditional": 2}


def reprint(paragraphs: list[str], rng: random.Random, ctx: Context) -> tuple[list[str], str]:
    """An outlet's reprint of the paragraphs: (paragraphs, the edits' names); one in ten is exact, the
    rest get a new headline and one to three edits."""
    if rng.random() < 0.1:
        return list(paragraphs), "exact"
    names = list(EDIT_WEIGHTS)
    chosen: set[str] = set()
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        chosen.add(rng.choices(names, weights=[EDIT_WEIGHTS[n] for n in names])[0])
    if "brief" in chosen:
        chosen -= {"excerpt", "trim"}
    if "excerpt" in chosen:
        chosen.discard("trim")
    if ctx.english:
        chosen.discard("traditional")
    edited = list(paragraphs)
    for name in EDIT_ORDER:
        if name in chosen:
            edited = EDITS[name](edited, rng, ctx)
    return edited, "+".join(sorted(chosen)) or "headline"


# -- the corpus ------------------------------------------------------------------------------

def outlets(count: int, rng: random.Random) -> list[Outlet]:
    """Outlets; three in five print a template footer (their own line plus a shared disclaimer)."""
    found = []
    for number in range(count):
        name = f"媒体{number:02d}"
        footer = None
        if rng.random() < 0.6:
            footer = (f"（责任编辑：{rng.choice(REPORTERS)}）{rng.choice(DISCLAIMERS)}"
                      f"{name}版权所有，未经书面授权不得转载、摘编或以其他方式使用。")
        found.append(Outlet(name, footer))
    return found


def _headline_story(headlines: Iterator[str], rng: random.Random, brief: bool) -> list[str]:
    if brief:
        text = next(headlines)
        while len(text) < MIN_TEXT_CHARS or rng.random() < 0.3:
            text += next(headlines)
        return [text]
    return ["".join(next(headlines) for _ in range(rng.choice([1, 2, 2, 3, 3]))) for _ in range(rng.randint(2, 7))]


def _with_footer(paragraphs: list[str], outlet: Outlet) -> str:
    return "\n".join([*paragraphs, outlet.footer] if outlet.footer else paragraphs)


def build_corpus(material: Material, *, headline_stories: int = 2000, seed: int = 7,
                 now: dt.datetime | None = None) -> list[Article]:
    """Originals, 0-10 reprints each, and hard negatives, in the order they were published (the last
    28 days before now)."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(CHINA)
    everyone = outlets(40, rng)
    headlines = iter(rng.sample(material.headlines, len(material.headlines)))
    bodies = [(body, False) for body in material.chinese_bodies]
    bodies += [(body, True) for body in material.english_bodies]
    for number in range(headline_stories):
        story = _headline_story(headlines, rng, brief=number % 5 == 0)
        if rng.random() < 0.12 and len(story) >= 2:
            # After the news itself, as such wording is in the policy reports it comes from.
            story.insert(rng.randint(1, len(story)), rng.choice(POLICY_PHRASES))
        bodies.append((story, False))
    bodies = [(paragraphs, english) for paragraphs, english in bodies
              if len("\n".join(paragraphs)) >= MIN_TEXT_CHARS]
    ctx_zh, ctx_en = Context(False, headlines), Context(True, headlines)
    articles: list[Article] = []
    copies_weights = [30, 20, 14, 10, 7, 5, 4, 3, 3, 2, 2]
    for story, (paragraphs, english) in enumerate(bodies):
        start = now - dt.timedelta(days=28) + dt.timedelta(minutes=rng.randrange(26 * 24 * 60))
        home = rng.choice(everyone)
        articles.append(Article(story, home.name, f"story {story}", _with_footer(paragraphs, home), start,
                                "original"))
        others = rng.sample([o for o in everyone if o is not home],
                            rng.choices(range(11), weights=copies_weights)[0])
        for outlet in others:
            edited, kind = reprint(paragraphs, rng, ctx_en if english else ctx_zh)
            articles.append(Article(story, outlet.name, f"story {story} as {outlet.name}",
                                    _with_footer(edited, outlet), start + dt.timedelta(hours=rng.uniform(0.2, 60)),
                                    kind))
    articles += _negatives(bodies, articles, everyone, headlines, rng)
    articles.sort(key=lambda a: a.published_at)
    return [a for a in articles if len(a.text) >= MIN_TEXT_CHARS]


def _negatives(bodies, originals, everyone, headlines, rng) -> list[Article]:
    """A story quoting a paragraph of another, and a separately written report of the same event, for
    300 Chinese stories of three paragraphs or more each."""
    found = []
    targets = [i for i, (paragraphs, english) in enumerate(bodies) if not english and len(paragraphs) >= 3]
    start_of = {a.story: a.published_at for a in originals if a.kind == "original"}
    story = len(bodies)
    for target in rng.sample(targets, min(300, len(targets))):
        paragraphs = bodies[target][0]
        total = sum(map(len, paragraphs))
        quotable = [p for p in paragraphs if len(p) <= 0.4 * total and len(p) >= 20] or [min(paragraphs, key=len)]
        own = _headline_story(headlines, rng, brief=False) + [next(headlines)]
        own.insert(rng.randint(1, len(own) - 1), rng.choice(quotable))
        when = start_of[target] + dt.timedelta(hours=rng.uniform(-24, 72))
        outlet = rng.choice(everyone)
        found.append(Article(story, outlet.name, "quote", _with_footer(own, outlet), when, "quotes a paragraph"))
        story += 1
        facts = _facts(paragraphs, rng)
        report = _headline_story(headlines, rng, brief=False)
        for fact in facts:
            at = rng.randrange(len(report))
            report[at] = report[at] + f"据了解，{fact}。"
        outlet = rng.choice(everyone)
        found.append(Article(story, outlet.name, "same event", _with_footer(report, outlet), when,
                             "reports the same event"))
        story += 1
    return found


def _facts(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Four short phrases of a story (names, figures): what a separate report of its event repeats."""
    clauses = [c for p in paragraphs for c in re.split(r"[，。；：、！？,.;:!?\s]+", p) if len(c) >= 6]
    picked = rng.sample(clauses, min(4, len(clauses)))
    out = []
    for clause in picked:
        size = min(len(clause), rng.randint(6, 10))
        at = rng.randint(0, len(clause) - size)
        out.append(clause[at:at + size])
    return out


# -- background for timing ---------------------------------------------------------------------

class MarkovText:
    """An order-2 character Markov chain over Chinese text, sampled for a batch of documents at once.

    A document's state is a position in the training text; each step jumps to a random other place
    where the same two characters occur and emits the character that follows them there."""

    def __init__(self, texts: list[str], seed: int = 11) -> None:
        self.alphabet, codes = np.unique(np.array(list("\n".join(texts))), return_inverse=True)
        codes = codes.astype(np.int64)
        keys = codes[:-2] * len(self.alphabet) + codes[1:-1]      # the pair starting at each position
        self.by_pair = np.argsort(keys, kind="stable")            # positions grouped by their pair
        sorted_keys = keys[self.by_pair]
        self.first = np.searchsorted(sorted_keys, keys, "left")   # where each position's group starts
        self.count = np.searchsorted(sorted_keys, keys, "right") - self.first
        self.codes = codes
        self.rng = np.random.default_rng(seed)

    def batch(self, lengths: np.ndarray) -> list[str]:
        longest = int(lengths.max())
        out = np.empty((len(lengths), longest), dtype=np.int64)
        state = self.rng.integers(0, len(self.first), len(lengths))
        for step in range(longest):
            jump = self.by_pair[self.first[state] + (self.rng.random(len(state)) * self.count[state]).astype(np.int64)]
            out[:, step] = self.codes[jump + 2]
            # Continue from the pair just emitted; at the end of the training text start anywhere.
            state = np.where(jump + 1 < len(self.first), jump + 1, self.rng.integers(0, len(self.first), len(state)))
        return ["".join(self.alphabet[row[:length]]) for row, length in zip(out, lengths, strict=True)]


def synthetic_texts(material: Material, count: int, *, seed: int = 11, batch: int = 5000) -> Iterator[str]:
    """count generated Chinese texts of 150-700 characters in paragraphs, none copying another."""
    chain = MarkovText([_with_footer(b, Outlet("", None)) for b in material.chinese_bodies] + material.headlines,
                       seed)
    rng = np.random.default_rng(seed + 1)
    made = 0
    while made < count:
        size = min(batch, count - made)
        for text in chain.batch(rng.integers(150, 700, size)):
            yield re.sub(r"\n{2,}", "\n", text).strip("\n") or "空"
        made += size
