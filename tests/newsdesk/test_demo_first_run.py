"""A first run as a new user makes it: `newsdesk demo` shows progress, and its hints work as printed."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
from conftest import REPO, cli

from newsdesk.demo import demo_sources

# After `make demo` the .venv is not activated: its bin folder is not on the PATH.
WITHOUT_VENV = {"PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    home = tmp_path_factory.mktemp("first-run") / "home"
    result = cli("--home", str(home), "demo", "--no-serve", "--port", "0", env=WITHOUT_VENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_the_demo_says_what_it_loads_and_when_each_source_starts_and_ends(demo_output):
    names = [source["name"] for source in demo_sources("http://127.0.0.1")]
    summary = next(i for i, line in enumerate(demo_output) if line.startswith("source "))
    progress = demo_output[:summary]
    assert any(line.startswith("loading the classifier: sections.yaml and the encoder m3e-small") for line in progress)
    assert f"crawling {len(names)} sources" in progress
    for name in names:
        started = progress.index(f"  {name}: started")
        finished = next(i for i, line in enumerate(progress) if line.startswith(f"  {name}: finished, "))
        assert started < finished
    last = progress[-1]
    assert re.fullmatch(rf"  \S+: finished, \d+ new \(\d+ new so far; {len(names)} of {len(names)} sources done\)", last)
    assert not any(": + " in line for line in progress), "one line per source, not per article"


def test_the_demo_hint_works_as_printed_without_an_activated_venv(demo_output):
    line = next(line for line in demo_output if line.startswith("queue: "))
    articles = int(re.search(r"from (\d+) articles", line).group(1))
    command = re.search(r"`([^`]+ queue --all)`", line).group(1)
    result = subprocess.run(shlex.split(command) + ["--any-status", "--json"], capture_output=True, text=True, cwd=REPO,
                            env=WITHOUT_VENV, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == articles
