"""Sections and relevance: rules from sections.yaml blended with a model learned from editors' decisions."""

from crawler.classify.classifier import Classifier, Decision
from crawler.classify.pipeline import ClassifyPipeline, home_classifier

__all__ = ["Classifier", "ClassifyPipeline", "Decision", "home_classifier"]
