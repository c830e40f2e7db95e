"""An issue as one self-contained HTML page (its styles inline, nothing fetched), printable on A4; and the
paged HTML the PDF is made from."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from review.issue_layout import CONTENTS_HEADING, Issue


def page_html(issue: Issue, *, paged: bool = False) -> str:
    """The page; `paged` adds the PDF's page numbers (CSS a browser does not print)."""
    environment = Environment(loader=PackageLoader("review.export", "templates"), autoescape=True,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.get_template("issue.html").render(issue=issue, paged=paged, contents_heading=CONTENTS_HEADING)


def render(issue: Issue) -> bytes:
    return page_html(issue).encode("utf-8")
