"""The home's YAML files: read with errors that name the line to fix, written atomically under a lock,
with the operator's comments and layout kept (ruamel.yaml round-trip)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from crawler.configuration.atomic_files import exclusive_lock, write_atomically
from crawler.configuration.yaml_errors import syntax_error_message
from crawler.errors import ConfigError


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into one line that names the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist; run `newsdesk init` to create a home") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise ConfigError(syntax_error_message(path.name, text, exc)) from None


def write_yaml(path: Path, document: Any) -> None:
    """Write atomically so a crash never leaves half a sources.yaml."""
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    write_atomically(path, buffer.getvalue().encode("utf-8"))


def update_yaml(path: Path, change: Callable[[Any], Any]) -> Any:
    """Read, change and write a YAML file holding its lock, so two commands at once never lose an edit.

    `change` gets the parsed document and returns the one to write; if it raises, nothing is written."""
    with exclusive_lock(path):
        document = change(read_yaml(path))
        write_yaml(path, document)
        return document
