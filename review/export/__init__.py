"""The formats an issue is exported in: Markdown, a self-contained HTML page, DOCX and PDF (A4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crawler.errors import NewsdeskError
from review.issue_layout import Issue


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    renderer: Callable[[Issue], bytes]

    def render(self, issue: Issue) -> bytes:
        return self.renderer(issue)


# The DOCX and PDF libraries load only when a file of theirs is made (WeasyPrint takes half a second).
def _markdown(issue: Issue) -> bytes:
    from review.export.markdown_text import render
    return render(issue)


def _html(issue: Issue) -> bytes:
    from review.export.html_page import render
    return render(issue)


def _docx(issue: Issue) -> bytes:
    from review.export.pdf_document import story_pages
    from review.export.word_document import render
    return render(issue, story_pages(issue))


def _pdf(issue: Issue) -> bytes:
    from review.export.pdf_document import render
    return render(issue)


FORMATS = {format.name: format for format in (
    Format("md", "md", "text/markdown; charset=utf-8", _markdown),
    Format("html", "html", "text/html; charset=utf-8", _html),
    Format("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx),
    Format("pdf", "pdf", "application/pdf", _pdf),
)}


def format_named(name: str) -> Format:
    if name not in FORMATS:
        raise NewsdeskError(f"no export format '{name}'; choose one of: {', '.join(FORMATS)}")
    return FORMATS[name]
