"""`classify explain ID`: why a story got its section and relevance, then and now, in words."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.classify.classifier import Classifier, Decision
from crawler.classify.home_classifier import home_classifier
from crawler.classify.text import StoryText
from crawler.configuration.sections import Newsletter

logger = logging.getLogger(__name__)


@dataclass
class Explanation:
    row: dict[str, Any]
    decision: Decision
    history: list[dict] = field(default_factory=list)
    nearest: tuple[str, float] | None = None       # the chosen section's closest example title
    threshold: float = 0.0                          # relevance below which a story is filtered
    encoder: str | None = None                      # the encoder the learned model reads with

    def as_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "id": self.row["id"], "title": self.row["title"], "status": self.row["status"],
            "section": self.row["section"], "section_confidence": self.row.get("section_confidence"),
            "relevance": self.row.get("relevance"), "explanation": self.row.get("explanation"),
            "classified_by": self.row.get("classified_by"),
            "now": {
                "section": d.section, "confidence": d.confidence, "relevance": d.relevance,
                "filtered": d.filtered, "by": d.by, "model_share": d.model_share,
                "probabilities": {k: round(v, 4) for k, v in d.probabilities.items()},
                "rules": {s.section: {"points": round(s.points, 2),
                                      "evidence": [e.describe() for e in s.top(6)]} for s in d.rule_scores},
                "model_terms": d.model_terms, "model_encoder": self.encoder,
                "relevance_evidence": [e.describe() for e in d.relevance_detail.evidence],
                "explanation": d.explanation(),
            },
            "closest_example": self.nearest[0] if self.nearest else None,
            "history": self.history,
        }

    def lines(self) -> list[str]:
        row, d = self.row, self.decision
        out = [f"#{row['id']} {row['title'] or '(no title)'}",
               f"status {row['status']}, section {row['section'] or '-'}"
               + (f" (confidence {row['section_confidence']:.2f})" if row.get("section_confidence") is not None else "")
               + (f", relevance {row['relevance']:.2f}" if row.get("relevance") is not None else "")
               + (f"; classified by {row['classified_by']}" if row.get("classified_by") else "")]
        if row.get("explanation"):
            out.append(f"when it was queued: {row['explanation']}")
        out += ["", f"with today's sections.yaml and model ({d.by}): {d.explanation()}", "",
                "rules, points per section (the title counts fully, the lead less, the rest of the body little):"]
        width = max(len(s.section) for s in d.rule_scores) + 2
        for score in sorted(d.rule_scores, key=lambda s: -s.points):
            evidence = "; ".join(e.describe() for e in score.top(5)) or "nothing found"
            out.append(f"  {score.section:<{width}} {score.points:6.1f}  {evidence}")
        if self.nearest:
            out.append(f"closest example of {d.section}: {self.nearest[0]} (shares {self.nearest[1]:.0%} of its words)")
        if d.model_version:
            share = f"{d.model_share:.0%}" if d.model_share else "not used for sections"
            reads = f"; reads words and the encoder {self.encoder.split(':')[0]}" if self.encoder else ""
            out.append(f"learned model {d.model_version} (its share: {share}{reads})"
                       + (f": {', '.join(d.model_terms)}" if d.model_terms else ""))
        out.append("blended probabilities: " + ", ".join(
            f"{name} {p:.2f}" for name, p in sorted(d.probabilities.items(), key=lambda kv: -kv[1])))
        threshold = self.threshold
        verdict = "filtered" if d.filtered else "kept"
        out.append(f"relevance {d.relevance:.2f}, {verdict} (threshold {threshold:.2f}): {d.relevance_detail.summary(8)}")
        if self.history:
            out += ["", "history:"]
            for entry in self.history:
                change = f"{entry['old_status'] or '-'} -> {entry['new_status']}"
                if entry["new_section"] != entry["old_section"]:
                    change += f", section {entry['old_section'] or '-'} -> {entry['new_section'] or '-'}"
                note = f" ({entry['note']})" if entry.get("note") else ""
                out.append(f"  {entry['at']}  {entry['actor']}: {change}{note}")
        return out


def explain_candidate(home_path: Path, newsletter: Newsletter, row: dict, history: list[dict], *,
                      classifier: Classifier | None = None) -> Explanation:
    """Why the copy `row` gets its section and relevance now; `classifier` (the home's) when the caller keeps one
    (the desk does: building it loads the encoder and the model)."""
    classifier = classifier or home_classifier(home_path, newsletter)
    story = StoryText.of(row["title"], row["text"], row.get("summary"), row.get("url"))
    decision = classifier.decide(story)
    encoder = classifier.trained.manifest.get("encoder") if classifier.trained else None
    return Explanation(row, decision, history, classifier.rules.nearest_example(decision.section, story),
                       classifier.threshold, encoder)
