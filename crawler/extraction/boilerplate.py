"""Recognise and strip lines that are page furniture, not article text: footers, editor, share and paging lines."""

from __future__ import annotations

import re

from crawler.extraction.date_text import dates_in_text

# Legal and site footers; these may be long, so they are recognised at any length up to LEGAL_MAX_CHARS.
# Read in lower case (several times faster than re.IGNORECASE on long lines).
_LEGAL = re.compile(
    r"版权所有|版权声明|免责声明|著作权|侵权|icp\s*备|icp\s*证|icp证|网安备|公网安备|京公网|沪公网|增值电信|"
    r"主办单位|承办单位|协办单位|主办[:：]|承办[:：]|技术支持[:：]|网站标识码|政府网站找错|特别声明|"
    r"未经.{0,12}(授权|许可|同意).{0,12}(转载|复制|使用|镜像)|不得(转载|复制)|转载请注明|"
    r"copyright|\u00a9|all rights reserved|terms of (use|service)|privacy policy|cookie policy|"
    r"personal,? non-?commercial use|order (presentation-ready copies|reprints)"
)
LEGAL_MAX_CHARS = 400

# Short lines that label, navigate or share rather than tell.
_FURNITURE_LINE = re.compile(
    r"^(\W|\d)*("
    r"责任编辑|责编|编辑[:：]|编辑\s|校对[:：]|审核[:：]|审校[:：]|终审[:：]|监制[:：]|值班编辑|"
    r"(本文|文章|新闻|信息|稿件|内容|消息)?来源[:：]|本文来自|作者[:：]|记者[:：]|通讯员[:：]|摄影[:：]|图片来源|"
    r"(发布|发表|更新|录入|上传)(时间|日期)|时间[:：]|日期[:：]|"
    r"上一篇|下一篇|上一页|下一页|上一条|下一条|前一篇|后一篇|首页|尾页|返回(顶部|首页|列表|上页)|关闭(窗口|本页)|"
    r"第\s*\d+\s*页|共\s*\d+\s*页|(下载|安装|打开).{0,12}(客户端|APP)|"
    r"(索\s*引\s*号|发文机关|发文字号|成文日期|发布机构|主题分类|公文种类|主\s*题\s*词|分\s*类)[:：]?\s*$|"
    r"打印(本页|本文|此文|文章)?|【?打印|收藏(本文|本页|此文)?|推荐给|发送给|分享到|分享至|字号|【?字体|"
    r"点击(数|量|次数|率)|阅读(数|量|次数)|浏览(数|量|次数)|访问(量|次数)|"
    r"我要(评论|纠错|打印)|发表评论|网友评论|查看评论|评论\(|参与评论|已有\d+|相关(新闻|阅读|文章|链接|报道|推荐|稿件)|"
    r"热点推荐|延伸阅读|推荐阅读|更多(新闻|阅读|精彩|内容)|热门(新闻|文章|推荐)|"
    r"扫一扫|扫描二维码|二维码|微信(公众号|扫)|关注我们|"
    r"share (this|on)|sign up|subscribe|newsletter|advertisement|related (articles|stories|posts|news)|"
    r"read more|click here|follow us|comments?\b|leave a (comment|reply)|posted in|filed under|tags?:|"
    r"print( this)? (article|page|story)|order reprints|text size|font size|e-?mail this|artikel drucken|"
    r"imprimer( l'article)?|imprimir"
    r")",
    re.IGNORECASE,
)
FURNITURE_LINE_MAX_CHARS = 80
# Short lines above a repeated headline (kicker, section, tools) are the page's header; at most this many.
KICKER_LINES_MAX = 5
KICKER_MAX_CHARS = 80
# Promotion of the outlet's own channels anywhere in a short line: "欢迎扫描左方二维码关注…", "新浪新闻公众号".
_PROMOTION = re.compile(r"扫(?:描|一扫).{0,10}二维码|二维码.{0,10}关注|^\S{2,12}(?:公众号|客户端)$|"
                        r"(?:enable|activate|aktivieren|activer|activa|включите).{0,30}javascript|javascript\s*を有効",
                        re.IGNORECASE)


# "新华社记者 张三", "本报通讯员 李四", "By Jane Doe": a byline leading or closing the body.
_BYLINE = re.compile(
    r"^(?:[^\s，。]{0,12}(?:记者|通讯员|撰稿|撰文)\s*[:：]?\s*\S{2,}|by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})$",
    re.IGNORECASE,
)
_ENDS_WITH_DATE = re.compile(r"(?:(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2})?|\d{1,2}\s*[:：h時]\s*\d{2}|日|分)"
                             r"(?:\s*(?:Uhr|г\.?|[AaPp]\.?[Mm]\.?))?\W{0,3}$")
_DATE_LIKE = re.compile(r"(19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}:\d{2}")
_SENTENCE_MARK = re.compile(r"[。！？!?；;，,]")
_ADDRESS = re.compile(r"^https?://\S+$")
_ENDS_A_SENTENCE = re.compile(r"[。！？.!?]['\"”’」）)]?$")
_NON_WORD = re.compile(r"\W+")


# A notice to readers of old browsers, which some templates print above the article.
# Worded as notices are, not as a story about browsers is ("users should update their browsers" stays).
_BROWSER_NOTICE = re.compile(
    r"(?:please|kindly)\s+(?:update|upgrade|switch)\b.{0,30}\bbrowser|"
    r"(?:your|this) (?:web )?browser is (?:not supported|no longer supported|out of date|outdated)|"
    r"you are (?:on|using) (?:internet explorer|an? (?:old|outdated|unsupported) browser)|"
    r"ihr browser ist veraltet|votre navigateur (?:est obsolète|n'est plus)|"
    r"(?:tu|su|seu) navegador (?:está desactualizado|está desatualizado|no es compatible|não é suportado)|"
    r"您的浏览器版本过低|请(?:升级|更新)(?:您的)?浏览器", re.IGNORECASE)
BROWSER_NOTICE_MAX_CHARS = 240


def is_legal_notice(text: str) -> bool:
    """A copyright, licence, registration or site-owner line."""
    return len(text) <= LEGAL_MAX_CHARS and bool(_LEGAL.search(text.lower()))


def is_furniture_line(text: str) -> bool:
    """A short label, editor, paging or sharing line."""
    return len(text) <= FURNITURE_LINE_MAX_CHARS and bool(_FURNITURE_LINE.search(text) or _PROMOTION.search(text))


def is_boilerplate(text: str) -> bool:
    return is_legal_notice(text) or is_furniture_line(text) or (
        len(text) <= BROWSER_NOTICE_MAX_CHARS and bool(_BROWSER_NOTICE.search(text)))


def strip_furniture(lines: list[str], title: str | None) -> list[str]:
    """Body lines without furniture lines, and without the headline, dateline and byline around them."""
    kept = [line.strip() for line in lines if line.strip() and not is_boilerplate(line.strip())]
    compact_title = compact(title) if title else ""
    kept = kept[_headline_lines(kept, compact_title):]
    kept = kept[_below_a_headline_under_a_kicker(kept, compact_title):]
    while kept and _is_header_line(kept[0], compact_title):
        kept.pop(0)
    if kept and title and kept[0].startswith(title) and len(kept[0]) > len(title) + 20:
        kept[0] = kept[0][len(title):].strip()  # a headline run into the first paragraph
    while kept and _is_meta_line(kept[-1]):
        kept.pop()
    return kept


def _headline_lines(lines: list[str], compact_title: str) -> int:
    """How many leading lines spell out the headline (portals break long headlines with <br>)."""
    if not compact_title:
        return 0
    spelled = ""
    for count, line in enumerate(lines[:4], start=1):
        spelled += compact(line)
        if not spelled or not compact_title.startswith(spelled):
            return 0
        if len(spelled) >= len(compact_title) * 0.8 and count > 1:
            return count
    return 0


def _below_a_headline_under_a_kicker(lines: list[str], compact_title: str) -> int:
    """Where the story starts when its headline comes a few short lines in, under a kicker, a section name or a
    tool bar ("Review", "拆房屡出命案 管理形同虚设"): after the headline. Not when a sentence comes before it
    (CNN prints the story's first paragraph above a repeated headline)."""
    if not compact_title:
        return 0
    for index, line in enumerate(lines[:KICKER_LINES_MAX]):
        if index and compact(line) == compact_title:
            return index + 1
        if len(line) > KICKER_MAX_CHARS or _ENDS_A_SENTENCE.search(line):
            return 0
    return 0


def _is_header_line(line: str, compact_title: str) -> bool:
    if _ADDRESS.match(line):
        return True   # the page's own address, printed above the story for print-outs
    compacted = compact(line)
    if compact_title and compacted and (compacted == compact_title or (compact_title in compacted and
                                                                       len(compacted) <= len(compact_title) + 20)):
        return True
    return _is_meta_line(line)


def _is_meta_line(line: str) -> bool:
    """A short line with a date and no sentence in it (a dateline or source line), or a byline, or a line that
    ends with its date ("By Jane Doe, May 6, 2018", "Veröffentlicht am 06.05.2018, 09:15 Uhr")."""
    if len(line) > 60:
        return False
    if _ENDS_WITH_DATE.search(line) and dates_in_text(line):
        return True
    if _SENTENCE_MARK.search(line):
        return False
    return bool(_DATE_LIKE.search(line)) or (len(line) <= 40 and bool(_BYLINE.match(line)))


def compact(text: str) -> str:
    """The text's word characters only, lowered: how a line is compared with the headline."""
    return _NON_WORD.sub("", text).lower()
