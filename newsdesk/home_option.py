"""What every `newsdesk` command shares: --home before or after its name, the home's store, who is at the keyboard."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

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


def named_home() -> Path | None:
    """The home --home or $NEWSDESK_HOME names; None when neither does (the demo then makes a new folder)."""
    named = chosen_home() or os.environ.get("NEWSDESK_HOME")
    return Path(named) if named else None


def current_home() -> Home:
    return resolve_home(chosen_home())


def open_store() -> Store:
    return Store(current_home().require().database)


def editor_name() -> str:
    """Who decides from the command line: the operating-system user, so every decision records who made it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):   # no LOGNAME/USER and no password entry (a bare container): still a decision
        return "cli"
