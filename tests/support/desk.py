"""The desk in tests: a home with editors and stories, Flask's test client signed in, forms posted with their token."""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from db import Store
from review import accounts
from review.desk import create_app

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_editor(home: Path, name: str, password: str = PASSWORD) -> None:
    with Store(home / "newsdesk.db") as store:
        accounts.add_editor(store, name, password)


def add_story(home: Path, n: int, title: str, text: str = "正文。" * 20, **fields) -> int:
    """A crawled story of one copy; returns its story id."""
    with Store(home / "newsdesk.db") as store:
        id, created = store.add_candidate({"url": f"https://news.example.cn/{n}.html", "source": "wire",
                                           "outlet": "新华社", "title": title, "text": text,
                                           "published_at": "2026-11-03T09:30:00+08:00", **fields})
        assert created
        return store.get_candidate(id)["cluster_id"]


def desk_app(home: Path, **options) -> Flask:
    app = create_app(home, **options)
    app.testing = True
    return app


def token(client: FlaskClient, page: str = "/login") -> str:
    """The CSRF token the forms of a page carry, read from the page as a browser would."""
    found = TOKEN.search(client.get(page).get_data(as_text=True))
    assert found, f"{page} has no form with a csrf_token"
    return found.group(1)


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD, **environ):
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token(client)},
                       **({"environ_base": environ} if environ else {}))


def signed_in_client(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    answer = sign_in(client, name)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def post(client: FlaskClient, url: str, data: dict | None = None, *, page: str = "/", **options):
    """Post a form as the desk's pages do: with the session's CSRF token (read from `page`)."""
    return client.post(url, data={"csrf_token": token(client, page), **(data or {})}, **options)


def flashes(client: FlaskClient, page: str = "/") -> list[str]:
    """The messages the next page shows (flashed by the last action), as text."""
    text = client.get(page).get_data(as_text=True)
    return [html.unescape(re.sub(r"\s+", " ", message).strip()) for message in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>',
                                                                            text, re.S)]
