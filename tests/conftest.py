"""Shared fixtures: a scriptable HTTP server on 127.0.0.1, homes in tmp_path, the CLI run for real."""

from __future__ import annotations

from newsdesk.numeric_threads import limit_numeric_threads

# Before numpy loads: this process, the xdist workers and every `newsdesk` the tests start inherit it.
limit_numeric_threads()

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# The suite's "now", for the product (db/clock.py reads it, in this process and every command the
# tests start) and for the tests' own dates. tests/test_clock.py runs the date-dependent tests (marked
# `clock`) again a year later, so a test that reads the wall clock behind the clock's back fails.
SUITE_NOW = "2026-11-20T10:00:00+08:00"
os.environ.setdefault("NEWSDESK_NOW", SUITE_NOW)


def pytest_configure(config):
    config.addinivalue_line("markers", "clock: depends on today's date; run again a year ahead by test_clock.py")


def shared_data(*parts: str) -> Path:
    """A folder of ../shared/data, or skip: a fresh clone has no ../shared (CI does)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared/data beside the repository (CI has it)")
    return path


@dataclass
class Route:
    """What the test server answers for one path."""

    body: bytes | Callable = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        server: TestServer = self.server.owner  # type: ignore[attr-defined]
        if self.path.startswith(("http://", "https://")):
            # Used as the crawl's proxy: requests for other hosts end here (and 404), never on the internet.
            own = server.url + "/"
            self.path = "/" + self.path[len(own):] if self.path.startswith(own) else "/external/" + self.path
        server.requests.append((self.path, dict(self.headers)))
        route = server.routes.get(self.path.split("?", 1)[0]) or server.routes.get(self.path)
        if route is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        if callable(route.body):
            route.body(self)
            return
        self._send(route.status, route.headers, route.body)

    def do_CONNECT(self):  # https through the proxy: refused, so nothing leaves this machine
        self._send(405, {"Content-Type": "text/plain"}, b"no tunnels")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TestServer:
    """A real HTTP server on 127.0.0.1 (or another loopback address: another host) whose answers a test sets per path."""

    __test__ = False

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {"/robots.txt": Route(b"User-agent: *\nAllow: /\n",
                                                              headers={"Content-Type": "text/plain"})}
        self.requests: list[tuple[str, dict]] = []
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, body: bytes | str | Callable = b"", status: int = 200,
            content_type: str | None = "text/html; charset=utf-8", **headers: str) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
        self.routes[path] = Route(body, status, all_headers)
        return self.url + path


@pytest.fixture
def server():
    srv = TestServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def server_on():
    """Start a TestServer on another loopback address, another host to the crawler: server_on("127.0.0.2").

    Linux routes all of 127.0.0.0/8 to the loopback interface."""
    started: list[TestServer] = []

    def start(host: str) -> TestServer:
        srv = TestServer(host)
        srv.thread.start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def trickle(chunks: int, delay: float, chunk: bytes = b"<p>slow</p>"):
    """A handler that sends a page a few bytes at a time, slower than any timeout should allow."""
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(chunk) * chunks))
        request.end_headers()
        try:
            for _ in range(chunks):
                request.wfile.write(chunk)
                request.wfile.flush()
                time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


# -- homes and the CLI -------------------------------------------------------------------------


def write_sources(home: Path, sources: list[dict], **settings) -> None:
    """A sources.yaml as an operator writes it (JSON is valid YAML)."""
    home.mkdir(parents=True, exist_ok=True)
    document = {"sources": sources, "settings": {"per_domain_delay": 0, "timeout": 20, "retries": 0,
                                                 "contact": "https://example.org/newsdesk-tests", **settings}}
    (home / "sources.yaml").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def home(tmp_path) -> Path:
    """An initialised home with the default sections and no sources."""
    path = tmp_path / "home"
    result = CliRunner().invoke(cli_main(), ["init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def crawler_with(context, settings: dict | None = None, **spider):
    """A Scrapy crawler, not started, whose spider carries a crawl context as the runner's do: for building one
    component with from_crawler and calling it directly (spider: source=..., run_id=...)."""
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict=settings or {})
    crawler.spider = SimpleNamespace(context=context, **{"source": None, "run_id": None, **spider})
    return crawler


def cli_main():
    from newsdesk.cli import main
    return main


def cli(*args: str, env: dict | None = None, timeout: float = 600,
        input: str | None = None) -> "subprocess.CompletedProcess[str]":
    """Run `newsdesk ARGS` in its own process, as a user or cron would (Scrapy's reactor runs once a process)."""
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_HOME"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "newsdesk.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=REPO, timeout=timeout, input=input)


def queue_rows(home: Path, *extra: str) -> list[dict]:
    result = cli("--home", str(home), "queue", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
