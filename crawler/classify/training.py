"""Fit the model on editors' decisions, choose how much it counts against the rules, and store a new version."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from crawler.classify.encoder import encoder_for
from crawler.classify.labels import Label, labels_from
from crawler.classify.model import TextModel
from crawler.classify.rules import SectionRules
from crawler.classify.section_vectors import cache_folder
from crawler.classify.text import StoryText
from crawler.classify.trained import (
    NOT_RELEVANT,
    RELEVANT,
    TrainedModel,
    latest_manifest,
    save_model,
)
from crawler.configuration.sections import Newsletter
from crawler.errors import NewsdeskError
from db import clock

logger = logging.getLogger(__name__)

MIN_SECTION_LABELS = 6       # fewer, and the rules alone do better than any model
MIN_PER_RELEVANCE = 3        # of each kind (relevant / rejected) before relevance is learned
SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
CROSS_VALIDATE_FROM = 30     # labels from which the blend is chosen by cross-validation


def prior_share(labels: int, rules_weight_labels: float) -> float:
    """Trust in the model before it can be measured: half the weight at rules_weight_labels labels."""
    if rules_weight_labels <= 0:
        return 1.0
    return labels / (labels + rules_weight_labels)


def model_maker(newsletter: Newsletter):
    """A function making an unfitted TextModel that reads with the newsletter's encoder."""
    return partial(TextModel, encoder=encoder_for(newsletter))


def rule_matrix(rules: SectionRules, stories: list[StoryText], classes: list[str]) -> np.ndarray:
    """The rules' probabilities for each story over the model's classes."""
    rows = []
    for story in stories:
        probabilities = rules.probabilities(rules.score(story))
        rows.append([probabilities.get(name, 0.0) for name in classes])
    return np.array(rows)


def choose_share(stories: list[StoryText], sections: list[str], rules: SectionRules, prior: float,
                 make_model=TextModel, folds: int = 5, seed: int = 0) -> tuple[float, dict[float, float]]:
    """The model's share in the blend that cross-validates best (ties: the one nearest the prior)."""
    from sklearn.model_selection import KFold   # not at import: a crawl without training never needs it

    counts = Counter(sections)
    if len(sections) < CROSS_VALIDATE_FROM or len(counts) < 2:
        return prior, {}
    truth = np.array(sections)
    classes = sorted(counts)
    rule_probs = rule_matrix(rules, stories, classes)
    model_probs = np.zeros_like(rule_probs)
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(stories):
        train_labels = [sections[i] for i in train]
        if len(set(train_labels)) < 2:
            model_probs[test] = rule_probs[test]
            continue
        model = make_model().fit([stories[i] for i in train], train_labels)
        predicted = model.predict_proba([stories[i] for i in test])
        for column, name in enumerate(model.classes):
            model_probs[test, classes.index(name)] = predicted[:, column]
    accuracy = {}
    for share in SHARES:
        blended = (1 - share) * rule_probs + share * model_probs
        accuracy[share] = float((np.array(classes)[blended.argmax(1)] == truth).mean())
    best = max(accuracy.values())
    share = min((s for s, a in accuracy.items() if a >= best - 1e-9), key=lambda s: abs(s - prior))
    return share, accuracy


@dataclass
class Training:
    model: TrainedModel
    path: Path
    section_labels: int
    relevance_labels: int


def fit(labels: list[Label], newsletter: Newsletter, *, make_model=None,
        vectors_cache: Path | None = None) -> TrainedModel:
    """A TrainedModel from labels; NewsdeskError when there are too few to learn anything."""
    make_model = make_model or model_maker(newsletter)
    weight = float(newsletter.classifier["rules_weight_labels"])
    sectioned = [label for label in labels if label.section is not None]
    sections = [label.section for label in sectioned]
    section_model, section_share, cv = None, 0.0, {}
    if len(sectioned) >= MIN_SECTION_LABELS and len(set(sections)) >= 2:
        stories = [label.story for label in sectioned]
        rules = SectionRules(newsletter, encoder_for(newsletter), vectors_cache=vectors_cache)
        section_share, cv = choose_share(stories, sections, rules, prior_share(len(sectioned), weight),
                                         make_model=make_model)
        section_model = make_model().fit(stories, sections)
    judged = [label for label in labels if label.relevant is not None]
    verdicts = Counter(label.relevant for label in judged)
    relevance_model, relevance_share = None, 0.0
    if verdicts[True] >= MIN_PER_RELEVANCE and verdicts[False] >= MIN_PER_RELEVANCE:
        relevance_model = make_model().fit([label.story for label in judged],
                                           [RELEVANT if label.relevant else NOT_RELEVANT for label in judged])
        relevance_share = prior_share(len(judged), weight)
    if section_model is None and relevance_model is None:
        raise NewsdeskError(
            f"too few editor decisions to learn from: {len(sectioned)} stories with a section "
            f"(need {MIN_SECTION_LABELS} in at least 2 sections) and {verdicts[True]} kept / "
            f"{verdicts[False]} rejected (need {MIN_PER_RELEVANCE} of each); approve, move or reject more stories"
        )
    manifest = {
        "trained_at": clock.utc_now(),
        "labels": len(labels),
        "section_labels": dict(sorted(Counter(sections).items())),
        "relevance_labels": {"kept": verdicts[True], "rejected": verdicts[False]},
        "section_share": round(section_share, 3),
        "relevance_share": round(relevance_share, 3),
        "cross_validated_accuracy_by_share": {str(k): round(v, 4) for k, v in cv.items()},
        "last_log_id": max((label.log_id for label in labels), default=0),
        "sections": newsletter.section_names(),
        "encoder": next((m.encoder_identity for m in (section_model, relevance_model) if m is not None), None),
    }
    return TrainedModel("unsaved", section_model, section_share, relevance_model, relevance_share, manifest)


def train(home_path: Path, newsletter: Newsletter, store) -> Training:
    """Fit on every decision so far and save the next model version in the home."""
    labels = labels_from(store.decided_stories(), newsletter.section_names())
    model = fit(labels, newsletter, vectors_cache=cache_folder(home_path))
    path = save_model(home_path, model)
    return Training(model, path, sum(1 for l in labels if l.section), sum(1 for l in labels if l.relevant is not None))


def decisions_since_last_model(home_path: Path, store) -> int:
    manifest = latest_manifest(home_path) or {}
    return store.decisions_since(int(manifest.get("last_log_id", 0)))


def retrain_if_due(home_path: Path, newsletter: Newsletter, store) -> Training | None:
    """Train when retrain_after editor decisions have come in since the last model (0: never here)."""
    every = int(newsletter.classifier["retrain_after"])
    if every <= 0:
        return None
    waiting = decisions_since_last_model(home_path, store)
    if waiting < every:
        return None
    try:
        training = train(home_path, newsletter, store)
    except NewsdeskError as exc:
        logger.info("not retraining yet: %s", exc)
        return None
    logger.warning("retrained the classifier on %d new decisions: %s", waiting, training.model.version)
    return training
