"""The classifier of a home: its sections.yaml, its newest model and its cache of section vectors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from crawler.classify.classifier import Classifier
from crawler.classify.encoder import encoder_for
from crawler.classify.section_vectors import cache_folder, section_meanings
from crawler.classify.trained import load_model
from crawler.classify.training import retrain_if_due
from crawler.configuration.sections import Newsletter, load_sections

logger = logging.getLogger(__name__)


def classifier_builder(home_path: Path, newsletter: Newsletter | None = None, *,
                       store=None) -> Callable[[], Classifier]:
    """How to build the home's classifier, with what can fail done now: retrained first when a store is given
    and enough editor decisions have come in since the last model, the newest model read (a damaged one raises
    here). Calling it loads the rules, jieba and the encoder: a crawl's
    workers do that each, while the crawl's first requests go out."""
    newsletter = newsletter or load_sections(home_path / "sections.yaml")
    if store is not None:
        retrain_if_due(home_path, newsletter, store)
    return partial(Classifier, newsletter, load_model(home_path), vectors_cache=cache_folder(home_path))


def home_classifier(home_path: Path, newsletter: Newsletter | None = None) -> Classifier:
    """Build it (once per use: callers keep it as long as they need it)."""
    return classifier_builder(home_path, newsletter)()


def prepare_home_classifier(home_path: Path, newsletter: Newsletter) -> bool:
    """Encode the sections' meanings now and keep them in the home's cache/, so that its first crawl starts at
    once (`newsdesk init`); False when no encoder is installed (sections are read from their words)."""
    encoder = encoder_for(newsletter)
    if encoder is None:
        return False
    section_meanings(newsletter.sections, encoder, cache_folder(home_path))
    return True
