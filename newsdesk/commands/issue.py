"""`newsdesk issue new|list|show|add|remove|move|edit|export`: issues of the newsletter (review/issues.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.errors import NewsdeskError
from newsdesk import render
from newsdesk.home_option import current_home, editor_name, home_option, open_store
from review import issues
from review.export import FORMATS

ISSUE_ARGUMENT = click.argument("ref", metavar="N")
STORY_ARGUMENT = click.argument("story_id", type=int, metavar="STORY")


@click.group()
@home_option
def issue() -> None:
    """Issues of the newsletter: compile approved stories, order and edit them, export (md, html, docx, pdf).

    N is an issue's running number (39, as in 总第39期) or its year and number (2026-11); STORY a story's id."""


@issue.command("new")
@click.option("--year", type=int, help="The issue's year (default: this year in the newsletter's zone).")
@click.option("--number", type=int, help="Its number within the year (default: the previous issue's plus one, "
                                         "1 in a new year).")
@click.option("--total", type=int, help="Its running number since the first issue (default: the previous plus one).")
@click.option("--month", type=int, help="Its month, 1-12 (default: this month).")
@home_option
def new(year: int | None, number: int | None, total: int | None, month: int | None) -> None:
    """A draft of every approved story in no issue yet, by section, newest first in each."""
    with open_store() as store:
        started = issues.new_issue(store, current_home().sections(), actor=editor_name(), year=year, number=number,
                                   total=total, month=month)
    _echo(render.issue_lines(started))


@issue.command("list")
@home_option
def list_() -> None:
    """Every issue, the latest first: drafts, and what was published when."""
    with open_store() as store:
        rows = issues.list_issues(store)
    _echo(render.issue_list_lines(rows, current_home().sections().timezone))


@issue.command("show")
@ISSUE_ARGUMENT
@home_option
def show(ref: str) -> None:
    """An issue's stories under their sections; for a draft, what is missing and the stories on offer."""
    with open_store() as store:
        page = issues.issue_page(store, current_home().sections(), ref)
    _echo(render.issue_page_lines(page))


@issue.command("add")
@ISSUE_ARGUMENT
@STORY_ARGUMENT
@home_option
def add(ref: str, story_id: int) -> None:
    """Put an approved story in no issue yet into draft N (last in its section)."""
    with open_store() as store:
        changed = issues.add_story(store, current_home().sections(), ref, story_id, actor=editor_name())
    _echo([f"added story {story_id} to issue {changed.total}", *render.issue_lines(changed)])


@issue.command("remove")
@ISSUE_ARGUMENT
@STORY_ARGUMENT
@home_option
def remove(ref: str, story_id: int) -> None:
    """Take a story out of draft N; it is offered for an issue again."""
    with open_store() as store:
        changed = issues.remove_story(store, current_home().sections(), ref, story_id, actor=editor_name())
    _echo([f"removed story {story_id} from issue {changed.total}", *render.issue_lines(changed)])


@issue.command("move")
@ISSUE_ARGUMENT
@STORY_ARGUMENT
@click.option("--to", "position", type=int, help="Its place in its section (1 is first).")
@click.option("--section", help="Another section (the story's own section changes, as `newsdesk move` does).")
@home_option
def move(ref: str, story_id: int, position: int | None, section: str | None) -> None:
    """Reorder draft N: put a story at a place in its section, or into another section."""
    with open_store() as store:
        changed = issues.move_story(store, current_home().sections(), ref, story_id, actor=editor_name(),
                                    position=position, section=section)
    _echo([f"moved story {story_id} in issue {changed.total}", *render.issue_lines(changed)])


@issue.command("edit")
@ISSUE_ARGUMENT
@STORY_ARGUMENT
@click.option("--title", help="The title printed (\"\": the article's own).")
@click.option("--summary", help="Printed instead of the article's text; each line a paragraph (\"\": the text).")
@click.option("--outlet", help="The outlet printed under the story in this issue (\"\": its copy's).")
@click.option("--date", "ran_on", help="The date printed, as 2026-11-03 (\"\": its copy's own date).")
@home_option
def edit(ref: str, story_id: int, title: str | None, summary: str | None, outlet: str | None,
         ran_on: str | None) -> None:
    """Change what draft N prints for a story: its title, its text, its outlet and date."""
    with open_store() as store:
        changed = issues.edit_story(store, current_home().sections(), ref, story_id, actor=editor_name(),
                                    title=title, summary=summary, outlet=outlet, ran_on=ran_on)
    _echo([f"edited story {story_id} in issue {changed.total}", *render.issue_lines(changed)])


@issue.command("export")
@ISSUE_ARGUMENT
@click.option("--format", "format_name", type=click.Choice(list(FORMATS)), required=True, help="The file's format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write it (default: the issue's name in this folder; - for standard output).")
@click.option("--allow-missing", is_flag=True, help="Print stories that lack their date or outlet without them.")
@click.option("--preview", is_flag=True, help="Export a draft as it stands without publishing it.")
@home_option
def export(ref: str, format_name: str, output: str | None, allow_missing: bool, preview: bool) -> None:
    """Export issue N. The first export of a draft publishes it: it is recorded as printed, and exports the
    same later."""
    target = Path(output) if output and output != "-" else None
    if target is not None and not target.parent.is_dir():
        raise NewsdeskError(f"cannot write {target}: no folder {target.parent}; nothing was exported")
    with open_store() as store:
        exported = issues.export_issue(store, current_home().sections(), ref, format_name, actor=editor_name(),
                                       allow_missing=allow_missing, preview=preview)
    if output == "-":
        sys.stdout.buffer.write(exported.data)
        return
    target = target or Path(exported.filename)
    target.write_bytes(exported.data)
    click.echo(render.exported_line(exported, target))


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
