"""The classifier the crawl uses: the rules of sections.yaml, blended with the model learned from editors."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from crawler.classify.encoder import encoder_for
from crawler.classify.relevance import Relevance, TopicTerms, rule_relevance
from crawler.classify.rules import SectionRules, SectionScore
from crawler.classify.text import StoryText
from crawler.classify.trained import TrainedModel
from crawler.configuration.sections import Newsletter

logger = logging.getLogger(__name__)


@dataclass
class Decision:
    """Where one story goes and why."""

    section: str
    confidence: float                    # the chosen section's probability, 0..1
    relevance: float                     # 0..1; below the threshold the story is filtered
    filtered: bool
    low_confidence: bool
    probabilities: dict[str, float]
    rule_scores: list[SectionScore]
    relevance_detail: Relevance
    model_terms: list[str] = field(default_factory=list)
    model_version: str | None = None
    model_share: float = 0.0             # how much the learned model counted (0: rules only)

    @property
    def by(self) -> str:
        return f"rules+{self.model_version}" if self.model_version else "rules"

    def explanation(self) -> str:
        """One line a person can read: the section, how sure, and the terms that decided it."""
        chosen = next(s for s in self.rule_scores if s.section == self.section)
        reasons = [e.describe() for e in chosen.top(3) if e.where != "rules"]
        if self.model_terms:
            reasons.append(f"learned from editors ({self.model_share:.0%}): {', '.join(self.model_terms[:3])}")
        why = "; ".join(reasons) or "no section's terms found: the default section"
        mark = " (low confidence)" if self.low_confidence else ""
        line = f"{self.section} {self.confidence:.2f}{mark}: {why}. Relevance {self.relevance:.2f}"
        line += f" ({self.relevance_detail.summary(3)})"
        if self.filtered:
            line += ": below the threshold, filtered"
        return line


class Classifier:
    """Picks a section and a relevance for a story; one instance serves a whole crawl."""

    def __init__(self, newsletter: Newsletter, trained: TrainedModel | None = None, *,
                 vectors_cache: Path | None = None) -> None:
        self.newsletter = newsletter
        self.rules = SectionRules(newsletter, encoder_for(newsletter), vectors_cache=vectors_cache)
        names = set(newsletter.section_names())
        # A model trained before a section was renamed or removed still knows the others.
        self.trained = trained if trained is not None and trained.usable_for(names) else None
        self.topic_terms = TopicTerms.of(newsletter.topic)
        self.threshold = float(newsletter.classifier["relevance_threshold"])
        self.low = float(newsletter.classifier["low_confidence"])

    def classify(self, title: str | None, text: str | None, *, summary: str | None = None,
                 url: str | None = None) -> Decision:
        return self.decide(StoryText.of(title, text, summary, url))

    def decide_many(self, stories: list[StoryText]) -> list[Decision]:
        """decide() for many stories, the model and the encoder run once over all of them (much faster)."""
        if self.rules.encoder is not None:
            self.rules.encoder.features([story.encoder_text() for story in stories])   # one batch, then cached
        if self.trained is None or not stories:
            return [self.decide(story) for story in stories]
        learned = self.trained.section_probabilities_many(stories)
        relevant = self.trained.relevance_probability_many(stories)
        return [self.decide(story, learned[i], relevant[i]) for i, story in enumerate(stories)]

    def decide(self, story: StoryText, learned: dict[str, float] | None = None,
               learned_relevance: float | None = None) -> Decision:
        scores = self.rules.score(story)
        probabilities = self.rules.probabilities(scores)
        relevance = rule_relevance(self.topic_terms, story)
        score_of_relevance = relevance.score
        terms: list[str] = []
        share = 0.0
        if self.trained is not None:
            if learned is None:
                learned = self.trained.section_probabilities(story)
                learned_relevance = self.trained.relevance_probability(story)
            share = self.trained.section_share
            if learned and share:
                probabilities = {name: (1 - share) * p + share * learned.get(name, 0.0)
                                 for name, p in probabilities.items()}
            if learned_relevance is not None:
                r_share = self.trained.relevance_share
                score_of_relevance = (1 - r_share) * relevance.score + r_share * learned_relevance
        section = max(probabilities, key=lambda name: probabilities[name])
        if self.trained is not None and share:
            terms = [t.text for t in self.trained.section_terms(story, section)]
        confidence = probabilities[section]
        return Decision(
            section=section,
            confidence=round(confidence, 4),
            relevance=round(score_of_relevance, 4),
            filtered=score_of_relevance < self.threshold,
            low_confidence=confidence < self.low,
            probabilities=probabilities,
            rule_scores=scores,
            relevance_detail=relevance,
            model_terms=terms,
            model_version=self.trained.version if self.trained else None,
            model_share=share,
        )
