"""ClassifyPipeline: give each candidate a section, a confidence, a relevance and the reasons; filter off-topic ones."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.exceptions import NotConfigured

from crawler.classify.classifier import Classifier
from crawler.classify.section_vectors import cache_folder
from crawler.classify.trained import load_model, versions
from crawler.classify.training import retrain_if_due
from crawler.configuration.sections import load_sections
from crawler.crawl.items import Candidate
from crawler.crawl.shared_store import crawl_store

logger = logging.getLogger(__name__)

# Every crawler of a run (one per source) shares one classifier: jieba and the model load once.
_classifiers: dict[tuple, Classifier] = {}


def home_classifier(home_path: Path, store=None, *, may_train: bool = False) -> Classifier:
    """The home's sections.yaml and newest model; first retrained when enough decisions are waiting."""
    sections_file = home_path / "sections.yaml"
    newsletter = load_sections(sections_file)
    if may_train and store is not None:
        retrain_if_due(home_path, newsletter, store)
    available = versions(home_path)
    key = (str(home_path.resolve()), sections_file.stat().st_mtime_ns, available[-1] if available else 0)
    if key not in _classifiers:
        _classifiers[key] = Classifier(newsletter, load_model(home_path), vectors_cache=cache_folder(home_path))
    return _classifiers[key]


class ClassifyPipeline:
    """Section, confidence, relevance and explanation for each candidate; status filtered when off-topic."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    @classmethod
    def from_crawler(cls, crawler):
        database = crawler.settings.get("NEWSDESK_DATABASE")
        if not database or not (Path(database).parent / "sections.yaml").exists():
            raise NotConfigured("no home with a sections.yaml: stories are queued without a section")
        store = crawl_store(crawler.settings)
        return cls(home_classifier(Path(database).parent, store, may_train=store is not None))

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        decision = self.classifier.classify(candidate.title, candidate.text, summary=candidate.summary,
                                            url=candidate.url)
        candidate.section = decision.section
        candidate.section_confidence = decision.confidence
        candidate.relevance = decision.relevance
        candidate.explanation = decision.explanation()
        candidate.classified_by = decision.by
        if decision.filtered and candidate.status == "pending":
            candidate.status = "filtered"
        return candidate
