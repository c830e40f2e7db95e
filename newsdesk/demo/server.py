"""DemoSite: the bundled demo news site served on 127.0.0.1 by a threaded stdlib HTTP server."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from newsdesk.demo.site import NEWS_LIST_PATH, Resource, build_site

logger = logging.getLogger(__name__)

NOT_FOUND_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
                  "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p>"
                  "<p><a href=\"/\">返回首页</a></p></body></html>")
FORBIDDEN_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>403 禁止访问</title></head>"
                  "<body><h1>403</h1><p>禁止访问。</p></body></html>")


class _DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Resource]
    requests_seen: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _DemoServer
    server_version = "DemoNews/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        self.server.requests_seen.append(self.path)
        parts = urlsplit(self.path)
        if parts.path.startswith("/admin/"):
            self._send_error_page(HTTPStatus.FORBIDDEN, FORBIDDEN_PAGE, send_body)
            return
        resource = self.server.routes.get(self._route_key(parts.path, parts.query))
        if resource is None:
            self._send_error_page(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, send_body)
            return
        if self._not_modified(resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(resource)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self._send_validators(resource)
        self.end_headers()
        if send_body:
            self.wfile.write(resource.body)

    @staticmethod
    def _route_key(path: str, query: str) -> str:
        # Only the business listing paginates by query; elsewhere a query (tracking
        # parameters from the RSS feed, say) does not change the page, as on real sites.
        if path == NEWS_LIST_PATH and query:
            page = parse_qs(query).get("page", [""])[0]
            if page:
                return f"{path}?page={page}"
        return path

    def _not_modified(self, resource: Resource) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or resource.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.timezone.utc)
            return resource.last_modified.replace(microsecond=0) <= since
        return False

    def _send_validators(self, resource: Resource) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", format_datetime(resource.last_modified.astimezone(dt.timezone.utc),
                                                          usegmt=True))

    def _send_error_page(self, status: HTTPStatus, page: str, send_body: bool) -> None:
        body = page.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        logger.debug("demo site: " + format, *args)


class DemoSite:
    """The demo news site: six fictional outlets under path prefixes of one local HTTP server.

    Dates are relative to `today` (default: today in Asia/Shanghai), so the demo is always fresh."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, today: dt.date | None = None) -> None:
        self.host = host
        self.port = port
        self.today = today
        self.base_url = ""
        self._server: _DemoServer | None = None
        self._thread: threading.Thread | None = None
        self._requests: list[str] = []

    def start(self) -> str:
        """Bind, build every page for the bound address, serve in a daemon thread; returns the base URL."""
        if self._server is not None:
            return self.base_url
        server = _DemoServer((self.host, self.port), _Handler)
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        try:
            server.routes = build_site(self.base_url, self.today)
        except Exception:
            server.server_close()
            raise
        server.requests_seen = self._requests
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=f"demo-site-{port}", daemon=True)
        self._thread.start()
        logger.info("demo site serving at %s (%d URLs)", self.base_url, len(server.routes))
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server, self._thread = None, None

    @property
    def requests_seen(self) -> list[str]:
        """The request paths (with query) served so far, in order: what a crawler actually fetched."""
        return list(self._requests)

    def __enter__(self) -> DemoSite:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
