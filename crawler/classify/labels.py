"""Editors' decisions as labels: approve -> its section, move -> the new section, reject -> not relevant."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from crawler.classify.text import StoryText

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Label:
    candidate_id: int
    story: StoryText
    section: str | None        # the section an editor chose, when they chose one
    relevant: bool | None      # False when rejected; True when approved or restored from filtered
    log_id: int


def label_of(row: dict) -> Label:
    """What one decided candidate (db.labels.decided_stories) teaches."""
    status, moved, restored = row["status"], bool(row["moved"]), bool(row["restored"])
    section = row["section"] if status == "approved" or moved else None
    relevant: bool | None = None
    if status == "approved" or restored:
        relevant = True
    if status in ("rejected", "filtered"):
        relevant = False
    story = StoryText.of(row["title"], row["text"], row.get("summary"), row.get("url"))
    return Label(row["id"], story, section, relevant, row["last_log_id"])


def labels_from(rows: list[dict], section_names: list[str]) -> list[Label]:
    """Labels of every decided candidate; a section no longer in sections.yaml teaches nothing."""
    labels = []
    for row in rows:
        label = label_of(row)
        if label.section is not None and label.section not in section_names:
            label = Label(label.candidate_id, label.story, None, label.relevant, label.log_id)
        if label.section is not None or label.relevant is not None:
            labels.append(label)
    return labels
