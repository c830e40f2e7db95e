"""Near-duplicate benchmark: pairwise precision and recall on a syndication corpus, the time per new article
with 10,000 and with 200,000 stories stored, and the process's peak memory, in one run.

Run `python benchmarks/dedup.py` (about 6-8 minutes on 2 cores; `--quick` stops at 20,000). It reads
../shared/data (see benchmarks/syndication_corpus.py) and writes only a temporary database.

1. Precision and recall: every article of the corpus (about 2,900 stories, 8,200 articles) goes, in
   the order of publication, through the crawl's own DuplicatePipeline and StorePipeline into a fresh
   newsdesk.db. Pairs are counted over all articles: a pair is true when both belong to one story,
   predicted when both end in one cluster. Recall per kind of reprint and false merges per kind of
   hard negative are printed too.
2. Time per new article: the store is filled with generated stories (synthetic_texts, dated within the
   window, so that every one of them is a candidate for every lookup: the worst case for the index),
   bulk-inserted through Store.add_candidates with the same fingerprints the pipeline writes. At 10,000
   and again at 200,000 stored, QUERIES new articles (half of them reprints of stored stories, half new
   stories) go through the two pipeline stages one at a time, each its own transaction as in a crawl;
   the mean and median of their wall-clock times are compared. Their clustering is scored as well.
3. Memory: ru_maxrss of this process at the end (the corpus, the generator and SQLite's cache included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from syndication_corpus import CHINA, Context, build_corpus, load_material, reprint, synthetic_texts  # noqa: E402

from crawler.dedup.exact import text_hash  # noqa: E402
from crawler.crawl.items import Candidate  # noqa: E402
from crawler.dedup.near_duplicates import DEFAULT_WINDOW_DAYS, index_entry  # noqa: E402
from crawler.crawl.pipelines import DuplicatePipeline, StorePipeline  # noqa: E402
from crawler.dedup.fingerprints import fingerprint  # noqa: E402
from db import Store  # noqa: E402

logger = logging.getLogger(__name__)

QUERIES = 400
PARTS = (("find", "finding copies (DuplicatePipeline)"), ("store", "storing (StorePipeline: row, search index, "
         "fingerprints, commit)"), ("total", "per new article"))
WARM_UP = 20
TARGETS = 2000         # stored stories kept in memory as the ones queries reprint
BULK_BATCH = 5000


def candidate(number: int, outlet: str, title: str, text: str, published: dt.datetime) -> Candidate:
    url = f"https://{outlet}.example.cn/a/{number}.html"
    return Candidate(source=outlet, url=url, fetched_url=url, title=title, text=text,
                     published_at=published.isoformat(timespec="seconds"), outlet=outlet, text_hash=text_hash(text))


class Desk:
    """A fresh store and the crawl's own dedup and store stages on it."""

    def __init__(self, folder: Path) -> None:
        self.store = Store(folder / "newsdesk.db")
        self.find_copies = DuplicatePipeline(self.store, DEFAULT_WINDOW_DAYS)
        self.queue = StorePipeline(self.store)
        self.numbers = iter(range(10**9))

    def add(self, outlet: str, title: str, text: str, published: dt.datetime) -> tuple[int, float, float]:
        """One article through both stages; (its id, seconds finding copies, seconds storing)."""
        item = candidate(next(self.numbers), outlet, title, text, published)
        began = time.perf_counter()
        self.find_copies.process_item(item)
        found = time.perf_counter()
        self.queue.process_item(item)
        return item.id, found - began, time.perf_counter() - found

    def bulk(self, texts: list[str], rng: random.Random, now: dt.datetime) -> list[int]:
        items = []
        for text in texts:
            published = now - dt.timedelta(minutes=rng.randrange(28 * 24 * 60))
            item = candidate(next(self.numbers), f"bg{rng.randrange(500)}", "background", text, published)
            items.append((item.store_fields(), index_entry(fingerprint(text))))
        return [id for id, _ in self.store.add_candidates(items)]

    def clusters(self) -> dict[int, int]:
        return dict(self.store.conn.execute("SELECT id, cluster_id FROM candidates"))

    def count(self) -> int:
        return self.store.conn.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]


def pairwise(truth: dict[int, int], predicted: dict[int, int]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true pairs, predicted pairs, correct pairs) over the articles in truth."""
    cells = Counter((truth[a], predicted[a]) for a in truth)
    stories = Counter(truth.values())
    clusters = Counter(predicted[a] for a in truth)
    correct = sum(comb(n, 2) for n in cells.values())
    true_pairs = sum(comb(n, 2) for n in stories.values())
    predicted_pairs = sum(comb(n, 2) for n in clusters.values())
    return (correct / predicted_pairs if predicted_pairs else 1.0, correct / true_pairs if true_pairs else 1.0,
            true_pairs, predicted_pairs, correct)


def corpus_run(desk: Desk, material) -> dict:
    articles = build_corpus(material)
    truth, kinds, times = {}, {}, []
    for article in articles:
        id, finding, storing = desk.add(article.outlet, article.title, article.text, article.published_at)
        truth[id], kinds[id] = article.story, article.kind
        times.append(finding + storing)
    predicted = desk.clusters()
    precision, recall, true_pairs, predicted_pairs, correct = pairwise(truth, predicted)
    original_cluster = {truth[id]: predicted[id] for id in truth if kinds[id] == "original"}
    joined: dict[str, list[bool]] = defaultdict(list)
    for id, kind in kinds.items():
        if kind not in ("original", "quotes a paragraph", "reports the same event"):
            for edit in kind.split("+"):
                joined[edit].append(predicted[id] == original_cluster[truth[id]])
    members = defaultdict(set)
    for id in truth:
        members[predicted[id]].add(truth[id])
    merged_wrongly = Counter(kinds[id] for id in truth if len(members[predicted[id]]) > 1
                             and kinds[id] in ("quotes a paragraph", "reports the same event", "original"))
    return {"articles": len(articles), "stories": len(set(truth.values())), "precision": precision,
            "recall": recall, "true_pairs": true_pairs, "predicted_pairs": predicted_pairs, "correct": correct,
            "by_edit": {k: (sum(v), len(v)) for k, v in sorted(joined.items())},
            "merged_wrongly": dict(merged_wrongly), "negatives": Counter(kinds.values()),
            "mean_ms": 1000 * statistics.mean(times)}


def query_run(desk: Desk, targets: list[tuple[int, str]], fresh: list[str], rng: random.Random,
              now: dt.datetime) -> dict:
    """QUERIES/2 reprints of stored stories and QUERIES/2 new ones, timed one at a time."""
    ctx = Context(False, iter(text[:30] + "。" for text in fresh[QUERIES // 2:] * 4))
    plan = [("copy", target) for target in rng.sample(targets, QUERIES // 2)]
    plan += [("new", (None, text)) for text in fresh[: QUERIES // 2]]
    rng.shuffle(plan)
    for text in fresh[-WARM_UP:]:   # untimed: the first lookups after a fill read cold pages
        desk.add("warm-up", "warm-up", text, now)
    finding, storing, outcome = [], [], Counter()
    before = desk.clusters()
    for kind, (target, text) in plan:
        if kind == "copy":
            paragraphs, _ = reprint(text.split("\n"), rng, ctx)
            text = "\n".join(paragraphs)
        id, find_s, store_s = desk.add(f"q{rng.randrange(50)}", "query", text,
                                       now - dt.timedelta(hours=rng.uniform(0, 48)))
        finding.append(find_s)
        storing.append(store_s)
        cluster = desk.store.get_candidate(id)["cluster_id"]
        if kind == "copy":
            outcome["copy joined" if cluster == before[target] else "copy missed"] += 1
        else:
            alone = desk.store.conn.execute("SELECT COUNT(*) FROM candidates WHERE cluster_id = ?",
                                            [cluster]).fetchone()[0] == 1   # story ids are not candidate ids
            outcome["new stayed new" if alone else "new merged wrongly"] += 1
    total = [a + b for a, b in zip(finding, storing, strict=True)]
    return {"stored": desk.count() - QUERIES - WARM_UP, "outcome": dict(outcome),
            **{part: _summary(times) for part, times in (("find", finding), ("store", storing), ("total", total))}}


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"mean": 1000 * statistics.mean(ordered), "median": 1000 * statistics.median(ordered),
            "p95": 1000 * ordered[int(0.95 * len(ordered))]}


def fill(desk: Desk, texts, upto: int, rng: random.Random, now: dt.datetime,
         targets: list[tuple[int, str]], seen: list[int]) -> float:
    """Bulk-insert generated stories until upto are stored; keeps a sample as reprint targets."""
    began = time.perf_counter()
    while (missing := upto - desk.count()) > 0:
        batch = [next(texts) for _ in range(min(BULK_BATCH, missing))]
        for id, text in zip(desk.bulk(batch, rng, now), batch, strict=True):
            seen[0] += 1   # reservoir sampling: every stored story equally likely to be reprinted
            if len(targets) < TARGETS:
                targets.append((id, text))
            elif (slot := rng.randrange(seen[0])) < TARGETS:
                targets[slot] = (id, text)
    # Steady state for the timing: the bulk inserts' write-ahead log folded into the database, as
    # SQLite's automatic checkpoints keep it during a crawl.
    desk.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()   # and the bulk load written out, so that its write-back does not stall the timed commits
    return time.perf_counter() - began


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 20,000 stored instead of 200,000")
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    args = parser.parse_args(argv)
    sizes = (10_000, 20_000 if args.quick else 200_000)
    try:
        material = load_material()
    except FileNotFoundError as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return 2
    rng = random.Random(5)
    now = dt.datetime.now(CHINA)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        desk = Desk(folder)
        began = time.perf_counter()
        corpus = corpus_run(desk, material)
        print(f"corpus: {corpus['stories']} stories, {corpus['articles']} articles "
              f"({corpus['negatives']['quotes a paragraph']} quote a paragraph of another, "
              f"{corpus['negatives']['reports the same event']} report another's event separately), "
              f"{time.perf_counter() - began:.0f} s")
        print(f"  pairwise precision {corpus['precision']:.4f}  recall {corpus['recall']:.4f}  "
              f"({corpus['correct']} of {corpus['true_pairs']} true pairs found, "
              f"{corpus['predicted_pairs'] - corpus['correct']} wrong pairs)")
        print("  reprints joining their story, by edit: " + ", ".join(
            f"{edit} {joined}/{total}" for edit, (joined, total) in corpus["by_edit"].items()))
        print(f"  articles in a cluster holding another story: {corpus['merged_wrongly'] or 'none'}")
        print(f"  mean time per article {corpus['mean_ms']:.2f} ms (store of up to {corpus['articles']})")

        texts = synthetic_texts(material, sizes[-1] + 2 * (QUERIES + WARM_UP) * len(sizes))
        targets: list[tuple[int, str]] = []
        seen = [0]
        results = {}
        for size in sizes:
            seconds = fill(desk, texts, size, rng, now, targets, seen)
            print(f"filled to {desk.count():,} stored in {seconds:.0f} s")
            fresh = [next(texts) for _ in range(QUERIES + WARM_UP)]
            results[size] = query_run(desk, targets, fresh, rng, now)
            r = results[size]
            print(f"  {QUERIES} new articles with {r['stored']:,} stored: {r['outcome']}")
            for part, label in PARTS:
                print(f"    {label}: mean {r[part]['mean']:.2f} ms, median {r[part]['median']:.2f} ms, "
                      f"p95 {r[part]['p95']:.2f} ms")
        small, large = (results[s] for s in sizes)
        for part, label in PARTS:
            print(f"ratio {sizes[1]:,}/{sizes[0]:,} {label}: mean {large[part]['mean'] / small[part]['mean']:.2f}, "
                  f"median {large[part]['median'] / small[part]['median']:.2f}")
        size_mb = sum(p.stat().st_size for p in folder.glob("newsdesk.db*")) / 2**20
        print(f"database {size_mb:.0f} MB; peak memory (ru_maxrss) {peak_mb():.0f} MB; "
              f"total {time.perf_counter() - began:.0f} s")
        desk.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
