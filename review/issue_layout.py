"""An issue as it is printed: masthead, issue line, month, sections of stories, closing block, and their words.

Every format (review/export/) and every screen (the CLI, the desk) reads an issue through these classes, so the
words of the layout (DESIGN.md, "The newsletter issue") are written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crawler.configuration.sections import Closing

CONTENTS_HEADING = "目录"
EDITORS_LABEL = "编辑："
EDITORS_SEPARATOR = "、"

# What a story may lack and still be printed when the editor allows it (export --allow-missing).
NO_DATE, NO_OUTLET = "no date", "no outlet"


def issue_line(year: int, number: int, total: int) -> str:
    """`(2026年第11期·总第39期)`."""
    return f"({year}年第{number}期·总第{total}期)"


def month_line(year: int, month: int) -> str:
    """`2026年11月`."""
    return f"{year}年{month}月"


def date_words(day: date) -> str:
    """`2026年11月3日`."""
    return f"{day.year}年{day.month}月{day.day}日"


def source_line(outlet: str | None, ran_on: date | None) -> str:
    """`新华社 2026年11月3日`: the outlet and the day the story ran; what is missing is left out."""
    return " ".join(part for part in (outlet, ran_on and date_words(ran_on)) if part)


@dataclass(frozen=True)
class IssueStory:
    story_id: int
    section: str
    title: str
    paragraphs: tuple[str, ...]
    outlet: str | None
    ran_on: date | None
    url: str | None = None          # the representative copy's, for the desk (not printed)
    story_version: int | None = None  # the story's version (the desk's edit forms); None once published
    edited: bool = False            # the title or the text is the editor's
    summary: str = ""               # the editor's summary, printed instead of the text ("" when none; a draft's)
    missing: tuple[str, ...] = ()   # NO_DATE, NO_OUTLET: printed only with the editor's leave
    faults: tuple[str, ...] = ()    # what stops an export whatever the editor allows (not approved any more...)

    @property
    def source_line(self) -> str:
        return source_line(self.outlet, self.ran_on)

    @property
    def anchor(self) -> str:
        """The story's id in the HTML and the PDF (contents links, page numbers)."""
        return f"story-{self.story_id}"


@dataclass(frozen=True)
class IssueSection:
    name: str
    stories: tuple[IssueStory, ...]


@dataclass(frozen=True)
class Issue:
    id: int
    year: int
    number: int
    total: int
    month: int
    status: str                      # draft or published
    version: int
    masthead: str
    closing: Closing
    sections: tuple[IssueSection, ...]
    created_by: str = ""
    created_at: str = ""
    updated_by: str | None = None    # who changed the draft last (None: nobody since it was started)
    published_at: str | None = None  # UTC ISO 8601, when it was exported first
    published_by: str | None = None

    @property
    def issue_line(self) -> str:
        return issue_line(self.year, self.number, self.total)

    @property
    def month_line(self) -> str:
        return month_line(self.year, self.month)

    @property
    def stories(self) -> list[IssueStory]:
        return [story for section in self.sections for story in section.stories]

    @property
    def editors_line(self) -> str:
        """`编辑：编辑部`; empty when sections.yaml names no editors."""
        return EDITORS_LABEL + EDITORS_SEPARATOR.join(self.closing.editors) if self.closing.editors else ""

    @property
    def closing_lines(self) -> list[str]:
        """The closing block, a line each: editors, the contact lines, the disclaimer."""
        return [line for line in (self.editors_line, *self.closing.contact, self.closing.disclaimer) if line]

    @property
    def name(self) -> str:
        """`长三角数字经济 2026年第11期`: how files and pages name the issue."""
        return f"{self.masthead} {self.year}年第{self.number}期"
