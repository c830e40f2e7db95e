"""An issue of fixed stories in every format: Markdown and HTML against golden files, the DOCX and the PDF read
back, the HTML and the PDF drawn as pictures."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from support.issues import FIXED_STORIES, approve_fixed_stories

from crawler.configuration.home import Home
from db import Store
from review import issues

GOLDEN = Path(__file__).parent / "golden"
# UPDATE_GOLDEN=1 writes the golden files anew from this run (then read the diff before committing it).
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

SECTION_ORDER = ["政策要闻", "区域实践", "会议论坛", "科技前沿"]
TITLES = ["江苏发布智能制造标准体系建设指南", "三省一市签署长三角数据跨域流通合作协议",
          "苏州工业园区推出“算力券” <b>单家企业</b> *最高* 500万元",
          "南京江北新区集成电路产业项目集中签约 总投资超300亿元", "第五届长三角数字经济发展论坛在嘉兴举行",
          "合肥科研团队实现逻辑量子比特纠错新突破"]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Issue 39 of the fixed stories, published by its first export; returns (store path, newsletter)."""
    home = tmp_path_factory.mktemp("issue") / "home"
    from click.testing import CliRunner

    from newsdesk.cli import main
    assert CliRunner().invoke(main, ["init", str(home)]).exit_code == 0
    newsletter = Home(home).sections()
    with Store(home / "newsdesk.db") as store:
        approve_fixed_stories(store, newsletter)
        issues.new_issue(store, newsletter, actor="alice", year=2026, number=11, total=39, month=11)
        issues.export_issue(store, newsletter, 39, "md", actor="alice")
    return home / "newsdesk.db", newsletter


def export(published, format: str) -> bytes:
    database, newsletter = published
    with Store(database) as store:
        return issues.export_issue(store, newsletter, 39, format, actor="alice").data


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(data)
    assert data.decode("utf-8") == path.read_text(encoding="utf-8")


def test_markdown_is_the_golden_issue(published):
    check_golden("issue-39.md", export(published, "md"))


def test_html_is_the_golden_issue_self_contained_with_crawled_markup_escaped(published):
    page = export(published, "html")
    check_golden("issue-39.html", page)
    text = page.decode()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(""", text), "it fetches nothing from outside"
    assert "@page { size: A4;" in text


def test_docx_has_heading_styles_sections_in_order_titles_source_lines_and_a_contents_field(published):
    from docx import Document

    data = export(published, "docx")
    document = Document(io.BytesIO(data))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in ("Title", "Heading 1", "Heading 2")]
    assert styled[0] == ("Title", "长三角数字经济")
    assert [text for style, text in styled if style == "Heading 1"] == [f"【{name}】" for name in SECTION_ORDER]
    assert sorted(text for style, text in styled if style == "Heading 2") == sorted(TITLES)
    texts = [p.text for p in document.paragraphs]
    assert "(2026年第11期·总第39期)" in texts and "2026年11月" in texts and "目录" in texts
    for title, outlet, line in (("三省一市签署长三角数据跨域流通合作协议", "新华社", "新华社 2026年11月3日"),
                                ("合肥科研团队实现逻辑量子比特纠错新突破", "数智科技报", "数智科技报 2026年11月10日")):
        at = texts.index(title, texts.index("目录") + len(TITLES) + len(SECTION_ORDER))
        story = next(s for s in FIXED_STORIES if s[1] == title)
        assert texts[at + 1: at + 1 + len(story[4])] == story[4]
        assert texts[at + 1 + len(story[4])] == line
    assert texts[-3:] == ["联系电话：021-00000000", "电子邮箱：editor@example.org", "本刊内容选自公开报道，仅供内部参考。"]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'TOC \\o "1-2"' in xml and xml.count("PAGEREF _Toc") == len(TITLES)
    # The contents come filled in with the pages the PDF's layout gives each story.
    from docx.oxml.ns import qn

    shown = {"".join(t.text for t in link.iter(qn("w:t"))) for link in document.element.body.iter(qn("w:hyperlink"))}
    database, newsletter = published
    with Store(database) as store:
        issue = issues.show_issue(store, newsletter, 39)
    from review.export.pdf_document import story_pages
    pages = story_pages(issue)
    assert shown == {f"{story.title}{pages[story.anchor]}" for story in issue.stories}
    assert len(set(pages.values())) > 1
    assert "w:updateFields" in zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_every_title_and_the_contents_page_numbers_are_where_the_stories_start(published):
    from pypdf import PdfReader

    data = export(published, "pdf")
    reader = PdfReader(io.BytesIO(data))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842], "A4"
    pages = pdf_pages(data)
    assert len(pages) >= 3, "the long story spreads the issue over pages"
    contents = pages[0]
    for title in TITLES:
        found = re.search(re.escape(title[:12]) + r".*?\.{3,}\s*(\d+)", contents, re.DOTALL)
        assert found, f"{title} is not in the contents"
        number = int(found[1])
        heading = [line for line in pages[number - 1].splitlines() if title[:12] in line]
        assert heading, f"{title}: the contents say page {number}, it is not there"
        assert all(title[:12] not in page for page in pages[1:number - 1]), f"{title} starts before page {number}"
    everything = "\n".join(pages)
    assert "新华社 2026年11月3日" in everything and "本刊内容选自公开报道，仅供内部参考。" in pages[-1]


def test_exporting_again_gives_the_same_bytes_in_every_format(published):
    for format in ("md", "html", "docx", "pdf"):
        assert export(published, format) == export(published, format), format


def colours(picture) -> tuple[int, int]:
    """(red pixels, other pixels darker than the paper) of a picture."""
    import numpy

    pixels = numpy.asarray(picture).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    red = (r > 150) & (g < 100) & (b < 100)
    return int(red.sum()), int(((r + g + b < 600) & ~red).sum())


def test_the_pdf_draws_as_pages_with_chinese_text(published, tmp_path):
    from PIL import Image

    (tmp_path / "issue.pdf").write_bytes(export(published, "pdf"))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(tmp_path / "issue.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    first = Image.open(tmp_path / "page-1.png").convert("RGB")
    assert first.size == (331, 468), "A4 at 40 dpi"
    red, ink = colours(first)
    assert red > 500, "the red masthead is drawn"
    assert ink > 3000, "the contents are drawn"
    assert colours(Image.open(tmp_path / "page-2.png").convert("RGB"))[1] > 10000, "a page of text is drawn"


def test_the_html_page_draws_in_chromium(published, tmp_path):
    from PIL import Image

    page = tmp_path / "issue.html"
    page.write_bytes(export(published, "html"))
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={tmp_path / 'shot.png'}", "--window-size=900,1200", page.as_uri()],
                   check=True, timeout=120, capture_output=True)
    red, ink = colours(Image.open(tmp_path / "shot.png").convert("RGB"))
    assert red > 1000 and ink > 10000, "the red masthead and the contents are drawn"
