"""Section classifier benchmark: the learning curve of Newsdesk's classifier beside a plain baseline.

Run `python benchmarks/classify.py` (`--quick` for THUCNews's 100 and 1,000 points only; `--set tnews` or
`--set thucnews` for one data set; `--precision fp32` to run the encoder's graph in another precision than
crawler/classify/encoder.py's PRECISION). Data is read from ../shared/data (never copied into the project); a
missing set is reported and skipped.

- THUCNews titles (10 balanced classes): dev.txt is shuffled once with a fixed seed (SEED); the first N
  titles (N = 100, 1,000, 10,000) are the labels, test.txt (10,000 titles) is the test set.
- CLUE TNEWS dev.json (4,928 titles, 15 unbalanced classes): 5-fold cross-validation, folds from SEED.

Each point runs, in this process, on the same labels and the same test titles:

- baseline: TF-IDF over character 1-3-grams (scikit-learn defaults) with LinearSVC (defaults);
- newsdesk: what `newsdesk classify train` builds and a crawl then uses: the rules of a sections.yaml that
  describes the classes (benchmarks/sections/*.yaml: a description and general keywords per class, written
  from the class names, nothing mined from the data), blended with the learned model (TF-IDF over jieba
  words and character 1-3-grams plus the features of the installed encoder, m3e-small; linear SVM and
  complement naive Bayes), the blend chosen by cross-validation on the labels alone
  (`crawler.classify.training.fit`);
- model only and rules only: the two halves of newsdesk, to show what each contributes;
- words only: newsdesk with `encoder: none`, to show what the encoder adds.

Throughput is stories classified per second once trained (the whole test set in one batch, one process;
encoding the test titles included: the encoder's cache is emptied first); training time is the seconds
`fit` took, encoding the labelled titles and the blend's cross-validation included.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from crawler.classify import encoder as encoder_module  # noqa: E402
from crawler.classify.classifier import Classifier  # noqa: E402
from crawler.classify.encoder import encoder_for  # noqa: E402
from crawler.classify.encoder_graph import QUANTISED  # noqa: E402
from crawler.classify.labels import Label  # noqa: E402
from crawler.classify.model import TextModel  # noqa: E402
from crawler.classify.text import StoryText  # noqa: E402
from crawler.classify.trained import TrainedModel  # noqa: E402
from crawler.classify.training import fit  # noqa: E402
from crawler.configuration.sections import Newsletter, load_sections  # noqa: E402

logger = logging.getLogger(__name__)

SEED = 20240
THUCNEWS = DATA / "thucnews-titles" / "THUCNews" / "data"
TNEWS = DATA / "clue-tnews" / "tnews_public" / "dev.json"
SECTIONS = REPO / "benchmarks" / "sections"
CURVE = (100, 1_000, 10_000)


@dataclass
class Point:
    data: str
    labels: int
    test: int
    baseline: float
    newsdesk: float
    model_only: float
    rules_only: float
    words_only: float
    share: float
    train_seconds: float
    stories_per_second: float
    baseline_stories_per_second: float


def read_thucnews(name: str) -> tuple[list[str], list[str]]:
    classes = (THUCNEWS / "class.txt").read_text(encoding="utf-8").split()
    titles, labels = [], []
    for line in (THUCNEWS / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            title, label = line.rsplit("\t", 1)
            titles.append(title)
            labels.append(classes[int(label)])
    return titles, labels


def read_tnews() -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in TNEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["sentence"] for row in rows], [row["label_desc"] for row in rows]


def accuracy(truth: list[str], predicted: list[str]) -> float:
    return float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)]))


def baseline(train: list[str], labels: list[str], test: list[str]) -> tuple[list[str], float]:
    """The plain baseline; returns its predictions and its test throughput."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    model = LinearSVC().fit(vectorizer.fit_transform(train), labels)
    started = time.perf_counter()
    predicted = list(model.predict(vectorizer.transform(test)))
    return predicted, len(test) / (time.perf_counter() - started)


def point(data: str, newsletter: Newsletter, train: list[str], labels: list[str], test: list[str],
          truth: list[str]) -> Point:
    base, base_speed = baseline(train, labels, test)
    stories = [StoryText.of(title, "") for title in test]
    decided = [Label(i, StoryText.of(t, ""), label, None, i) for i, (t, label) in
               enumerate(zip(train, labels, strict=True))]
    started = time.perf_counter()
    trained = fit(decided, newsletter)
    train_seconds = time.perf_counter() - started
    encoder = encoder_for(newsletter)
    if encoder is not None:
        encoder.forget()          # throughput counts encoding the test titles, as a crawl encodes new stories
    started = time.perf_counter()
    ours = [d.section for d in Classifier(newsletter, trained).decide_many(stories)]
    speed = len(test) / (time.perf_counter() - started)
    model_only = TrainedModel("model only", trained.section_model, 1.0, None, 0.0)
    alone = [d.section for d in Classifier(newsletter, model_only).decide_many(stories)]
    rules = [d.section for d in Classifier(newsletter).decide_many(stories)]
    words_model = fit(decided, newsletter, make_model=partial(TextModel, encoder=None))
    words = [d.section for d in Classifier(newsletter, words_model).decide_many(stories)]
    return Point(data, len(train), len(test), accuracy(truth, base), accuracy(truth, ours),
                 accuracy(truth, alone), accuracy(truth, rules), accuracy(truth, words), trained.section_share,
                 train_seconds, speed, base_speed)


def thucnews_curve(sizes: tuple[int, ...]) -> list[Point]:
    titles, labels = read_thucnews("dev.txt")
    order = list(range(len(titles)))
    random.Random(SEED).shuffle(order)
    titles, labels = [titles[i] for i in order], [labels[i] for i in order]
    test, truth = read_thucnews("test.txt")
    newsletter = load_sections(SECTIONS / "thucnews.yaml")
    points = []
    for n in sizes:
        points.append(point("THUCNews", newsletter, titles[:n], labels[:n], test, truth))
        print_point(points[-1])
    return points


def tnews_folds(folds: int = 5) -> Point:
    titles, labels = read_tnews()
    newsletter = load_sections(SECTIONS / "tnews.yaml")
    runs = []
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=SEED).split(titles):
        runs.append(point("TNEWS", newsletter, [titles[i] for i in train], [labels[i] for i in train],
                          [titles[i] for i in test], [labels[i] for i in test]))
    mean = lambda name: float(np.mean([getattr(r, name) for r in runs]))  # noqa: E731
    return Point(f"TNEWS {folds}-fold", round(mean("labels")), round(mean("test")), mean("baseline"),
                 mean("newsdesk"), mean("model_only"), mean("rules_only"), mean("words_only"), mean("share"),
                 mean("train_seconds"),
                 mean("stories_per_second"), mean("baseline_stories_per_second"))


HEADER = (f"{'data':<14} {'labels':>7} {'test':>6} {'baseline':>9} {'newsdesk':>9} {'model':>7} {'rules':>7} "
          f"{'words':>7} {'share':>6} {'train s':>8} {'stories/s':>10} {'base/s':>8}")


def print_point(p: Point) -> None:
    print(f"{p.data:<14} {p.labels:>7,} {p.test:>6,} {p.baseline:>9.4f} {p.newsdesk:>9.4f} {p.model_only:>7.4f} "
          f"{p.rules_only:>7.4f} {p.words_only:>7.4f} {p.share:>6.2f} {p.train_seconds:>8.1f} "
          f"{p.stories_per_second:>10,.0f} {p.baseline_stories_per_second:>8,.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="THUCNews at 100 and 1,000 labels only, no TNEWS")
    parser.add_argument("--set", choices=("all", "thucnews", "tnews"), default="all", help="which data set to run")
    parser.add_argument("--precision", choices=("fp32", *QUANTISED), help="the encoder's graph precision "
                        f"(default: {encoder_module.PRECISION}, crawler/classify/encoder.py)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.precision:
        encoder_module.PRECISION = args.precision    # read when the encoder loads; this process only
    encoder = encoder_for(load_sections(SECTIONS / "thucnews.yaml"))
    print(f"encoder: {encoder.identity if encoder else 'none'}")
    print(HEADER)
    if args.set in ("all", "thucnews"):
        if THUCNEWS.exists():
            thucnews_curve(CURVE[:2] if args.quick else CURVE)
        else:
            print(f"THUCNews: {THUCNEWS} is absent; skipped")
    if args.quick or args.set == "thucnews":
        return
    if TNEWS.exists():
        print_point(tnews_folds())
    else:
        print(f"TNEWS: {TNEWS} is absent; skipped")

if __name__ == "__main__":
    main()
