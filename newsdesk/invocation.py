"""How a person runs this Newsdesk again: the command to print in a hint, so that it works as printed."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path


def newsdesk_command() -> str:
    """`newsdesk` when that name on the PATH is this program; else the full path of this environment's newsdesk
    script (after `make demo` the .venv is not activated, so `newsdesk` alone is "command not found"); else
    this Python running the module."""
    launched = Path(sys.argv[0]) if sys.argv and Path(sys.argv[0]).name == "newsdesk" else None
    script = next((p for p in (launched, Path(sys.executable).parent / "newsdesk") if p and p.is_file()), None)
    if script is None:
        return f"{shlex.quote(sys.executable)} -m newsdesk.cli"
    on_path = shutil.which("newsdesk")
    if on_path and Path(on_path).resolve() == script.resolve():
        return "newsdesk"
    return shlex.quote(str(script.absolute()))
