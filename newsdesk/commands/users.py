"""`newsdesk users add|list|passwd|disable|enable`: the editors who may sign in to the desk."""

from __future__ import annotations

import sys

import click

from newsdesk import render
from newsdesk.home_option import current_home, home_option, open_store
from review import accounts

STDIN_HELP = "Read the password from the first line of standard input (for scripts) instead of asking."


def read_password(from_stdin: bool) -> str:
    """The password: one line of standard input, or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
@home_option
def users() -> None:
    """Add, list and disable the editors who sign in to the desk (`newsdesk review`)."""


@users.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@home_option
def add(name: str, password_stdin: bool) -> None:
    """Add an editor; asks for the password twice."""
    accounts.check_name(name)
    password = read_password(password_stdin)
    with open_store() as store:
        accounts.add_editor(store, name, password)
    click.echo(f"added editor {name}; they sign in at the desk (`newsdesk review`)")


@users.command("list")
@home_option
def list_users() -> None:
    """The editors, whether they may sign in, and when they last did."""
    with open_store() as store:
        rows = accounts.editors(store)
    for line in render.user_lines(rows, current_home().sections().timezone):
        click.echo(line)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@home_option
def passwd(name: str, password_stdin: bool) -> None:
    """Set an editor's password; their open sessions end."""
    with open_store() as store:
        store.user(name)   # an unknown name is refused before the password is asked for
        accounts.set_password(store, name, read_password(password_stdin))
    click.echo(f"new password set for {name}; their open sessions have ended")


@users.command("disable")
@click.argument("name")
@home_option
def disable(name: str) -> None:
    """Stop an editor signing in (their sessions end; their decisions stay theirs)."""
    with open_store() as store:
        accounts.set_enabled(store, name, False)
    click.echo(f"disabled {name}; their open sessions have ended")


@users.command("enable")
@click.argument("name")
@home_option
def enable(name: str) -> None:
    """Let a disabled editor sign in again."""
    with open_store() as store:
        accounts.set_enabled(store, name, True)
    click.echo(f"enabled {name}")
