"""The desk's Flask application: sessions, the CSRF check, sign-in required, security headers, errors as pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, flash, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from crawler.configuration.home import Home
from review.desk import context, filters, security
from review.desk.issue_routes import issue_pages
from review.desk.routes import desk_pages, error_page
from review.desk.secret_key import home_secret_key

SESSION_LIFETIME = timedelta(hours=12)      # a working day: editors sign in each morning
PUBLIC_ENDPOINTS = {"desk.login", "static"}


def create_app(home: Home | Path | str, *, secret_key: str | None = None, behind_tls_proxy: bool = False) -> Flask:
    """The desk for a home. secret_key: the home's (kept in it, made once) unless given. behind_tls_proxy: the
    session cookie is Secure and the client's address and scheme come from the proxy's X-Forwarded-* headers."""
    home = home if isinstance(home, Home) else Home(Path(home))
    home.require()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or home_secret_key(home.path),
        SESSION_COOKIE_NAME="newsdesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=behind_tls_proxy,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        MAX_CONTENT_LENGTH=1024 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if behind_tls_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.extensions["newsdesk"] = context.Desk(home)
    app.jinja_env.autoescape = True
    filters.register(app)
    app.register_blueprint(desk_pages)
    app.register_blueprint(issue_pages)
    app.before_request(_require_editor)      # a signed-out editor is sent to sign in, before any CSRF refusal
    app.before_request(security.check_csrf)
    app.after_request(security.add_headers)
    app.teardown_appcontext(context.close_store)
    app.context_processor(lambda: {"csrf_token": security.csrf_token, "editor": context.editor()})
    app.register_error_handler(HTTPException, error_page)
    return app


def _require_editor():
    """Every page but the sign-in page (and the static files it needs) wants a signed-in, enabled editor."""
    if request.endpoint in PUBLIC_ENDPOINTS or context.editor() is not None:
        return None
    if request.method == "POST":
        flash("you were signed out (the session ended or the account changed); sign in and try again", "error")
        return redirect(url_for("desk.login"), 303)
    return redirect(url_for("desk.login", next=request.full_path.rstrip("?")), 303)
