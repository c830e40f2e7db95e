"""Who wrote and who published an article: bylines, 作者/记者 lines, 来源 lines, JSON-LD and <meta>."""

from __future__ import annotations

import logging
import re

from crawler.cjk import HAN
from crawler.extraction.metadata import PageMetadata, json_ld_text

logger = logging.getLogger(__name__)

# Visible "source" lines on Chinese pages name the outlet: 来源：新华社 / 稿源：人民日报 / 信息来源：市政府办公室.
_SOURCE_LINE = re.compile(
    r"(?:文章|新闻|信息|稿件|内容|消息)?(?:来源|稿源|出处|来自)\s*[:：]\s*[\[【(（]?\s*"
    r"(?P<outlet>[^\s|｜/,，;；:：<>\[\]【】()（）]{2,30})"
)
# What a 来源 line says when it names no publisher.
_NOT_AN_OUTLET = re.compile(r"^(网络|互联网|转载|转载文章|本站|本网|本站原创|原创|未知|综合|网友|其他|admin)$")
_AUTHOR_LINE = re.compile(
    r"(?:作者|撰文|撰稿|文)\s*[:：/｜|]\s*(?P<author>[^\s|｜/,，;；:：<>\[\]【】()（）\d\"'=“”‘’]{2,20})"
    r"(?=$|[\s|｜/,，;；<>\[\]【】()（）])"
)
# "新华社记者 张三", "（记者 林晓岚）", "本报记者 王燕平 方云凤": reporters' names, two to five characters each.
_REPORTER = re.compile(
    r"(?:^|[\s（(【\[])[^\s（(【\[]{0,8}记者\s*[:：]?\s*"
    rf"(?P<author>[{HAN}·]{{2,5}}(?:[\s、]+[{HAN}·]{{2,5}}){{0,4}})(?=$|[\s）)】\]|｜])"
)
_NOT_A_NAME = re.compile(r"^(未知|佚名|匿名|admin|administrator|null|none|unknown|本站|本网|编辑部)$", re.IGNORECASE)
# Keyword lists, markup debris and web addresses that CMSs put in author fields.
_NOT_NAME_CHARS = re.compile(r"[,，;；=\"<>|]|www\.|\.(com|cn|net|org)\b|https?:", re.IGNORECASE)


def find_author(metadata: PageMetadata, byline_lines: list[str]) -> str | None:
    """Author from structured data, then a visible 作者：or 记者 byline around the body, then <meta>.

    Visible bylines come before <meta name=author>, which Chinese CMSs often fill with the site's name."""
    for article in metadata.articles():
        authors = article.get("author")
        names = [json_ld_text(author) for author in (authors if isinstance(authors, list) else [authors])]
        names = [name for name in names if name and _is_name(name)]
        if names:
            return ", ".join(dict.fromkeys(names))
    for pattern in (_AUTHOR_LINE, _REPORTER):
        for line in byline_lines:
            match = pattern.search(line[:150])
            if match and _is_name(match.group("author")):
                return re.sub(r"[\s、]+", " ", match.group("author"))
    name = metadata.first("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
    if name:
        name = re.sub(r"^(by|作者[:：])\s*", "", name, flags=re.IGNORECASE)
        if _is_name(name):
            return name
    return None


def find_outlet(metadata: PageMetadata, header_lines: list[str]) -> str | None:
    """The publisher the page names: a visible 来源 line, og:site_name, JSON-LD publisher."""
    for line in header_lines:
        match = _SOURCE_LINE.search(line)
        if match and not _NOT_AN_OUTLET.match(match.group("outlet")):
            return match.group("outlet")
    site = metadata.first("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")
    if site:
        return site.lstrip("@")
    for article in metadata.articles():
        name = json_ld_text(article.get("publisher"))
        if name:
            return name
    return None


def _is_name(value: str) -> bool:
    value = value.strip()
    return 1 < len(value) <= 40 and not _NOT_A_NAME.match(value) and not _NOT_NAME_CHARS.search(value)
