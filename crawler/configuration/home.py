"""A Newsdesk home: the folder holding sources.yaml, sections.yaml and newsdesk.db."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from crawler.configuration.sections import Newsletter, load_sections
from crawler.configuration.sources import SourcesConfig, load_sources
from crawler.errors import NewsdeskError
from db import Store

DEFAULT_HOME = "newsdesk-home"
# Where a crawl reads sources.yaml and sections.yaml when not from the home itself: the scheduler daemon points its
# crawls at the copies it last read whole, so that a half-saved edit never reaches a crawl.
CONFIG_VARIABLE = "NEWSDESK_CONFIG_DIR"


@dataclass(frozen=True)
class Home:
    path: Path
    config: Path | None = None     # the folder of sources.yaml and sections.yaml, when not the home itself

    @property
    def sources_file(self) -> Path:
        return (self.config or self.path) / "sources.yaml"

    @property
    def sections_file(self) -> Path:
        return (self.config or self.path) / "sections.yaml"

    @property
    def database(self) -> Path:
        return self.path / "newsdesk.db"

    def exists(self) -> bool:
        return self.sources_file.exists() and self.sections_file.exists()

    def require(self) -> "Home":
        if not self.exists():
            raise NewsdeskError(
                f"{self.path} is not a Newsdesk home (no sources.yaml/sections.yaml); "
                f"run `newsdesk init {self.path}` or pass --home"
            )
        return self

    def sources(self) -> SourcesConfig:
        return load_sources(self.require().sources_file)

    def sections(self) -> Newsletter:
        return load_sections(self.require().sections_file)


def resolve_home(option: str | None) -> Home:
    """--home, else $NEWSDESK_HOME, else ./newsdesk-home (its configuration from $NEWSDESK_CONFIG_DIR when set)."""
    config = os.environ.get(CONFIG_VARIABLE)
    return Home(Path(option or os.environ.get("NEWSDESK_HOME") or DEFAULT_HOME).expanduser(),
                Path(config) if config else None)


def default_file(name: str) -> str:
    return resources.files("crawler.configuration.defaults").joinpath(name).read_text(encoding="utf-8")


def init_home(home: Home) -> list[Path]:
    """Create the home with the default newsletter, no sources and its database; never overwrite an existing
    file. Returns the files written."""
    home.path.mkdir(parents=True, exist_ok=True)
    written = []
    for target in (home.sources_file, home.sections_file):
        if not target.exists():
            target.write_text(default_file(target.name), encoding="utf-8")
            written.append(target)
    Store(home.database).close()   # created and migrated now, so that a first command finds it ready
    return written
