"""What keeps the desk safe in a browser: the CSRF check, the security headers, redirects that stay on the desk
and links to originals that can only be web pages."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Response, abort, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"      # the same token, for the desk's own script posting with fetch
CSRF_REFUSED = ("this form is out of date or did not come from the desk (its CSRF token is missing or wrong); "
                "reload the page and try again")

# No inline script or style and no other origin: crawled text that slipped through escaping still cannot run.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csrf_token() -> str:
    """This session's token, made on first use (the templates put it in every form)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse (400, one line) a POST whose token is not this session's: our own check, a constant-time compare
    of the form field (or header) with the token kept in the signed session cookie."""
    if request.method != "POST":
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get(CSRF_FIELD) or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, CSRF_REFUSED)


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"   # the back button after logout shows nothing
    return response


def local_path(target: str | None, default: str = "/") -> str:
    """target when it is a path on this desk (/..., not //host or a URL); else default: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return default
    return target


def web_link(url: str | None) -> str | None:
    """The URL when it is an http(s) address, the only kind the desk makes a link of; None for javascript:,
    data: and anything else (shown as text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None
