"""What the desk's requests share: the home, its newsletter (read again when sections.yaml changes), a store per
request, and the editor signed in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, g, session

from crawler.classify import Classifier
from crawler.classify.home_classifier import home_classifier
from crawler.classify.trained import models_folder
from crawler.configuration.home import Home
from crawler.configuration.sections import Newsletter
from db import Store
from review.accounts import Editor, signed_in


@dataclass
class Desk:
    """One desk application's home; its YAML files are parsed again only when they change (sections.yaml takes
    40 ms to read, more than a page of the queue)."""

    home: Home
    _read: dict[Path, tuple[float, Any]] = field(default_factory=dict)
    _classifier: tuple[tuple, Classifier] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _current(self, path: Path, load: Callable[[], Any]) -> Any:
        changed = path.stat().st_mtime_ns
        with self._lock:
            if path not in self._read or self._read[path][0] != changed:
                self._read[path] = (changed, load())
            return self._read[path][1]

    def newsletter(self) -> Newsletter:
        return self._current(self.home.sections_file, self.home.sections)

    def source_names(self) -> list[str]:
        return self._current(self.home.sources_file, lambda: [s.name for s in self.home.sources().sources])

    def classifier(self) -> Classifier:
        """The home's classifier for the story page's explanation, built again (about a second: the encoder and
        the model load) only when sections.yaml changes or a new model is trained."""
        newsletter = self.newsletter()
        models = models_folder(self.home.path)
        trained = tuple(sorted(p.name for p in models.iterdir())) if models.is_dir() else ()
        with self._lock:
            key = (self.home.sections_file.stat().st_mtime_ns, trained)
            if self._classifier is None or self._classifier[0] != key:
                self._classifier = (key, home_classifier(self.home.path, newsletter))
            return self._classifier[1]


def desk() -> Desk:
    return current_app.extensions["newsdesk"]


def store() -> Store:
    """This request's store, opened on first use and closed when the request ends."""
    if "store" not in g:
        g.store = Store(desk().home.database)
    return g.store


def close_store(_error: BaseException | None = None) -> None:
    opened = g.pop("store", None)
    if opened is not None:
        opened.close()


def editor() -> Editor | None:
    """The editor this request's session names, while their account is enabled and unchanged; else None."""
    if "editor" not in g:
        name, version = session.get("editor"), session.get("editor_version")
        g.editor = signed_in(store(), name, version) if name and isinstance(version, int) else None
    return g.editor


def sign_in_session(signed: Editor) -> None:
    """A fresh session for the editor: nothing of the anonymous one is kept (no fixation), a new CSRF token."""
    session.clear()
    session.permanent = True
    session["editor"], session["editor_version"] = signed.name, signed.version
    g.editor = signed
