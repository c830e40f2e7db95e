"""An issue as an A4 PDF (WeasyPrint): the contents give the page each story starts on, Chinese in Noto CJK."""

from __future__ import annotations

import logging
import shutil
import subprocess

from crawler.cjk import CJK_CHARACTER
from crawler.errors import NewsdeskError
from review.export.html_page import page_html
from review.issue_layout import Issue

logger = logging.getLogger(__name__)


def render(issue: Issue) -> bytes:
    return _laid_out(issue).write_pdf()


def story_pages(issue: Issue) -> dict[str, int]:
    """The page (1 = the first) each story starts on, by its anchor."""
    pages: dict[str, int] = {}
    for number, page in enumerate(_laid_out(issue).pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return {story.anchor: pages[story.anchor] for story in issue.stories if story.anchor in pages}


def refuse_fetch(url: str, *args, **kwargs):
    """The page names nothing outside itself; should crawled text ever smuggle a URL in, it is not fetched."""
    raise ValueError(f"not fetched: an exported issue loads nothing from outside ({url})")


def _check_chinese_font(issue: Issue) -> None:
    """A PDF of Chinese text drawn without a Chinese font is boxes: refuse it, saying what to install."""
    words = issue.masthead + "".join(story.title for story in issue.stories)
    if not CJK_CHARACTER.search(words) or not shutil.which("fc-list"):
        return
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30,
                           check=False).stdout
    if not found.strip():
        raise NewsdeskError("PDF export needs a Chinese font and this machine has none: install Noto CJK "
                            "(Debian: apt-get install fonts-noto-cjk; `make test` does it)")


def _laid_out(issue: Issue):
    _check_chinese_font(issue)
    try:
        import weasyprint
    except OSError as error:      # its Pango and HarfBuzz libraries are missing
        raise NewsdeskError("PDF export needs Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0): "
                            f"{error}") from None
    return weasyprint.HTML(string=page_html(issue, paged=True), url_fetcher=refuse_fetch).render()
