"""The desk at a busy desk's size: server time of the queue, search and decisions at 10,000 and 200,000 candidates.

Run `python benchmarks/review.py` (about 5 minutes on 2 cores; `--quick` stops at 10,000). It reads
../shared/data for Chinese text (see benchmarks/syndication_corpus.py) and writes only a temporary database.

The store: stories with 1 to 5 copies (a third of them reprinted 2-5 times), 200 sources, the four sections,
statuses mixed (60% pending, 20% approved, 10% rejected, 10% filtered), dates over 180 days, Chinese
headlines (THUCNews, TNEWS) and bodies of 500-2,000 generated characters (an order-2 Markov chain over
the human-cleaned Chinese pages). Stored through Store.add_candidates as a crawl stores them (the story,
its listing row and its search words in the same transaction), 1,000 to a transaction.

Timed in this process with a warm cache, REPEATS times each, median and p95 in milliseconds of the call the
desk's route makes (review/): the queue's first page; a page deep in one section (50 pages in); a search for
a two-character and a four-character word; the tab counts; an approve and a move (each a fresh story, one
transaction, at the version the editor saw). The baseline, run on the same database: the query this
replaced, which ranked every copy of every story (a window over all candidates) on each request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from newsdesk.numeric_threads import limit_numeric_threads  # noqa: E402

limit_numeric_threads()

from crawler.configuration.home import Home, init_home  # noqa: E402
from db import Store, stories  # noqa: E402
from db.candidates import insert  # noqa: E402
from review import actions  # noqa: E402
from review.queue import QueueFilter, counts, page  # noqa: E402
from syndication_corpus import load_material, synthetic_texts  # noqa: E402

SIZES = tuple(int(n) for n in os.environ.get("REVIEW_BENCH_SIZES", "10000,200000").split(","))
SECTIONS = ("政策要闻", "区域实践", "会议论坛", "科技前沿")
STATUSES = ["pending"] * 6 + ["approved"] * 2 + ["rejected", "filtered"]
SOURCES = [f"source-{n:03d}" for n in range(200)]
REPEATS = 30
BATCH = 1000
CHINA = dt.timezone(dt.timedelta(hours=8))

# What the queue did before stories carried their listing (kept here as the baseline).
BASELINE_QUEUE = """
WITH places AS (
    SELECT id, cluster_id, ROW_NUMBER() OVER (PARTITION BY cluster_id ORDER BY authority DESC,
        julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id) AS place FROM candidates)
SELECT c.*, s.status, s.section FROM candidates c JOIN places p ON p.id = c.id AND p.place = 1
JOIN stories s ON s.id = c.cluster_id WHERE s.status = 'pending'
ORDER BY julianday(c.published_at) DESC NULLS LAST, c.id DESC LIMIT 50
"""


def fill(store: Store, upto: int, titles: list[str], bodies, rng: random.Random, now: dt.datetime) -> None:
    """Stories with their copies until `upto` candidates are stored."""
    stored = store.counts()["candidates"]
    number = stored
    while stored < upto:
        batch = []
        while len(batch) < min(BATCH, upto - stored):
            copies = rng.randint(2, 5) if rng.random() < 1 / 3 else 1
            published = now - dt.timedelta(days=rng.uniform(0, 180))
            title, body = rng.choice(titles), next(bodies) + "\n" + next(bodies)
            status = rng.choice(STATUSES)
            batch.append([(number := number + 1, title, body, published, status, copy)
                          for copy in range(min(copies, upto - stored - len(batch)))])
            if len(batch) >= BATCH:
                break
        with store._writing():
            for story in batch:
                story_id = None
                for n, title, body, published, status, copy in story:
                    fields = {"url": f"https://news{n % 200}.example.cn/{n}.html", "source": rng.choice(SOURCES),
                              "outlet": f"outlet-{rng.randrange(400)}", "title": title, "text": body,
                              "published_at": (published + dt.timedelta(hours=copy * 3)).isoformat(),
                              "section": rng.choice(SECTIONS), "status": "filtered" if status == "filtered" else "pending",
                              "relevance": rng.random(), "section_confidence": rng.random(), "cluster_id": story_id}
                    id, _ = insert(store.conn, fields, None)   # the store's own insert, in this batch's transaction
                    story_id = story_id or store.get_candidate(id)["cluster_id"]
                if status in ("approved", "rejected"):
                    stories.decide(store.conn, story_id, candidate_id=id, actor="bench", status=status)
        stored += sum(len(story) for story in batch)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("ANALYZE")


def timed(call, repeats: int = REPEATS) -> tuple[float, float]:
    """(median, p95) in ms of repeated calls."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def measure(store: Store, home: Home, rng: random.Random) -> dict[str, tuple[float, float]]:
    newsletter = home.sections()
    deep_filter = QueueFilter(section="区域实践")
    cursor = None
    for _ in range(50):
        cursor = page(store, newsletter, deep_filter, cursor=cursor).next_cursor
    pending = [row["story_id"] for row in page(store, newsletter, QueueFilter(), limit=REPEATS * 2 + 10).rows]
    decisions = iter(pending)

    def decide(action: str, section: str | None = None) -> None:
        story_id = next(decisions)
        actions.decide_story(store, newsletter, story_id, action, section=section, actor="bench",
                             version=store.story(story_id)["version"])

    figures = {
        "queue, first page": timed(lambda: page(store, newsletter, QueueFilter())),
        "a page 50 pages deep in a section": timed(lambda: page(store, newsletter, deep_filter, cursor=cursor)),
        "search 数据 (2 characters)": timed(lambda: page(store, newsletter, QueueFilter(q="数据"))),
        "search 数字经济 (4 characters)": timed(lambda: page(store, newsletter, QueueFilter(q="数字经济"))),
        "tab counts": timed(lambda: counts(store)),
        "approve": timed(lambda: decide("approve")),
        "move": timed(lambda: decide("move", section=rng.choice(SECTIONS))),
    }
    figures["baseline: queue ranking every copy"] = timed(lambda: store.conn.execute(BASELINE_QUEUE).fetchall(), 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 candidates")
    args = parser.parse_args(argv)
    material = load_material()
    titles = material.headlines
    bodies = synthetic_texts(material, 10**7)
    rng = random.Random(20261201)
    now = dt.datetime(2026, 11, 20, 12, tzinfo=CHINA)
    results = {}
    with tempfile.TemporaryDirectory(dir=REPO.parent) as folder:
        home = Home(Path(folder) / "home")
        init_home(home)
        with Store(home.database) as store:
            for size in SIZES[:1] if args.quick else SIZES:
                began = time.perf_counter()
                fill(store, size, titles, bodies, rng, now)
                print(f"filled {size:,} candidates in {time.perf_counter() - began:.0f} s", flush=True)
                results[size] = measure(store, home, rng)
                counted = store.counts()
                size_kb = os.path.getsize(home.database) / 1024 / counted["candidates"]
                results[size]["database KB per candidate"] = (size_kb, size_kb)
                print(f"  {counted['stories']:,} stories; database {size_kb:.1f} KB per candidate", flush=True)
    sizes = list(results)
    print()
    print("| call | " + " | ".join(f"{s:,}: median ms | p95 ms" for s in sizes) + " |")
    print("|---|" + "---|---|" * len(sizes))
    for name in results[sizes[0]]:
        cells = " | ".join(f"{results[s][name][0]:.2f} | {results[s][name][1]:.2f}" for s in sizes)
        print(f"| {name} | {cells} |")
    last = results[sizes[-1]]
    print(f"\nfirst page against the baseline at {sizes[-1]:,}: "
          f"{last['queue, first page'][0] / last['baseline: queue ranking every copy'][0]:.4f}x its time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
