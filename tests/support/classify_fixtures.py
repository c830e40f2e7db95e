"""Fixtures of the classifier's tests (import them into a test module): the default newsletter, its untrained
classifier, a decided home, the installed encoder."""

from __future__ import annotations

import pytest
from conftest import REPO

from crawler.classify import Classifier
from crawler.classify.encoder import DEFAULT_ENCODER, encoders_folder, is_installed
from crawler.configuration.sections import load_sections
from db import Store
from support.decisions import add, originals

DEFAULT_SECTIONS = REPO / "crawler" / "configuration" / "defaults" / "sections.yaml"
INSTALLED = encoders_folder() / DEFAULT_ENCODER


@pytest.fixture(scope="module")
def newsletter():
    return load_sections(DEFAULT_SECTIONS)


@pytest.fixture(scope="module")
def cold(newsletter):
    return Classifier(newsletter)


@pytest.fixture
def decided_home(home, cold):
    """A home whose store holds the demo's stories, decided as an editor would: approved into
    their true section (some after a move from the classifier's choice), off-topic ones rejected."""
    with Store(home / "newsdesk.db") as store:
        for n, entry in enumerate(originals()):
            decision = cold.classify(entry["title"], entry["text"])
            id = add(store, n, entry["title"], entry["text"], section=decision.section,
                     status="filtered" if decision.filtered else "pending")
            if entry["section"] is None:
                store.set_status(id, "rejected", actor="editor")
            elif entry["section"] != decision.section and n % 2:
                store.move(id, entry["section"], actor="editor")
            else:
                store.set_status(id, "approved", section=entry["section"], actor="editor")
    return home


@pytest.fixture
def needs_m3e():
    """The default encoder is part of the product (`make test` installs it): its absence is a failure."""
    if not is_installed(INSTALLED):
        pytest.fail(f"m3e-small is not installed in {INSTALLED}: run `make test` "
                    "(or `newsdesk classify encoder install`)")
