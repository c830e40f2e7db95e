"""Article-extraction benchmark: our extractor against plain trafilatura on three public page sets.

Run `python benchmarks/extraction.py`. Pages are read from ../shared/data (never copied into the project);
a missing set is reported and skipped. Both extractors run in this process on the same pages:

- ours: `crawler.extraction.extract_bytes(raw_bytes, url)` (content_type=None, so charset detection is part
  of the measured work and of the timing);
- trafilatura: the page decoded once with `crawler.formats.charset.decode_html`, then `trafilatura.extract(text,
  url=url)` with default settings for the body and `trafilatura.extract_metadata(text, default_url=url)`
  (htmldate inside) for title and date; both calls are timed;
- traf-bytes: the same two calls on the raw bytes, trafilatura guessing the charset itself (how it fares on
  GB2312/GBK pages without our decoding).

Body score (the scrapinghub article-extraction-benchmark metric): split texts into tokens, count overlapping
4-token shingles as multisets, per page tp = shared counts, fp/fn = the excess on either side, normalised so
the page's three counts sum to one; precision = mean tp/(tp+fp) over pages with tp+fp > 0, recall = mean
tp/(tp+fn) over pages with tp+fn > 0; F1 = harmonic mean of the two means. Tokens: `\\w+` for the English
benchmark (as upstream); for the Chinese sets each CJK character is one token and other `\\w+` runs are
tokens (with `\\w+` alone a Chinese clause would be one "word").

Date rule: a date is right when every field the gold gives matches the extracted published_at read as
written (its own offset, i.e. the page's wall-clock time): year, month and day; hour and minute when the
gold has a time (gold seconds are ignored, many pages print none). Partial golds match on what they give:
"2018" needs the year, "1998-3" year and month, GNE's "09月07日" month and day. Gold that is "UNKNOWN",
empty or not a date at all (one chinese-web-content-extraction label holds an author name) is unlabelled and
not counted; so that set has 56 labelled dates (58 rows minus the empty and the misplaced label).

Titles are scored only where there is a gold title (gne-chinese-news): exact match after trimming spaces.

Columns: P/R/F1 of the body; dates = right by the rule above / labelled; days = right on the calendar date
alone (trafilatura gives dates without times, so this is the column where it can score); titles; ms/page =
extraction time per page (all pages of the set, list pages included; CPU seconds of this process, so that other
processes on a busy machine do not skew the comparison); then ours/trafilatura time ratios.

Where our answer and a label differ and we believe the label is wrong (checked by reading the pages):
chinese-web-content-extraction 05e98007 prints "7/5/2005 9:23:57 PM" after a 2005年07月03日 report, the
label says 5 July was 7 May; e8847578 labels the 成文日期 (27th), the page's 发布日期 and PubDate say 28th;
c3f7d079 labels the report's "2003年5月", the portal dated its copy 2005-03-06; d5bced5e (a Wikipedia page)
labels a maintenance-box date; 35687fb1 (a blog post) labels the header's "2006年12月27日（京港台时间）", the
site's clock on the day the page was saved, where the post says "Saturday, September 10th, 2005 10:56 am". gne-chinese-news is another extractor's output: its qq.html date comes from a
video player's build stamp and sina/3.html's from a related-articles list.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from crawler.cjk import CJK  # noqa: E402

logger = logging.getLogger(__name__)

EXTRACTORS = ("ours", "trafilatura", "traf-bytes", "htmldate")
CJK_SET = "chinese-web-content-extraction"
ENGLISH_SET = "article-extraction-benchmark"
GNE_SET = "gne-chinese-news"
PROJECT_SET = "newsdesk-pages"
PROJECT_PAGES = REPO / "benchmarks" / "pages"

_CJK_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+")
_WORD_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    """One benchmark page with whatever gold its set provides."""

    page_id: str
    body: bytes
    url: str | None = None
    gold_text: str | None = None
    gold_date: str | None = None
    gold_title: str | None = None


@dataclass
class PageSet:
    """A named set of pages and the tokeniser its body metric uses."""

    name: str
    pages: list[Page]
    tokenize: Callable[[str], list[str]]


@dataclass
class Prediction:
    text: str
    title: str | None
    published_at: str | None


@dataclass
class Scores:
    """What one extractor achieved on one set."""

    precision: float
    recall: float
    f1: float
    dates_right: int
    days_right: int
    dates_labelled: int
    titles_right: int
    titles_labelled: int
    ms_per_page: float
    failures: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- metric

def cjk_tokens(text: str) -> list[str]:
    """Each CJK character one token, other runs of word characters one token each."""
    return _CJK_TOKEN.findall(text or "")


def word_tokens(text: str) -> list[str]:
    """Upstream scrapinghub tokenisation: runs of word characters."""
    return _WORD_TOKEN.findall(text or "")


def shingles(tokens: list[str], n: int = 4) -> Counter:
    """Overlapping n-token shingles as a multiset (a short text is one shingle, as upstream)."""
    grams = [" ".join(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(gram for gram in grams if gram)


def page_counts(gold: str, predicted: str, tokenize: Callable[[str], list[str]]) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to one (all zero when both texts are empty)."""
    gold_shingles = shingles(tokenize(gold))
    predicted_shingles = shingles(tokenize(predicted))
    tp = fp = fn = 0
    for key in gold_shingles.keys() | predicted_shingles.keys():
        g, p = gold_shingles.get(key, 0), predicted_shingles.get(key, 0)
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision_recall_f1(counts: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision and recall over pages and the harmonic mean of the two means."""
    precisions, recalls = [], []
    for tp, fp, fn in counts:
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


_GOLD_DATE = re.compile(
    r"^(?:(?P<year>\d{4})(?:[-/年.](?P<month>\d{1,2})(?:[-/月.](?P<day>\d{1,2})日?)?)?"
    r"|(?P<md_month>\d{1,2})月(?P<md_day>\d{1,2})日)"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?)?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


def parse_gold_date(gold: str | None) -> dict[str, int] | None:
    """The fields a gold date gives, or None when the page is unlabelled (UNKNOWN, empty, not a date)."""
    match = _GOLD_DATE.match((gold or "").strip())
    if not match:
        return None
    parts = match.groupdict()
    if parts["md_month"]:
        parts["month"], parts["day"] = parts.pop("md_month"), parts.pop("md_day")
    return {key: int(value) for key, value in parts.items() if value and not key.startswith("md_")}


def date_is_right(gold: dict[str, int], published_at: str | None, *, day_only: bool = False) -> bool:
    """Every field of the gold matches published_at's own wall-clock reading (day_only: ignore the time)."""
    if day_only:
        gold = {key: value for key, value in gold.items() if key in ("year", "month", "day")}
    match = _ISO.match(published_at or "")
    if not match:
        return False
    year, month, day, hour, minute = match.groups()
    ours = {"year": int(year), "month": int(month), "day": int(day)}
    if hour is not None:
        ours.update(hour=int(hour), minute=int(minute))
    return all(ours.get(key) == value for key, value in gold.items())


# ---------------------------------------------------------------------------------------------- data

def load_chinese(root: Path | None = None) -> PageSet | None:
    root = root or DATA / CJK_SET
    if not root.is_dir():
        return None
    pages = []
    for html in sorted((root / "original").glob("*.html")):
        uid = html.stem
        pages.append(Page(
            page_id=uid,
            body=html.read_bytes(),
            gold_text=(root / "cleaned" / f"{uid}.txt").read_text(encoding="utf-8", errors="replace"),
            gold_date=(root / "date" / f"{uid}.txt").read_text(encoding="utf-8", errors="replace").strip(),
        ))
    return PageSet(CJK_SET, pages, cjk_tokens)


def load_english(root: Path | None = None) -> PageSet | None:
    root = root or DATA / ENGLISH_SET
    if not root.is_dir():
        return None
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        Page(page_id=key, body=gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()),
             url=entry.get("url"), gold_text=entry.get("articleBody", ""))
        for key, entry in sorted(truth.items())
    ]
    return PageSet(ENGLISH_SET, pages, word_tokens)


def load_gne(root: Path | None = None) -> PageSet | None:
    """All article and list pages; gold (silver) only for the 20 that GNE saved results for."""
    root = root or DATA / GNE_SET
    if not root.is_dir():
        return None
    truth = json.loads((root / "ground-truth-from-result.json").read_text(encoding="utf-8"))
    pages = []
    for html in sorted([*root.glob("tests/*/*.html"), *root.glob("test_list_page/*/*.html")]):
        key = html.relative_to(root).as_posix()
        entry = truth.get(key)
        pages.append(Page(
            page_id=key,
            body=html.read_bytes(),
            gold_text=entry["content"] if entry else None,
            gold_date=entry["publish_time"] if entry else None,
            gold_title=entry["title"] if entry else None,
        ))
    return PageSet(GNE_SET, pages, cjk_tokens)


def load_project_pages(root: Path | None = None) -> PageSet | None:
    """The project's own pages (benchmarks/pages, written by generate.py): six languages, ten page shapes."""
    root = root or PROJECT_PAGES
    labels_file = root / "labels.json"
    if not labels_file.exists():
        return None
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    pages = [Page(page_id=key, body=(root / f"{key}.html").read_bytes(), url=entry["url"], gold_text=entry["text"],
                  gold_date=entry["date"], gold_title=entry["title"])
             for key, entry in sorted(labels.items())]
    return PageSet(PROJECT_SET, pages, cjk_tokens)


def load_sets() -> list[PageSet]:
    sets = []
    for name, loader in ((CJK_SET, load_chinese), (ENGLISH_SET, load_english), (GNE_SET, load_gne),
                         (PROJECT_SET, load_project_pages)):
        page_set = loader()
        if page_set is None:
            print(f"skipping {name}: {DATA / name} is absent (the shared data folder is not here)")
            continue
        sets.append(page_set)
    return sets


# ---------------------------------------------------------------------------------------------- extractors

def ours(page: Page) -> Prediction:
    from crawler.extraction import extract_bytes

    article = extract_bytes(page.body, page.url)
    return Prediction(article.text, article.title, article.published_at)


def plain_trafilatura(page: Page, text: str | bytes) -> Prediction:
    import trafilatura

    body = trafilatura.extract(text, url=page.url) or ""
    metadata = trafilatura.extract_metadata(text, default_url=page.url)
    return Prediction(body, metadata.title if metadata else None, metadata.date if metadata else None)


def plain_htmldate(page: Page, text: str) -> Prediction:
    """htmldate alone, with its extensive search: dates only."""
    from htmldate import find_date

    return Prediction("", None, find_date(text, url=page.url, extensive_search=True, original_date=True))


def run(page_set: PageSet, name: str) -> tuple[Scores, dict[str, Prediction]]:
    """Run one extractor over a set, timing only the extraction itself."""
    from crawler.formats.charset import decode_html

    # Warm-up, untimed: imports and one-time set-up are a process's cost, not a page's; untimed, they no
    # longer land on whichever set runs first (ours reads non-CJK pages with trafilatura: imported too).
    import trafilatura  # noqa: F401

    first = page_set.pages[0]
    try:
        _predict(first, name, decode_html(first.body)[0] if name in ("trafilatura", "htmldate") else first.body)
    except Exception:  # noqa: BLE001 - the timed run below reports a failure on this page
        pass
    predictions: dict[str, Prediction] = {}
    failures = []
    elapsed = 0.0
    for page in page_set.pages:
        # Plain trafilatura gets the text our charset module decoded (the fair comparison); "traf-bytes"
        # shows what it does with the raw bytes and its own charset guess.
        given = decode_html(page.body)[0] if name in ("trafilatura", "htmldate") else page.body
        start = time.process_time()
        try:
            predictions[page.page_id] = _predict(page, name, given)
        except Exception as error:  # a crash is a result to report, not a reason to stop the benchmark
            failures.append(f"{page.page_id}: {type(error).__name__}: {error}")
            predictions[page.page_id] = Prediction("", None, None)
        elapsed += time.process_time() - start
    return score(page_set, predictions, elapsed, failures), predictions


def _predict(page: Page, name: str, given: str | bytes) -> Prediction:
    if name == "ours":
        return ours(page)
    if name == "htmldate":
        return plain_htmldate(page, given)
    return plain_trafilatura(page, given)


def score(page_set: PageSet, predictions: dict[str, Prediction], elapsed: float, failures: list[str]) -> Scores:
    labelled = [page for page in page_set.pages if page.gold_text is not None]
    counts = [page_counts(page.gold_text, predictions[page.page_id].text, page_set.tokenize) for page in labelled]
    precision, recall, f1 = precision_recall_f1(counts)
    dates = [(parse_gold_date(page.gold_date), page) for page in page_set.pages]
    dates = [(gold, page) for gold, page in dates if gold]
    titles = [page for page in page_set.pages if page.gold_title]
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        dates_right=sum(date_is_right(gold, predictions[page.page_id].published_at) for gold, page in dates),
        days_right=sum(date_is_right(gold, predictions[page.page_id].published_at, day_only=True)
                       for gold, page in dates),
        dates_labelled=len(dates),
        titles_right=sum((predictions[page.page_id].title or "").strip() == page.gold_title.strip()
                         for page in titles),
        titles_labelled=len(titles),
        ms_per_page=1000 * elapsed / max(1, len(page_set.pages)),
        failures=failures,
    )


# ---------------------------------------------------------------------------------------------- report

def print_table(rows: list[tuple[str, str, Scores]], time_ratios: dict[str, float]) -> None:
    header = f"{'set':<36} {'extractor':<12} {'P':>6} {'R':>6} {'F1':>6} {'dates':>8} {'days':>8} {'titles':>7} {'ms/page':>8}"
    print(header)
    print("-" * len(header))
    for set_name, extractor, s in rows:
        dates = f"{s.dates_right}/{s.dates_labelled}" if s.dates_labelled else "-"
        days = f"{s.days_right}/{s.dates_labelled}" if s.dates_labelled else "-"
        dates_only = extractor == "htmldate"  # finds dates, not text or titles
        titles = f"{s.titles_right}/{s.titles_labelled}" if s.titles_labelled and not dates_only else "-"
        body = f"{'-':>6} {'-':>6} {'-':>6}" if dates_only else f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
        print(f"{set_name:<36} {extractor:<12} {body} {dates:>8} {days:>8} {titles:>7} {s.ms_per_page:8.1f}")
    print()
    for set_name, ratio in time_ratios.items():
        print(f"time ours/trafilatura on {set_name}: {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=EXTRACTORS, help="run one extractor only")
    parser.add_argument("--set", dest="sets", action="append", help="limit to the named set(s)")
    parser.add_argument("--dump", type=Path, help="write per-page predictions and scores as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # trafilatura logs every page it cannot parse at ERROR; the table reports what matters.
    for noisy in ("trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    sets = [s for s in load_sets() if not args.sets or s.name in args.sets]
    if not sets:
        print("no benchmark data found; nothing to measure")
        return 0
    extractors = [args.only] if args.only else list(EXTRACTORS)
    rows, ratios, dump = [], {}, {}
    for page_set in sets:
        per_extractor = {}
        for name in extractors:
            scores, predictions = run(page_set, name)
            per_extractor[name] = scores
            rows.append((f"{page_set.name} ({len(page_set.pages)})", name, scores))
            for failure in scores.failures[:5]:
                print(f"FAILED {name} {page_set.name} {failure}")
            if len(scores.failures) > 5:
                print(f"... and {len(scores.failures) - 5} more failures of {name} on {page_set.name}")
            if args.dump:
                dump[f"{page_set.name}/{name}"] = _page_details(page_set, predictions)
        if "ours" in per_extractor and per_extractor.get("trafilatura") and per_extractor["trafilatura"].ms_per_page:
            ratios[page_set.name] = per_extractor["ours"].ms_per_page / per_extractor["trafilatura"].ms_per_page
    print_table(rows, ratios)
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _page_details(page_set: PageSet, predictions: dict[str, Prediction]) -> dict:
    details = {}
    for page in page_set.pages:
        prediction = predictions[page.page_id]
        entry = {"title": prediction.title, "published_at": prediction.published_at,
                 "gold_date": page.gold_date, "gold_title": page.gold_title}
        if page.gold_text is not None:
            tp, fp, fn = page_counts(page.gold_text, prediction.text, page_set.tokenize)
            entry.update(precision=tp / (tp + fp) if tp + fp else None, recall=tp / (tp + fn) if tp + fn else None)
        gold_date = parse_gold_date(page.gold_date)
        if gold_date:
            entry["date_right"] = date_is_right(gold_date, prediction.published_at)
        entry["text"] = prediction.text
        details[page.page_id] = entry
    return details


if __name__ == "__main__":
    sys.exit(main())
