"""How the desk's templates show stored values: times in the newsletter's zone, the classifier's confidence,
paragraphs of extracted text, links to originals."""

from __future__ import annotations

from flask import Flask

from db import clock
from review.desk.security import web_link
from review.showing import classifier_confidence


def paragraphs(text: str | None) -> list[str]:
    """Extracted text as paragraphs, one per non-blank line (shown as text, escaped: never as HTML)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def register(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = clock.local_time
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["web_link"] = web_link
    app.jinja_env.globals["confidence"] = classifier_confidence
