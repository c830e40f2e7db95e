"""The editors' actions on a story: approve, reject, move and restore, the same for the CLI and the desk.

Each takes the store, the copy an editor named (decisions belong to its story), who decides, and, from the
desk, the story's version the editor saw (db.Conflict when it changed since). Each returns the copy's row
as it is after the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.configuration.sections import Newsletter
from crawler.errors import NewsdeskError
from db import Store


def check_section(newsletter: Newsletter, section: str) -> None:
    """A section editors may choose is one sections.yaml names; the error lists them."""
    names = newsletter.section_names()
    if section not in names:
        raise NewsdeskError(f"no section '{section}' in sections.yaml; choose one of: {', '.join(names)}")


def approve(store: Store, newsletter: Newsletter, candidate_id: int, *, section: str | None = None, actor: str,
            version: int | None = None) -> dict:
    """Approve the story for the next issue, into `section` when given (else its section stays)."""
    if section is not None:
        check_section(newsletter, section)
    return store.set_status(candidate_id, "approved", section=section, actor=actor, version=version)


def reject(store: Store, candidate_id: int, *, actor: str, version: int | None = None) -> dict:
    """Reject the story: kept, and restorable."""
    return store.set_status(candidate_id, "rejected", actor=actor, version=version)


def move(store: Store, newsletter: Newsletter, candidate_id: int, section: str, *, actor: str,
         version: int | None = None) -> dict:
    """Put the story into another section; its status stays."""
    check_section(newsletter, section)
    return store.move(candidate_id, section, actor=actor, version=version)


@dataclass(frozen=True)
class Restored:
    """What restore did: `row` after it, and the status the story had (pending: nothing was done)."""

    row: dict
    previous_status: str

    @property
    def changed(self) -> bool:
        return self.previous_status != "pending"


def restore(store: Store, candidate_id: int, *, actor: str, version: int | None = None) -> Restored:
    """Put a filtered or rejected (or approved) story back in the queue as pending, noting from what.

    Nothing is ever deleted, so restoring is only a change of status. Without a version, the version read
    here guards the note: a decision made in between is refused (db.Conflict), never mislabelled."""
    before = store.get_candidate(candidate_id)
    if before["status"] == "pending":
        return Restored(before, "pending")
    row = store.set_status(candidate_id, "pending", actor=actor, note=f"restored from {before['status']}",
                           version=before["version"] if version is None else version)
    return Restored(row, before["status"])


# -- the desk: actions on a story by its id, at the version the editor saw ---------------------------

DESK_ACTIONS = ("approve", "reject", "move", "restore")


def decide_story(store: Store, newsletter: Newsletter, story_id: int, action: str, *, section: str | None = None,
                 actor: str, version: int) -> dict:
    """approve (into `section` when given), reject, move (to `section`) or restore a story; returns its row."""
    if action not in DESK_ACTIONS:
        raise NewsdeskError(f"unknown action '{action}'; use one of: {', '.join(DESK_ACTIONS)}")
    if section is not None or action == "move":
        check_section(newsletter, section or "")
    if action == "restore":
        status = store.story(story_id)["status"]
        if status == "pending":
            return store.story(story_id)
        return store.decide_story(story_id, status="pending", actor=actor, version=version,
                                  note=f"restored from {status}")
    status = {"approve": "approved", "reject": "rejected", "move": None}[action]
    return store.decide_story(story_id, status=status, section=section, actor=actor, version=version)


def edit_story(store: Store, story_id: int, *, title: str | None, summary: str | None, actor: str,
               version: int) -> dict:
    """The title and short summary the newsletter prints for the story (empty: the original's)."""
    return store.edit_story(story_id, title=title, summary=summary, actor=actor, version=version)


def add_note(store: Store, story_id: int, text: str, *, actor: str) -> dict:
    """A note on the story for the desk (not printed in the newsletter); returns the story's row."""
    store.add_note(story_id, text, actor=actor)
    return store.story(story_id)


def split_copy(store: Store, candidate_id: int, *, actor: str) -> dict:
    """Make a copy a story of its own (it starts pending); {candidate_id, story, left_story, copies_left}."""
    return store.split(candidate_id, actor=actor)


def merge_stories(store: Store, story_id: int, other_story_id: int, *, actor: str) -> dict:
    """Fold another story into this one; the decided story's decision is kept. {story, moved, copies, decision}."""
    return store.merge(store.representative_of(story_id), store.representative_of(other_story_id), actor=actor)


def undo(store: Store, story_id: int, *, actor: str, version: int) -> str:
    """Take back the editor's last decision on the story, if nothing changed it since; says what it did."""
    return store.undo(story_id, actor=actor, version=version)
