"""`classify evaluate`: cross-validate the blend on editors' decisions; precision, recall, confusion matrix."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import KFold

from crawler.classify.encoder import encoder_for
from crawler.classify.labels import Label
from crawler.classify.rules import SectionRules
from crawler.classify.training import (
    MIN_SECTION_LABELS,
    choose_share,
    model_maker,
    prior_share,
    rule_matrix,
)
from crawler.configuration.sections import Newsletter
from crawler.errors import NewsdeskError

logger = logging.getLogger(__name__)


@dataclass
class Evaluation:
    sections: list[str]
    truth: list[str]
    predicted: list[str]
    rules_predicted: list[str]
    folds: int
    shares: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return _accuracy(self.truth, self.predicted)

    @property
    def rules_accuracy(self) -> float:
        return _accuracy(self.truth, self.rules_predicted)

    def confusion(self) -> list[list[int]]:
        """Rows: the editors' section; columns: the classifier's."""
        index = {name: i for i, name in enumerate(self.sections)}
        matrix = [[0] * len(self.sections) for _ in self.sections]
        for truth, guess in zip(self.truth, self.predicted, strict=True):
            matrix[index[truth]][index[guess]] += 1
        return matrix

    def per_section(self) -> list[tuple[str, float | None, float | None, int]]:
        """(section, precision, recall, support); None where undefined."""
        rows = []
        for name in self.sections:
            tp = sum(1 for t, p in zip(self.truth, self.predicted, strict=True) if t == p == name)
            chosen = sum(1 for p in self.predicted if p == name)
            support = sum(1 for t in self.truth if t == name)
            rows.append((name, tp / chosen if chosen else None, tp / support if support else None, support))
        return rows

    def lines(self) -> list[str]:
        width = max(len(name) for name in self.sections) + 2
        out = [f"{len(self.truth)} stories with an editor's section, {self.folds}-fold cross-validation",
               f"accuracy {self.accuracy:.3f} (rules alone {self.rules_accuracy:.3f}); "
               f"model share in the blend {np.mean(self.shares) if self.shares else 0:.2f}",
               "",
               f"{'section':<{width}} {'precision':>9} {'recall':>7} {'stories':>7}"]
        for name, precision, recall, support in self.per_section():
            fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
            out.append(f"{name:<{width}} {fmt(precision):>9} {fmt(recall):>7} {support:>7}")
        out += ["", "confusion matrix (rows: editors' section, columns: the classifier's)"]
        labels = [str(i + 1) for i in range(len(self.sections))]
        out.append(f"{'':<{width + 4}}" + "".join(f"{label:>6}" for label in labels))
        for i, (name, row) in enumerate(zip(self.sections, self.confusion(), strict=True)):
            out.append(f"{labels[i]:>2}. {name:<{width}}" + "".join(f"{n:>6}" for n in row))
        return out


def _accuracy(truth: list[str], predicted: list[str]) -> float:
    return sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth) if truth else 0.0


def cross_validate(labels: list[Label], newsletter: Newsletter, folds: int = 5, seed: int = 0,
                   make_model=None) -> Evaluation:
    """Each fold is sectioned by the rules blended with a model fitted on the other folds, as a crawl would be."""
    make_model = make_model or model_maker(newsletter)
    sectioned = [label for label in labels if label.section is not None]
    if len(sectioned) < max(folds, MIN_SECTION_LABELS) or len({l.section for l in sectioned}) < 2:
        raise NewsdeskError(f"too few editor decisions to evaluate: {len(sectioned)} stories with a section "
                            f"(need {max(folds, MIN_SECTION_LABELS)} in at least 2 sections)")
    stories = [label.story for label in sectioned]
    truth = [label.section for label in sectioned]
    names = newsletter.section_names()
    rules = SectionRules(newsletter, encoder_for(newsletter))
    rule_probs = rule_matrix(rules, stories, names)
    predicted = [""] * len(stories)
    shares = []
    weight = float(newsletter.classifier["rules_weight_labels"])
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(stories):
        train_stories, train_truth = [stories[i] for i in train], [truth[i] for i in train]
        blended = rule_probs[test].copy()
        if len(set(train_truth)) >= 2 and len(train) >= MIN_SECTION_LABELS:
            share, _ = choose_share(train_stories, train_truth, rules, prior_share(len(train), weight),
                                    make_model=make_model, folds=3, seed=seed)
            model = make_model().fit(train_stories, train_truth)
            learned = np.zeros_like(blended)
            probs = model.predict_proba([stories[i] for i in test])
            for column, name in enumerate(model.classes):
                learned[:, names.index(name)] = probs[:, column]
            blended = (1 - share) * blended + share * learned
            shares.append(share)
        for row, i in enumerate(test):
            predicted[i] = names[int(blended[row].argmax())]
    rules_predicted = [names[int(row.argmax())] for row in rule_probs]
    present = [name for name in names if name in set(truth) | set(predicted)]
    logger.info("evaluated on %s", Counter(truth))
    return Evaluation(present, truth, predicted, rules_predicted, folds, shares)
