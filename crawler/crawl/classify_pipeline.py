"""ClassifyPipeline: give each candidate a section, a confidence, a relevance and the reasons; filter off-topic ones."""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from crawler.classify.classifier import Classifier
from crawler.crawl.context import context_of
from crawler.crawl.items import Candidate

logger = logging.getLogger(__name__)


class ClassifyPipeline:
    """Section, confidence, relevance and explanation for each candidate; status filtered when off-topic."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    @classmethod
    def from_crawler(cls, crawler):
        context = context_of(crawler)
        if context is None or context.classifier is None:
            raise NotConfigured("no home with a sections.yaml: stories are queued without a section")
        return cls(context.classifier)

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
