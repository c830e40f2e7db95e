"""`newsdesk story split|merge`: editors correct the clustering; the store logs it and crawls keep it."""

from __future__ import annotations

import logging

import click

logger = logging.getLogger(__name__)


def _home_option(command):
    """--home after the command name too, as crawler.cli.home_option does (which this module cannot import
    when it loads: crawler.cli imports this module, also when run as `python -m crawler.cli`)."""
    def remember(ctx: click.Context, _param, value):
        if value is not None:
            ctx.ensure_object(dict)["home"] = value
        return value
    return click.option("--home", type=click.Path(file_okay=False), expose_value=False, is_eager=True,
                        callback=remember,
                        help="The home folder (default: $NEWSDESK_HOME, else ./newsdesk-home).")(command)


def _open_store():
    from crawler.cli import open_store

    return open_store()


@click.group()
@_home_option
def story() -> None:
    """Correct the folding of reprints: split a copy out of its story, or merge two stories."""


@story.command("split")
@click.argument("candidate_id", type=int, metavar="ID")
@_home_option
def split(candidate_id: int) -> None:
    """Make copy ID a story of its own (later crawls keep it apart)."""
    with _open_store() as store:
        done = store.split(candidate_id)
    click.echo(f"split #{candidate_id} out of story {done['left_story']} "
               f"({done['copies_left']} cop{'y' if done['copies_left'] == 1 else 'ies'} left there)")


@story.command("merge")
@click.argument("candidate_id", type=int, metavar="ID")
@click.argument("other_id", type=int, metavar="OTHER_ID")
@_home_option
def merge(candidate_id: int, other_id: int) -> None:
    """Fold the story of OTHER_ID into the story of ID (later crawls keep them together)."""
    with _open_store() as store:
        done = store.merge(candidate_id, other_id)
    click.echo(f"merged story of #{other_id} into story {done['story']}: {done['copies']} copies now")
