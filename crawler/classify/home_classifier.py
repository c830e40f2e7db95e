"""The classifier of a home: its sections.yaml, its newest model and its cache of section vectors."""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.classify.classifier import Classifier
from crawler.classify.section_vectors import cache_folder
from crawler.classify.trained import load_model
from crawler.classify.training import retrain_if_due
from crawler.configuration.sections import Newsletter, load_sections

logger = logging.getLogger(__name__)


def home_classifier(home_path: Path, newsletter: Newsletter | None = None, *, store=None,
                    may_train: bool = False) -> Classifier:
    """Build it (once per use: callers keep it as long as they need it); with may_train and a store, first
    retrain when enough editor decisions have come in since the last model."""
    newsletter = newsletter or load_sections(home_path / "sections.yaml")
    if may_train and store is not None:
        retrain_if_due(home_path, newsletter, store)
    return Classifier(newsletter, load_model(home_path), vectors_cache=cache_folder(home_path))
