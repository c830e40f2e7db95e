"""What every `newsdesk` command shares: --home before or after its name, and the home's store."""

from __future__ import annotations

import click

from crawler.configuration.home import Home, resolve_home
from db import Store

HOME_HELP = "The home folder (default: $NEWSDESK_HOME, else ./newsdesk-home)."


def home_option(command):
    """--home is accepted before or after the command name; after wins."""
    def remember(ctx: click.Context, _param, value):
        if value is not None:
            ctx.ensure_object(dict)["home"] = value
        return value
    return click.option("--home", type=click.Path(file_okay=False), expose_value=False, is_eager=True,
                        callback=remember, help=HOME_HELP)(command)


def chosen_home() -> str | None:
    """The --home given on the command line, innermost first; None when not given."""
    ctx = click.get_current_context()
    while ctx is not None:
        if (ctx.obj or {}).get("home"):
            return ctx.obj["home"]
        ctx = ctx.parent
    return None


def current_home() -> Home:
    return resolve_home(chosen_home())


def open_store() -> Store:
    return Store(current_home().require().database)
