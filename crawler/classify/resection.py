"""Re-section the stories no editor has touched yet, with the current sections.yaml and model."""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.classify.home_classifier import home_classifier
from crawler.configuration.sections import Newsletter

logger = logging.getLogger(__name__)


def resection(home_path: Path, newsletter: Newsletter, store) -> tuple[int, int]:
    """(stories whose section or status changed, stories looked at); editors' decisions are never overridden."""
    classifier = home_classifier(home_path, newsletter)
    verdicts, changed = [], 0
    rows = store.undecided_stories(("pending", "filtered"))
    for row in rows:
        decision = classifier.classify(row["title"], row["text"], summary=row["summary"], url=row["url"])
        status = "filtered" if decision.filtered else "pending"
        changed += (status, decision.section) != (row["status"], row["section"])
        verdicts.append({"id": row["id"], "story_id": row["story_id"], "version": row["version"],
                         "section": decision.section, "status": status,
                         "section_confidence": decision.confidence, "relevance": decision.relevance,
                         "explanation": decision.explanation(), "classified_by": decision.by})
    written = store.reclassify(verdicts)
    if written < len(verdicts):
        logger.info("%d stories were decided by an editor meanwhile; left as they decided", len(verdicts) - written)
    logger.info("re-sectioned %d stories, %d changed", len(rows), changed)
    return changed, len(rows)
