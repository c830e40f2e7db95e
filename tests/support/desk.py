"""The desk in tests: a home with editors and stories, Flask's test client signed in, forms posted with their token."""

from __future__ import annotations

import html
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import REPO

from flask import Flask
from flask.testing import FlaskClient

from db import Store
from review import accounts
from review.desk import create_app

PASSWORD = "correct horse battery"
ADDRESS = r"the desk is at (http://\S+/) \(Ctrl-C stops it\)"   # what `newsdesk review` prints once it listens
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


class Running:
    """A `newsdesk` command running in its own process, its output read line by line as it comes."""

    def __init__(self, *args: str, env: dict | None = None, sigint_ignored: bool = False,
                 module: str = "newsdesk.cli") -> None:
        """sigint_ignored: started as a script's `newsdesk ... &` starts it, Ctrl-C ignored from the start;
        module: the one `python -m` runs."""
        full_env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_HOME"}
        full_env.update(env or {})
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=full_env, cwd=REPO,
                                        preexec_fn=ignore)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, pattern: str, timeout: float = 300) -> re.Match:
        """The first line (from here on) matching pattern; fails with everything printed when it never comes."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"never printed {pattern!r}; printed:\n" + "\n".join(self.seen))
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, then the exit status once it has ended."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        while (line := self.lines.get(timeout=timeout)) is not None:
            self.seen.append(line)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def fetch(url: str, data: dict | None = None, cookie: str | None = None) -> tuple[int, dict, str]:
    """(status, headers, body) of a real HTTP request to a desk, redirects not followed."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data else None,
                                     headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode("utf-8")
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read().decode("utf-8")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in_over_http(address: str, name: str, password: str) -> str:
    """Sign in to a running desk as a browser would; returns the session cookie."""
    status, headers, body = fetch(address + "login")
    assert status == 200, body
    anonymous = headers["Set-Cookie"].split(";", 1)[0]
    status, headers, body = fetch(address + "login", {"username": name, "password": password,
                                                      "csrf_token": TOKEN.search(body).group(1)}, anonymous)
    assert status == 303, body
    return headers["Set-Cookie"].split(";", 1)[0]
