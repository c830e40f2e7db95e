"""`newsdesk queue|search|approve|reject|move|restore`: the review queue and editors' decisions (review/)."""

from __future__ import annotations

import click

from db import STATUSES
from newsdesk import render
from newsdesk.home_option import current_home, editor_name, home_option, open_store
from review import actions
from review import queue as listings


@click.command()
@click.option("--status", type=click.Choice(STATUSES), default="pending", show_default=True)
@click.option("--any-status", is_flag=True, help="List every status.")
@click.option("--section", help="Only this section.")
@click.option("--all", "all_copies", is_flag=True, help="Every stored copy, with its story (cluster_id).")
@click.option("--limit", type=int, help=f"Rows on a page (default {listings.DEFAULT_PAGE} stories; --all: every copy).")
@click.option("--after", help="Start where the previous page ended (the cursor it printed).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def queue(status: str, any_status: bool, section: str | None, all_copies: bool, limit: int | None, after: str | None,
          as_json: bool) -> None:
    """The review queue, a page at a time: one row per story (newest first), or every copy with --all."""
    with open_store() as store:
        listing = listings.queue(store, current_home().sections(), status=None if any_status else status,
                                 section=section, all_copies=all_copies, limit=limit, after=after)
    for line in render.queue_lines(listing, all_copies=all_copies, as_json=as_json):
        click.echo(line)
    if listing.next_cursor:
        click.echo(f"more: newsdesk queue --after {listing.next_cursor}", err=True)
    if not listing.rows and not as_json:
        click.echo(f"nothing {'' if any_status else status + ' '}in the queue", err=True)


@click.command()
@click.argument("terms", nargs=-1, required=True)
@click.option("--limit", default=50, show_default=True, help="At most this many articles.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def search(terms: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Stored articles whose title or text contains every term (Chinese words of any length), newest first."""
    with open_store() as store:
        listing = listings.search(store, current_home().sections(), list(terms), limit=limit)
    for line in render.queue_lines(listing, all_copies=True, as_json=as_json):
        click.echo(line)
    if not listing.rows and not as_json:
        click.echo("no article contains all of: " + " ".join(terms), err=True)


@click.command()
@click.argument("candidate_id", type=int)
@click.option("--section", help="Approve into this section (one sections.yaml names).")
@home_option
def approve(candidate_id: int, section: str | None) -> None:
    """Approve a story for the next issue."""
    with open_store() as store:
        row = actions.approve(store, current_home().sections(), candidate_id, section=section, actor=editor_name())
    click.echo(f"approved #{row['id']} {row['title']}")


@click.command()
@click.argument("candidate_id", type=int)
@home_option
def reject(candidate_id: int) -> None:
    """Reject a story (kept, and restorable with `newsdesk restore`)."""
    with open_store() as store:
        row = actions.reject(store, candidate_id, actor=editor_name())
    click.echo(f"rejected #{row['id']} {row['title']}")


@click.command()
@click.argument("candidate_id", type=int)
@click.argument("section")
@home_option
def move(candidate_id: int, section: str) -> None:
    """Put a story into another section."""
    with open_store() as store:
        row = actions.move(store, current_home().sections(), candidate_id, section, actor=editor_name())
    click.echo(f"moved #{row['id']} to {row['section']}")


@click.command()
@click.argument("candidate_id", type=int, metavar="ID")
@home_option
def restore(candidate_id: int) -> None:
    """Put a filtered or rejected story back in the queue as pending (it was never deleted)."""
    with open_store() as store:
        restored = actions.restore(store, candidate_id, actor=editor_name())
    row = restored.row
    if not restored.changed:
        click.echo(f"#{candidate_id} is pending already")
        return
    click.echo(f"restored #{row['id']} {row['title']} to pending ({row['section'] or 'no section'})")
