"""Sections and relevance: rules from sections.yaml blended with a model learned from editors' decisions."""

from crawler.classify.classifier import Classifier, Decision

__all__ = ["Classifier", "Decision"]
