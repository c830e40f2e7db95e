"""Every setting and every command is documented where users look: --help and the README."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from crawler.configuration.settings import SETTINGS
from newsdesk.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme_with_its_default(setting):
    row = next((line for line in README.splitlines() if line.startswith(f"| `{setting.name}` |")), None)
    assert row, f"README's settings table lacks {setting.name}"
    assert str(setting.default) in row or (setting.default == "" and '""' in row)


@pytest.mark.parametrize("name, command", list(commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert command.help, f"`newsdesk {name}` has no help text"
    assert f"newsdesk {name}" in README, f"README does not mention `newsdesk {name}`"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0 and "--home" in result.output
