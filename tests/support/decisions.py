"""Stories in a store as editors left them: added by hand, the demo's originals."""

from __future__ import annotations

from db import Store
from newsdesk.demo import demo_catalogue


def originals():
    return [entry for entry in demo_catalogue() if entry["copy_of"] is None]


def add(store: Store, n: int, title: str, text: str, **fields) -> int:
    id, created = store.add_candidate({"url": f"https://news.example.cn/{n}.html", "source": "demo",
                                       "title": title, "text": text, **fields})
    assert created
    return id
