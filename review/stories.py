"""One story as an editor reads it: its decision, its text, every copy, why it got its section, its history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crawler.classify import Classifier
from crawler.classify.explain import Explanation, explain_candidate
from crawler.configuration.sections import Newsletter
from db import Store


@dataclass(frozen=True)
class StoryView:
    story: dict                 # the story's row: status, section, version, decided_by, the editor's title/summary
    representative: dict        # the copy that stands for it, with its text
    copies: list[dict]          # every copy, the representative first
    history: list[dict]         # status_log rows, oldest first
    notes: list[dict]           # editors' notes, oldest first
    explanation: Explanation    # why it got its section and relevance (`classify explain`)
    zone: str                   # the newsletter's time zone


def story(store: Store, newsletter: Newsletter, home_path: Path, story_id: int, *,
          classifier: Classifier | None = None) -> StoryView:
    """Everything the story page shows; db.NotFound for an unknown story (or one merged into another).
    `classifier`: the home's, kept by the caller (building one loads the encoder: about a second)."""
    row = store.story(story_id)
    copies = store.story_copies(story_id)
    representative = store.get_candidate(store.representative_of(story_id))
    history = store.story_log(story_id)
    explanation = explain_candidate(home_path, newsletter, representative, history, classifier=classifier)
    return StoryView(row, representative, copies, history, store.story_notes(story_id), explanation,
                     newsletter.timezone)
