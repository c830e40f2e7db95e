"""Cold-start sectioning: each section's weighted keywords, patterns, URL hints, description and examples."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crawler.classify.encoder import Encoder
from crawler.classify.section_vectors import section_meanings
from crawler.classify.text import StoryText, Term, TermList, content_words
from crawler.configuration.sections import Newsletter, Section

logger = logging.getLogger(__name__)

# How much a match counts by where it is: the title says what the story is; the lead says it
# again in more words; the rest of the body mentions everything, so it only breaks ties.
TITLE, LEAD, BODY = 1.0, 0.4, 0.08
MAX_REPEATS = {TITLE: 1, LEAD: 2, BODY: 3}
# A long body names every section's words somewhere; capped, it cannot outvote the title.
MAX_POINTS = {"lead": 6.0, "body": 1.5}
PATTERN_PLACES = (("title", 1.0), ("lead", 0.6))   # a pattern is specific enough to count more in the lead
SIMILARITY_WEIGHT = 6.0    # cosine similarity (0-1) to the description and examples, in keyword points
MEANING_WEIGHT = 30.0      # the encoder's cosine similarity to a section's own words, in keyword points
URL_HINT_WEIGHT = 3.0
DEFAULT_BIAS = 0.6         # what tips a story with no evidence at all into the default section
TEMPERATURE = 3.0          # turns points into probabilities: 6 points ahead is about 88% sure


@dataclass(frozen=True)
class Evidence:
    """One thing that counted for a section: a term or pattern, where it was found, and its points."""

    term: str
    where: str       # title | lead | body | url | examples
    points: float

    def describe(self) -> str:
        if self.where == "meaning":
            return f"close in meaning to the section's words, as {self.term} reads it ({self.points:+.1f})"
        return f"'{self.term}' in the {self.where} ({self.points:+.1f})"


@dataclass
class SectionScore:
    section: str
    points: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, evidence: Evidence) -> None:
        self.points += evidence.points
        self.evidence.append(evidence)

    def top(self, n: int = 4) -> list[Evidence]:
        return sorted(self.evidence, key=lambda e: -e.points)[:n]


def softmax(points: list[float], temperature: float = TEMPERATURE) -> list[float]:
    top = max(points)
    exps = [math.exp((p - top) / temperature) for p in points]
    total = sum(exps)
    return [e / total for e in exps]


class SectionRules:
    """Scores a story against every section of a newsletter using only what sections.yaml says."""

    def __init__(self, newsletter: Newsletter, encoder: Encoder | None = None, *,
                 vectors_cache: Path | None = None) -> None:
        """vectors_cache: the folder keeping the sections' encoded vectors between runs (the home's cache/)."""
        self.newsletter = newsletter
        self.encoder = encoder
        self.sections = newsletter.sections
        # Only a section the operator marked `default: true` gets the tip; otherwise no section is favoured.
        self.default = next((s.name for s in self.sections if s.default), None)
        self.compiled = {s.name: [(re.compile(p), w) for p, w in s.patterns.items()] for s in self.sections}
        # Latin-script keywords match as whole words (AI, not 'said'); Chinese ones as substrings.
        self.keyword_lists = {s.name: TermList((Term.of(term), weight) for term, weight in s.keywords.items())
                              for s in self.sections}
        self.profiles, self.idf = self._profiles()
        self.meanings = section_meanings(self.sections, encoder, vectors_cache) if encoder is not None else None

    def _profiles(self) -> tuple[dict[str, Counter], dict[str, float]]:
        """A bag of words per section from its name, description and examples, weighted by rarity across sections."""
        bags = {}
        for section in self.sections:
            text = " ".join([section.name, section.description, *section.examples])
            bags[section.name] = Counter(content_words(text))
        documents = Counter(word for bag in bags.values() for word in bag)
        n = len(bags)
        idf = {word: math.log((1 + n) / (1 + df)) + 1 for word, df in documents.items()}
        return bags, idf

    def score(self, story: StoryText) -> list[SectionScore]:
        """Points per section, in sections.yaml order, each with the evidence behind it."""
        story_words = Counter(content_words(story.title) * 3 + content_words(story.lead))
        scores = []
        for section in self.sections:
            score = SectionScore(section.name)
            self._keywords(section, story, score)
            self._patterns(section, story, score)
            self._url_hints(section, story, score)
            self._similarity(section, story_words, score)
            if section.name == self.default:
                score.add(Evidence("default section", "rules", DEFAULT_BIAS))
            scores.append(score)
        if self.meanings is not None:
            self._meaning(story, scores)
        return scores

    def _meaning(self, story: StoryText, scores: list[SectionScore]) -> None:
        """Points for closeness in meaning, as the encoder reads the title and lead: relative to the mean
        over sections, so only what sets a section apart counts."""
        similarity = self.meanings @ self.encoder.features([story.encoder_text()])[0]
        for score, value in zip(scores, similarity - similarity.mean(), strict=True):
            if value > 0:
                score.add(Evidence(self.encoder.name, "meaning", MEANING_WEIGHT * float(value)))

    def probabilities(self, scores: list[SectionScore]) -> dict[str, float]:
        return dict(zip((s.section for s in scores), softmax([s.points for s in scores]), strict=True))

    def _keywords(self, section: Section, story: StoryText, score: SectionScore) -> None:
        found: dict[str, list[Evidence]] = {"title": [], "lead": [], "body": []}
        places = [(where, text, text.lower(), place) for where, text, place in
                  (("title", story.title, TITLE), ("lead", story.lead, LEAD), ("body", story.body, BODY)) if text]
        for term, weight in self.keyword_lists[section.name].found_in([text for _, text, _, _ in places]):
            for where, text, lowered, place in places:
                hits = min(term.count(text, lowered), MAX_REPEATS[place])
                if hits:
                    found[where].append(Evidence(term.text, where, weight * place * hits))
        for where, evidence in found.items():
            total = sum(e.points for e in evidence)
            scale = min(1.0, MAX_POINTS[where] / total) if where in MAX_POINTS and total else 1.0
            for e in evidence:
                score.add(Evidence(e.term, e.where, e.points * scale))

    def _patterns(self, section: Section, story: StoryText, score: SectionScore) -> None:
        for pattern, weight in self.compiled[section.name]:
            for where, place in PATTERN_PLACES:
                match = pattern.search(getattr(story, where))
                if match:
                    score.add(Evidence(match.group(0), where, weight * place))

    def _url_hints(self, section: Section, story: StoryText, score: SectionScore) -> None:
        parts = set(re.split(r"[/._-]+", story.url_path))
        for hint in section.url_hints:
            if hint.lower() in parts:
                score.add(Evidence(hint, "url", URL_HINT_WEIGHT))

    def nearest_example(self, section_name: str, story: StoryText) -> tuple[str, float] | None:
        """The section's example title sharing the most (rarity-weighted) words with the story's title and lead."""
        section = next(s for s in self.sections if s.name == section_name)
        mine = set(content_words(story.title) + content_words(story.lead))
        best = None
        for example in section.examples:
            theirs = set(content_words(example))
            if not theirs:
                continue
            shared = sum(self.idf.get(w, 1.0) for w in mine & theirs)
            overlap = shared / sum(self.idf.get(w, 1.0) for w in theirs)
            if overlap > 0 and (best is None or overlap > best[1]):
                best = (example, overlap)
        return best

    def _similarity(self, section: Section, story_words: Counter, score: SectionScore) -> None:
        profile = self.profiles[section.name]
        if not profile or not story_words:
            return
        # In word order: a set's order changes from one process to the next, and with it a sum's last bits
        # and the order of tied terms in the explanation.
        shared = sorted(set(profile) & set(story_words))
        if not shared:
            return
        weight = lambda word: self.idf.get(word, 1.0)  # noqa: E731 -- used three times just below
        dot = sum(profile[w] * story_words[w] * weight(w) ** 2 for w in shared)
        norm = math.sqrt(sum((c * weight(w)) ** 2 for w, c in profile.items())) * \
            math.sqrt(sum((c * weight(w)) ** 2 for w, c in story_words.items()))
        similarity = dot / norm if norm else 0.0
        if similarity > 0.02:
            terms = sorted(shared, key=lambda w: -profile[w] * story_words[w] * weight(w))[:3]
            score.add(Evidence("、".join(terms), "description and examples", SIMILARITY_WEIGHT * similarity))
