"""An issue as a Word document (python-docx): real heading styles and a contents field over them, A4.

The masthead is the Title style, each section's 【name】 Heading 1 and each story's title Heading 2, so Word's
navigation pane and its contents field (TOC, levels 1-2, page numbers for the stories) work on the file. The
field comes filled in with the page numbers of the PDF's layout, which this document's page setup follows; Word
recomputes them when it opens the file (it asks to update the fields).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from review.issue_layout import CONTENTS_HEADING, Issue, IssueStory

SERIF, SANS = "宋体", "黑体"        # what Word on a Chinese desktop has; other systems substitute their own
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_PT, LINE_PT = 12, 21.6        # as the PDF: 12pt text, line height 1.8
TEXT_WIDTH = Mm(210 - 26 - 24)     # A4 less the PDF's side margins
# The date a draft's file carries (a published issue's is its publication), so the same issue gives the same bytes.
UNDATED = datetime(2000, 1, 1, tzinfo=UTC)


def render(issue: Issue, story_pages: Mapping[str, int] | None = None) -> bytes:
    """The .docx; story_pages (a story's anchor: the page it starts on) fills in the contents' numbers."""
    document = Document()
    _page_setup(document)
    _styles(document)
    _masthead(document, issue)
    _contents(document, issue, story_pages or {})
    for place, section in enumerate(issue.sections):
        heading = document.add_paragraph(f"【{section.name}】", style="Heading 1")
        heading.paragraph_format.page_break_before = place == 0
        for story in section.stories:
            _story(document, story)
    _closing(document, issue)
    return _fixed_dates(document, issue)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(26), Mm(24)
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    _field(footer, "PAGE", "1")
    footer.add_run(" —")


def _styles(document) -> None:
    styles = document.styles
    _font(styles["Normal"], SERIF, BODY_PT)
    styles["Normal"].paragraph_format.line_spacing = Pt(LINE_PT)
    styles["Normal"].paragraph_format.space_after = Pt(0)
    for name, size, color, align in (("Title", 30, RED, WD_ALIGN_PARAGRAPH.CENTER),
                                     ("Heading 1", 16, RED, None), ("Heading 2", 14, None, WD_ALIGN_PARAGRAPH.CENTER),
                                     ("TOC Heading", 15, None, WD_ALIGN_PARAGRAPH.CENTER)):
        style = styles[name]
        _font(style, SANS, size, color=color, bold=True)
        style.paragraph_format.alignment = align
        style.paragraph_format.line_spacing = 1.3
        style.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 0)
        style.paragraph_format.space_after = Pt(8)
    title = styles["Title"].element.pPr
    for border in title.findall(qn("w:pBdr")):   # the template's blue rule under the title
        title.remove(border)
    for level, indent in ((1, 0), (2, 2 * BODY_PT)):
        style = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.bold = level == 1
        style.paragraph_format.left_indent = Pt(indent)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _font(style, east_asian: str, size: float, *, color: RGBColor | None = None, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = color or RGBColor(0x11, 0x11, 0x11)
    style.font.name = "Times New Roman"
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _masthead(document, issue: Issue) -> None:
    document.add_paragraph(issue.masthead, style="Title")
    for line in (issue.issue_line, issue.month_line):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _border(document.paragraphs[-1], "bottom", "double", color="C00000")


def _contents(document, issue: Issue, story_pages: Mapping[str, int]) -> None:
    """A TOC field over headings 1-2 (no page numbers for the sections), filled in as Word would fill it."""
    document.add_paragraph(CONTENTS_HEADING, style="TOC Heading")
    entries = []
    for section in issue.sections:
        entries.append(("toc 1", f"【{section.name}】", None))
        entries.extend(("toc 2", story.title, story) for story in section.stories)
    for place, (style, text, story) in enumerate(entries):
        paragraph = document.add_paragraph(style=style)
        if place == 0:
            _field_start(paragraph, 'TOC \\o "1-2" \\n "1-1" \\h \\z \\u')
        if story is None:
            paragraph.add_run(text)
        else:
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), _bookmark(story))
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            link.append(_run(text))
            link.append(_run(tab=True))
            _field(link, f"PAGEREF {_bookmark(story)} \\h", str(story_pages.get(story.anchor, "")))
        if place == len(entries) - 1:
            paragraph._p.append(_fld_char("end"))
    document.add_paragraph()


def _story(document, story: IssueStory) -> None:
    title = document.add_paragraph(style="Heading 2")
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(story.story_id))
    start.set(qn("w:name"), _bookmark(story))
    title._p.append(start)
    title.add_run(story.title)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(story.story_id))
    title._p.append(end)
    for text in story.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    if story.source_line:
        source = document.add_paragraph(story.source_line)
        source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        source.runs[0].font.size = Pt(10.5)
        source.paragraph_format.space_after = Pt(10)


def _closing(document, issue: Issue) -> None:
    for place, line in enumerate(issue.closing_lines):
        paragraph = document.add_paragraph(line)
        paragraph.runs[0].font.size = Pt(10.5)
        if place == 0:
            paragraph.paragraph_format.space_before = Pt(24)
            _border(paragraph, "top", "single")


def _bookmark(story: IssueStory) -> str:
    # A name starting with _Toc is Word's own kind of bookmark: hidden from the user's list of bookmarks.
    return f"_Toc{story.story_id:09d}"


def _run(text: str = "", *, tab: bool = False):
    run = OxmlElement("w:r")
    if tab:
        run.append(OxmlElement("w:tab"))
    else:
        node = OxmlElement("w:t")
        node.set(qn("xml:space"), "preserve")
        node.text = text
        run.append(node)
    return run


def _fld_char(kind: str):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _field_start(parent, instruction: str) -> None:
    parent = getattr(parent, "_p", parent)
    parent.append(_fld_char("begin"))
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run.append(text)
    parent.append(run)
    parent.append(_fld_char("separate"))


def _field(parent, instruction: str, shown: str) -> None:
    """A field (PAGE, PAGEREF) showing `shown` until Word updates it."""
    _field_start(parent, instruction)
    parent = getattr(parent, "_p", parent)
    parent.append(_run(shown))
    parent.append(_fld_char("end"))


def _border(paragraph, side: str, kind: str, color: str = "111111") -> None:
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for name, value in (("w:val", kind), ("w:sz", "12" if kind == "double" else "6"), ("w:space", "4"),
                        ("w:color", color)):
        line.set(qn(name), value)
    borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def _fixed_dates(document, issue: Issue) -> bytes:
    """The file's bytes, dated by the issue's publication (its core properties and every zip entry), and with
    Word told to update the fields on opening."""
    when = datetime.fromisoformat(issue.published_at) if issue.published_at else UNDATED
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = issue.name, issue.masthead, issue.masthead
    properties.created = properties.modified = properties.last_printed = when.replace(tzinfo=None)
    properties.revision = 1
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
    written = io.BytesIO()
    document.save(written)
    fixed = io.BytesIO()
    stamp = when.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=stamp), source.read(entry.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()
