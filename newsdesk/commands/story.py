"""`newsdesk story split|merge`: editors correct the clustering; the store logs it and crawls keep it."""

from __future__ import annotations

import logging

import click

from newsdesk.home_option import editor_name, home_option, open_store

logger = logging.getLogger(__name__)


@click.group()
@home_option
def story() -> None:
    """Correct the folding of reprints: split a copy out of its story, or merge two stories."""


@story.command("split")
@click.argument("candidate_id", type=int, metavar="ID")
@home_option
def split(candidate_id: int) -> None:
    """Make copy ID a story of its own (later crawls keep it apart)."""
    with open_store() as store:
        done = store.split(candidate_id, actor=editor_name())
    click.echo(f"split #{candidate_id} out of story {done['left_story']} "
               f"({done['copies_left']} cop{'y' if done['copies_left'] == 1 else 'ies'} left there)")


@story.command("merge")
@click.argument("candidate_id", type=int, metavar="ID")
@click.argument("other_id", type=int, metavar="OTHER_ID")
@home_option
def merge(candidate_id: int, other_id: int) -> None:
    """Fold the story of OTHER_ID into the story of ID (later crawls keep them together)."""
    with open_store() as store:
        done = store.merge(candidate_id, other_id, actor=editor_name())
    click.echo(f"merged story of #{other_id} into story {done['story']}: {done['copies']} copies now")
