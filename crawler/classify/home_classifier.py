"""The classifier of a home: its sections.yaml, its newest model and its cache of section vectors."""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.classify.classifier import Classifier
from crawler.classify.encoder import encoder_for
from crawler.classify.section_vectors import cache_folder, section_meanings
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


def prepare_home_classifier(home_path: Path, newsletter: Newsletter) -> bool:
    """Encode the sections' meanings now and keep them in the home's cache/, so that its first crawl starts at
    once (`newsdesk init`); False when no encoder is installed (sections are read from their words)."""
    encoder = encoder_for(newsletter)
    if encoder is None:
        return False
    section_meanings(newsletter.sections, encoder, cache_folder(home_path))
    return True
