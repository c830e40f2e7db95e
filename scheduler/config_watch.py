"""The daemon's configuration: sources.yaml and sections.yaml read again when they change, the last good version
kept, and copied for the crawls it starts, so that a broken or half-saved edit never stops collection."""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.configuration.atomic_files import write_atomically
from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from db import StoreError
from scheduler.plan import Plan

logger = logging.getLogger(__name__)

FILES = ("sources.yaml", "sections.yaml")


class ConfigWatch:
    """Reads the home's configuration when its files change; `plan` is the last version that read whole, `folder`
    holds a copy of it for crawls to read, `error` the problem of the edit that did not (None when all is well)."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.folder = home.path / "cache" / "schedule" / "last-good"
        self.staging = home.path / "cache" / "schedule" / "reading"
        self.plan: Plan | None = None
        self.error: str | None = None
        self._seen: tuple | None = None
        self._good: dict[str, bytes] = {}

    def check(self) -> Plan | None:
        """The new plan when the files changed and read whole, else None (unchanged, or broken: said once)."""
        seen = tuple(_signature(self.home.path / name) for name in FILES)
        if seen == self._seen:
            return None
        self._seen = seen
        try:
            self.staging.mkdir(parents=True, exist_ok=True)
            texts = {name: (self.home.path / name).read_bytes() for name in FILES}
            for name, text in texts.items():
                write_atomically(self.staging / name, text)
            plan = Plan.read(Home(self.home.path, config=self.staging))
        except (NewsdeskError, StoreError, OSError) as error:
            message = " ".join(str(error).split())
            if message != self.error:
                what = "kept the last good version" if self.plan else "nothing to run yet"
                logger.error("configuration not reloaded (%s): %s", what, message)
            self.error = message
            return None
        self._good = texts
        self._write_copy()
        if self.error and self.plan:
            logger.info("configuration fixed and reloaded")
        self.error, self.plan = None, plan
        return plan

    def ensure_copy(self) -> Path:
        """The folder of the last good copy, written again if someone removed it (cache/ is safe to delete)."""
        if not all((self.folder / name).exists() for name in FILES):
            self._write_copy()
        return self.folder

    def _write_copy(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in self._good.items():
            write_atomically(self.folder / name, text)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
