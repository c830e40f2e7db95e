"""Relevance: how close a story is to the newsletter's topic (its themes and regions, minus excluded terms)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from crawler.classify.rules import Evidence
from crawler.classify.text import StoryText, Term, TermList
from crawler.configuration.sections import Topic

logger = logging.getLogger(__name__)

# A theme in the title is worth more than one in the lead, and much more than one deep in the body.
PLACES = (("title", 1.0), ("lead", 0.6), ("body", 0.3))
REGION_BONUS = 0.25        # a story from the newsletter's regions counts a quarter more
HALF_RELEVANT = 2.0        # theme points that make a story 50% relevant
NO_TOPIC = 1.0             # a newsletter that names no themes keeps every story


@dataclass
class Relevance:
    score: float
    evidence: list[Evidence] = field(default_factory=list)

    def summary(self, n: int = 4) -> str:
        found = sorted(self.evidence, key=lambda e: -abs(e.points))[:n]
        return ", ".join(e.describe() for e in found) or "no theme of the topic found"


@dataclass(frozen=True)
class TopicTerms:
    """A topic's themes, regions and excluded terms made ready once (crawler.classify.text.TermList): every story
    is read for all of them."""

    themes: TermList
    regions: TermList
    exclude: TermList

    @classmethod
    def of(cls, topic: Topic) -> "TopicTerms":
        return cls(TermList((Term.of(t), w) for t, w in topic.themes.items()),
                   TermList((Term.of(t), None) for t in topic.regions),
                   TermList((Term.of(t), w) for t, w in topic.exclude.items()))


def rule_relevance(topic: TopicTerms, story: StoryText) -> Relevance:
    """0..1 from the topic's weighted themes, with a bonus for its regions and a penalty for excluded terms."""
    if not topic.themes.entries:
        return Relevance(NO_TOPIC)
    evidence: list[Evidence] = []
    points = 0.0
    texts = {"title": story.title, "lead": story.lead, "body": story.body}
    lowered = {where: text.lower() for where, text in texts.items()}
    story_texts = list(texts.values())
    for term, weight in topic.themes.found_in(story_texts):
        # Each theme counts once, where it is most telling: a story repeating 数据 is not more on-topic.
        best = max((weight * place for where, place in PLACES if term.count(texts[where], lowered[where])),
                   default=0.0)
        if best:
            where = next(w for w, place in PLACES if weight * place == best)
            evidence.append(Evidence(term.text, where, best))
            points += best
    regions = [r.text for r, _ in topic.regions.found_in(story_texts[:2])
               if r.count(story.title, lowered["title"]) or r.count(story.lead, lowered["lead"])]
    if regions and points * REGION_BONUS >= 0.05:
        bonus = points * REGION_BONUS
        evidence.append(Evidence(regions[0], "title or lead (region)", bonus))
        points += bonus
    for term, weight in topic.exclude.found_in(story_texts[:2]):
        penalty = max((weight * place for where, place in PLACES[:2] if term.count(texts[where], lowered[where])),
                      default=0.0)
        if penalty:
            evidence.append(Evidence(term.text, "excluded term", -penalty))
            points -= penalty
    points = max(points, 0.0)
    return Relevance(points / (points + HALF_RELEVANT), evidence)
