"""An issue as Markdown: the masthead, issue line and month, the contents, the sections, the closing block."""

from __future__ import annotations

import re

from review.issue_layout import CONTENTS_HEADING, Issue

# Characters that would make crawled words into markup (emphasis, links, raw HTML, headings, tables).
MARKUP = re.compile(r"([\\`*_\[\]<>#|~])")
# A line that would start a list or a heading when printed as it is.
LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape(text: str) -> str:
    text = MARKUP.sub(r"\\\1", text)
    return LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def render(issue: Issue) -> bytes:
    blocks = [f"# {escape(issue.masthead)}", issue.issue_line, issue.month_line, f"## {CONTENTS_HEADING}"]
    for section in issue.sections:
        blocks.append(f"**【{escape(section.name)}】**")
        blocks.append("\n".join(f"- {escape(story.title)}" for story in section.stories))
    for section in issue.sections:
        blocks.append(f"## 【{escape(section.name)}】")
        for story in section.stories:
            blocks.append(f"### {escape(story.title)}")
            blocks.extend(escape(paragraph) for paragraph in story.paragraphs)
            if story.source_line:
                blocks.append(escape(story.source_line))
    if issue.closing_lines:
        blocks.append("---")
        blocks.extend(escape(line) for line in issue.closing_lines)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
