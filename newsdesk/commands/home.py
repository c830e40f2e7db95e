"""`newsdesk init`: a new home with the default newsletter and no sources."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crawler.configuration.home import Home, init_home
from newsdesk.home_option import current_home, home_option
from newsdesk.invocation import newsdesk_command


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@home_option
def init(directory: str | None) -> None:
    """Create a home with the default newsletter (sections.yaml) and no sources."""
    home = Home(Path(directory)) if directory else current_home()
    for path in init_home(home):
        click.echo(f"wrote {path}")
    from crawler.classify.home_classifier import prepare_home_classifier   # the encoder: only this command needs it

    if prepare_home_classifier(home.path, home.sections()):
        click.echo("encoded the sections' meanings for the classifier (kept in cache/)")
    click.echo(f"home ready: {home.path}  (next: {newsdesk_command()} --home {shlex.quote(str(home.path))} "
               "sources add NAME URL --kind feed)")
