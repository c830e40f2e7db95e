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
    """Round-trip: what we write back keeps the operator's comments and layout."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def read_yaml(path: Path, *, with_lines: bool = False) -> Any:
    """Parse a YAML file, turning syntax errors into one line that names the file and the line.

    Plain dicts and lists from the C parser (YAML 1.2, like the round trip); with_lines, the round trip's, which
    know their line numbers and keep comments to write back, but parse five times slower (3 s for 10,000
    sources)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist; run `newsdesk init` to create a home") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    try:
        return (_yaml() if with_lines else YAML(typ="safe", pure=False)).load(text)
    except YAMLError as exc:
        if not with_lines:   # the round trip's wording of a mistake is what syntax_error_message knows
            return read_yaml(path, with_lines=True)
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
        document = change(read_yaml(path, with_lines=True))
        write_yaml(path, document)
        return document
