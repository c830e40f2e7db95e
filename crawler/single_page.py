"""Fetch one page for `newsdesk extract URL`: same user agent, robots.txt, timeout and size limit as crawls."""

from __future__ import annotations

import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urlsplit, urlunsplit

from crawler.errors import NewsdeskError
from crawler.settings import DEFAULTS, user_agent


def fetch_page(url: str, settings: dict | None = None) -> tuple[bytes, str | None, str]:
    """Return (body, content_type, final_url); NewsdeskError with a one-line reason otherwise."""
    s = {**DEFAULTS, **(settings or {})}
    agent = user_agent(s["contact"])
    if not _robots_allow(url, agent, float(s["timeout"])):
        raise NewsdeskError(f"{url}: forbidden by the site's robots.txt; not fetched")
    limit = int(float(s["max_page_mb"]) * 1024 * 1024)
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=float(s["timeout"])) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise NewsdeskError(f"{url}: larger than max_page_mb ({s['max_page_mb']} MB); not read")
            return body, response.headers.get("Content-Type"), response.geturl()
    except urllib.error.HTTPError as exc:
        raise NewsdeskError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NewsdeskError(f"{url}: cannot fetch ({reason})") from None


def _robots_allow(url: str, agent: str, timeout: float) -> bool:
    parts = urlsplit(url)
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    parser = urllib.robotparser.RobotFileParser()
    try:
        with urllib.request.urlopen(urllib.request.Request(robots_url, headers={"User-Agent": agent}),
                                    timeout=timeout) as response:
            parser.parse(response.read(512 * 1024).decode("utf-8", "replace").splitlines())
    except (urllib.error.URLError, TimeoutError, OSError):
        # No robots.txt (404) allows everything; an unreachable one: the page fetch reports the problem.
        return True
    return parser.can_fetch(agent, url)
