"""How the scheduler starts a crawl in a process of its own: the command line, and an environment that runs the
same code as this process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from crawler.configuration.home import CONFIG_VARIABLE, Home

# The folder holding the packages this process runs (newsdesk/, scheduler/, ...): a crawl it starts runs them too,
# wherever it is started from.
CODE_ROOT = Path(__file__).resolve().parents[1]


def crawl_command(home: Home, arguments: list[str]) -> list[str]:
    """`python -m newsdesk --home HOME ARGUMENTS...` with this Python, the home's path made absolute."""
    return [sys.executable, "-m", "newsdesk", "--home", str(home.path.resolve()), *arguments]


def crawl_environment(config: Path | None = None) -> dict[str, str]:
    """This process's environment, with this code first on the path, and the configuration folder to read
    (the daemon's last good copy) when given."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CODE_ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop(CONFIG_VARIABLE, None)
    if config is not None:
        env[CONFIG_VARIABLE] = str(config)
    return env
