"""Find when an article was published: declared dates, then the visible date line nearest the headline.

Declared dates are <meta> publication tags, JSON-LD datePublished and <time datetime>/itemprop elements.
Visible dates are lines such as 发布时间：2023年07月26日 09:30 or 2023-07-26 09:30:15, looked for in short
lines near the headline and the start of the body (and just after the body, where blogs and forums put
them); the nearest labelled one with a time wins, in any of the formats date_text reads (06.05.2018,
6. Mai 2018, May 6, 2018...). Never in the article's sentences, footers or link lists, nor in comments,
embedded posts, teasers or infoboxes (hints.in_other_item), nor after "born" or "updated".
When both exist, the declared date settles disagreements and the visible line supplies the time readers
see. Then, on non-CJK pages, htmldate's reading of the date markup; then the URL (date-only); last, a
visible date without a year (09月07日, 发布时间：10-08), its year taken from a full date the page gives for the
same day, else inferred from the crawl's clock. htmldate's extensive search is not used: date_text reads
the visible formats itself, and the extensive search loads dateparser (15 s on a process's first page,
measured) to find dates in the article's sentences. A WeChat article's moment is in its script (var ct).
A time without an offset is read in default_tz (the newsletter's zone), unless the page gives the same wall
time an offset elsewhere; a moment declared in UTC is written in the page's own offset when the page states
its local time too (or its modification time with an offset), so the day is the one its readers saw. The
crawl time itself is never used as a date.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from crawler.extraction.blocks import Block
from crawler.extraction.boilerplate import compact, is_legal_notice
from crawler.extraction.date_text import (
    FoundDate,
    dates_in_text,
    month_in_text,
    parse_date_value,
    url_date,
)
from crawler.extraction.hints import MarkupHints
from crawler.extraction.language import writes_day_first
from crawler.extraction.metadata import PageMetadata
from db import clock

logger = logging.getLogger(__name__)

# Publication-date <meta> names, most specific first. Modification dates are deliberately absent.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "published_time", "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "pub_date",
    "publication_date", "publicationdate", "publication-date", "og:release_date", "release_date",
    "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "weibo: article:create_at",
    "publishtime", "publish_time", "apub:time", "firstpublishedtime", "sailthru.date", "parsely-pub-date",
    "article.published", "originalpublicationdate", "cxenseparse:recs:publishtime", "dc.date", "dcterms.date",
    "date", "created", "creation_date",
)
_STRUCTURED_PROPS = ("datepublished", "datecreated")

_LABEL = re.compile(
    r"发布|发表|发文|成文|日期|时间|来源|稿源|刊发|posted|published|date|于\s*$|@\s*$|"
    r"veröffentlicht|publié|publicado|pubblicato|опубликовано|公開|投稿|掲載", re.IGNORECASE
)
# A modification time is not the publication time.
_UPDATE_LABEL = re.compile(
    r"更新|修改|编辑于|updated|modified|last edited|aktualisiert|mis à jour|actualizado|aggiornato|обновлено",
    re.IGNORECASE,
)
# Nor is a person's birth or death (encyclopedia-like pages, obituaries' infoboxes).
_LIFE_LABEL = re.compile(r"born|geboren|\bnée?\b|nacid[oa]|nat[oa]\b|родил|died|gestorben|décédé|murió|умер|生まれ|出生|逝世",
                         re.IGNORECASE)
_BEFORE_ANCHOR = 10   # blocks before the headline or the body's start where a date line may sit
_AFTER_ANCHOR = 30    # blocks after them (bylines, info tables and forum headers can be long)
_AFTER_BODY = 6       # blocks after the body's last block (blog and forum signatures)
_AFTER_BODY_PENALTY = 6
_SENTENCE = re.compile(r"[。！？!?]")


def find_published_at(
    root: etree._Element,
    metadata: PageMetadata,
    blocks: list[Block],
    hints: MarkupHints,
    title: str | None,
    body: tuple[int, int] | None,
    url: str | None,
    default_tz: str = clock.DEFAULT_ZONE,
    western_dates: bool = False,
) -> str | None:
    """The publication moment as ISO 8601 with an offset, or None when the page does not say.

    western_dates: the page is not in a CJK script, so its visible dates may be written with month names
    ("Nov. 19, 2019"), which htmldate reads from the page's date markup before the URL is tried."""
    zone = _zone(default_tz)
    declared = _declared_date(root, metadata, hints) or _wechat_timestamp(root, zone)
    day_first = writes_day_first(metadata)
    visible = _visible_date(blocks, hints, title, body, day_first=day_first)
    chosen = _reconcile(declared, visible, zone)
    if chosen is None and western_dates:
        chosen = _htmldate(root, url)
    if chosen is None:
        chosen = url_date(url) or url_date(metadata.canonical) or url_date(metadata.first("og:url"))
    if chosen is None:
        chosen = _visible_date(blocks, hints, title, body, without_year=True, day_first=day_first)
        if chosen is not None and chosen.year_inferred:
            chosen = _in_the_pages_year(chosen, metadata, url)
    if chosen is None:
        return None
    return chosen.in_zone(zone).isoformat(timespec="seconds")


def _in_the_pages_year(found: FoundDate, metadata: PageMetadata, url: str | None) -> FoundDate:
    """A date shown without its year (发布时间：10-08) takes the year of a full date the page gives for the
    same day anywhere (a <meta> however named, the URL); else it keeps the year inferred from the crawl."""
    values = [value for name, values in metadata.meta.items() if "date" in name or "time" in name for value in values]
    full_dates = [date for value in values for date in parse_date_value(value, "meta")]
    full_dates += [date for address in (url, metadata.canonical) if (date := url_date(address))]
    for full in full_dates:
        if (full.moment.month, full.moment.day) == (found.moment.month, found.moment.day):
            return FoundDate(found.moment.replace(year=full.moment.year), found.has_time, found.precision,
                             found.source)
    return found


# A WeChat official account's article (mp.weixin.qq.com) prints its date with script ("昨天", or nothing in the
# page as fetched); the script has the moment: var ct = "1581517074".
_WECHAT_TIME = re.compile(r"\bvar\s+ct\s*=\s*[\"'](\d{10})[\"']")


def _wechat_timestamp(root: etree._Element, zone) -> FoundDate | None:
    for script in root.iter("script"):
        match = _WECHAT_TIME.search(script.text or "")
        if match:
            moment = datetime.fromtimestamp(int(match[1]), timezone.utc).astimezone(zone)
            return FoundDate(moment, True, "day", "wechat")
    return None


def _zone(name: str) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r; reading dates as UTC", name)
        return timezone.utc


def _reconcile(declared: FoundDate | None, visible: FoundDate | None, zone) -> FoundDate | None:
    if declared is None or visible is None:
        return declared or visible
    if visible.precision != "day":
        return declared
    declared_local = declared.in_zone(zone).astimezone(zone) if declared.moment.tzinfo else declared.moment
    if visible.swappable and visible.moment.date() != declared_local.date():
        swapped = visible.moment.replace(month=visible.moment.day, day=visible.moment.month)
        if swapped.date() in (declared_local.date(), declared.moment.date()):
            visible = FoundDate(swapped, visible.has_time, "day", visible.source)
    if declared.moment.tzinfo is not None and visible.has_time and visible.moment.tzinfo is None:
        shown = _as_shown(declared, visible)
        if shown is not None:
            # The page prints the declared moment in its own time zone: keep the time readers see.
            return shown
    if declared_local.date() != visible.moment.date():
        # Disagreement: the page's own structured statement beats a line we picked out of the layout.
        return declared
    if visible.has_time and (not declared.has_time or _offset_matches(declared, zone)):
        # The time readers see; declared times are often the CMS's save time a minute later.
        return visible
    return declared


def _as_shown(declared: FoundDate, visible: FoundDate, tolerance: timedelta = timedelta(minutes=2)) -> FoundDate | None:
    """The visible time with the offset that makes it the declared moment (within the tolerance: two minutes
    for a line read off the page, none between two statements of the page's metadata)."""
    declared_utc = declared.moment.astimezone(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)
    difference = visible.moment.replace(second=0, microsecond=0) - declared_utc
    quarter = timedelta(minutes=15)
    offset = round(difference / quarter) * quarter
    if abs(difference - offset) > tolerance or abs(offset) > timedelta(hours=14):
        return None
    return FoundDate(visible.moment.replace(tzinfo=timezone(offset)), True, "day", visible.source)


def _offset_matches(found: FoundDate, zone) -> bool:
    if found.moment.tzinfo is None:
        return True
    return found.moment.utcoffset() == found.moment.replace(tzinfo=None).replace(tzinfo=zone).utcoffset()


def _declared_date(root: etree._Element, metadata: PageMetadata, hints: MarkupHints) -> FoundDate | None:
    candidates: list[FoundDate] = []
    first_meta = metadata.first("article:published_time", "og:article:published_time")
    if first_meta:
        candidates.extend(parse_date_value(first_meta, "meta"))
    for article in metadata.articles():
        value = article.get("datePublished") or article.get("dateCreated")
        if isinstance(value, str):
            candidates.extend(parse_date_value(value, "json-ld"))
    for name in PUBLISHED_META:
        for value in metadata.meta.get(name, []):
            candidates.extend(parse_date_value(value, "meta"))
    for element in root.iter(etree.Element):
        if element.get("itemprop") is None and (element.tag != "time" or element.get("pubdate") is None):
            continue
        prop = (element.get("itemprop") or "").lower()
        if (prop in _STRUCTURED_PROPS or element.get("pubdate") is not None) and not _of_another_item(element, hints):
            value = element.get("datetime") or element.get("content") or element.text_content()
            candidates.extend(parse_date_value(value or "", "itemprop"))
    if not candidates:
        candidates.extend(_first_article_time(root, hints))
    if not candidates:
        return None
    # The first statement wins, but a later one that adds the time of day to the same date is better.
    best = candidates[0]
    for candidate in candidates[1:]:
        if not best.has_time and candidate.has_time and candidate.moment.date() == best.moment.date():
            best = candidate
    return _in_the_pages_offset(best, candidates, metadata) if best.has_time else best


# Where pages state when they were modified: its offset is the site's own, also when it publishes in UTC.
_MODIFIED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time")


def _modified_offsets(metadata: PageMetadata) -> list[timedelta]:
    values = [value for name in _MODIFIED_META for value in metadata.meta.get(name, [])]
    values += [article["dateModified"] for article in metadata.articles()
               if isinstance(article.get("dateModified"), str)]
    offsets = []
    for value in values:
        for found in parse_date_value(value, "modified"):
            if found.has_time and found.moment.tzinfo is not None and found.moment.utcoffset():
                offsets.append(found.moment.utcoffset())
    return offsets


def _in_the_pages_offset(best: FoundDate, candidates: list[FoundDate], metadata: PageMetadata) -> FoundDate:
    """The publication moment in the offset the page itself writes it in, so that its day is the one readers
    see: a time without an offset takes the offset another statement gives the same wall time
    (2019-11-20T01:50:59 beside 2019-11-20T01:50:59Z); a UTC moment is shown in the page's local time when
    another statement gives that local time (2019-11-18 20:58:46 beside 2019-11-19T04:58:46Z, so -08:00) or
    the page writes its modification time with an offset."""
    if best.moment.tzinfo is None:
        for candidate in candidates:
            if candidate.has_time and candidate.moment.tzinfo is not None \
                    and candidate.moment.replace(tzinfo=None) == best.moment:
                return candidate
        return best
    if best.moment.utcoffset():
        return best
    for candidate in candidates:
        if candidate.has_time and candidate.moment.tzinfo is None and candidate.moment.second == best.moment.second \
                and candidate.moment != best.moment.replace(tzinfo=None):
            shown = _as_shown(best, candidate, tolerance=timedelta(0))
            if shown is not None:
                return FoundDate(shown.moment.replace(second=candidate.moment.second), True, "day", candidate.source)
    modified_offsets = _modified_offsets(metadata)   # read only for a moment declared in UTC
    if modified_offsets:
        return FoundDate(best.moment.astimezone(timezone(modified_offsets[0])), True, best.precision, best.source)
    return best


def _first_article_time(root: etree._Element, hints: MarkupHints) -> list[FoundDate]:
    """The first <time datetime> that is not a link, a list item or page furniture (related, comments...)."""
    for element in root.iter("time"):
        value = element.get("datetime")
        if not value or hints.factor(element) < 1.0 or _of_another_item(element, hints):
            continue
        if any(ancestor.tag in ("a", "li") for ancestor in element.iterancestors()):
            continue
        return parse_date_value(value, "time")
    return []


def _of_another_item(element: etree._Element, hints: MarkupHints) -> bool:
    """A date element of a comment, an embed or a teaser, or of an <article> other than the one with the <h1>."""
    if hints.in_other_item(element):
        return True
    for ancestor in element.iterancestors("article"):
        if not ancestor.xpath(".//h1") and ancestor.xpath("preceding::h1 | following::h1"):
            return True  # a list of other stories (each an <article>) beside the article's own headline
    return False


def _visible_date(blocks: list[Block], hints: MarkupHints, title: str | None, body: tuple[int, int] | None,
                  without_year: bool = False, day_first: bool = False) -> FoundDate | None:
    if not blocks:
        return None
    body_start, body_end = body if body else (None, None)
    title_index = _title_index(blocks, title, body_start)
    anchors = [index for index in (title_index, body_start) if index is not None]
    if not anchors:
        return None
    scored = []
    for index in _search_window(len(blocks), anchors, body_end):
        block = blocks[index]
        if not _may_hold_dateline(block, hints):
            continue
        for found in dates_in_text(block.text, without_year=without_year, day_first=day_first):
            distance = min(abs(index - anchor) for anchor in anchors)
            if body_end is not None and index > body_end:
                distance = min(distance, index - body_end + _AFTER_BODY_PENALTY)
            score = _label_score(block.text, found) + (2 if found.has_time else 0)
            score += 1 if len(block.text) < 80 else 0
            scored.append((score - 0.25 * distance, -index, found))
    if scored:
        return max(scored, key=lambda item: (item[0], item[1]))[2]
    return _month_in_window(blocks, anchors, body_end)


def _search_window(count: int, anchors: list[int], body_end: int | None) -> list[int]:
    """Blocks around the headline and the body's start, and just after the body's end."""
    indices: list[int] = []
    for anchor in anchors:
        indices.extend(range(max(0, anchor - _BEFORE_ANCHOR), min(count, anchor + _AFTER_ANCHOR + 1)))
    if body_end is not None:
        indices.extend(range(max(0, body_end - 3), min(count, body_end + _AFTER_BODY + 1)))
    return sorted(set(indices))


def _may_hold_dateline(block: Block, hints: MarkupHints) -> bool:
    """Short, not a link list, not a footer, not a sentence of the article (those mention other dates)."""
    text = block.text
    if block.link_density > 0.6 or len(text) > 150 or is_legal_notice(text) or hints.in_other_item(block.container):
        return False
    return len(text) <= 60 or not _SENTENCE.search(text)


def _label_score(text: str, found: FoundDate) -> int:
    position = text.find(str(found.moment.year)) if found.label_at is None else found.label_at
    before = text[max(0, position - 12):max(0, position)]
    if _LIFE_LABEL.search(text[max(0, position - 24):max(0, position)]):
        return -20
    if _UPDATE_LABEL.search(before):
        return -3
    return 3 if _LABEL.search(before) else 0


def _month_in_window(blocks: list[Block], anchors: list[int], body_end: int | None) -> FoundDate | None:
    """Month precision, only from a magazine-issue line or a line that is nothing but the month."""
    for index in _search_window(len(blocks), anchors, body_end):
        found = month_in_text(blocks[index].text)
        if found:
            return found
    return None


def _title_index(blocks: list[Block], title: str | None, body_start: int | None) -> int | None:
    if not title:
        return None
    wanted = compact(title)
    if len(wanted) < 4:
        return None
    matches = []
    for block in blocks:
        text = compact(block.text)
        if text == wanted or (wanted in text and len(text) <= len(wanted) + 40):
            matches.append(block.index)
    if not matches:
        return None
    if body_start is not None:
        before = [index for index in matches if index <= body_start]
        if before:
            return before[-1]
    return matches[0]


def _htmldate(root: etree._Element, url: str | None) -> FoundDate | None:
    """htmldate's reading of the page's date markup, on a copy of the page without comments, embeds, teasers
    and infoboxes, whose dates it would otherwise find."""
    root = copy.deepcopy(root)
    hints = MarkupHints()  # of the copy, whose boxes go as they are found: a removed box's inside stays in it
    for element in root.xpath("//*[@class or @id or @itemtype] | //nav"):
        if element.getparent() is not None and hints.in_other_item(element):
            element.drop_tree()
    try:
        from htmldate import find_date

        value = find_date(root, url=url, extensive_search=False, original_date=True,
                          outputformat="%Y-%m-%d %H:%M:%S")
    except Exception as error:  # htmldate raises assorted errors on odd pages; a missing date is fine
        logger.debug("htmldate failed on %s: %s", url, error)
        return None
    if not value:
        return None
    found = next(iter(dates_in_text(value)), None)
    if found is not None and found.moment.time() == datetime.min.time():
        found.has_time = False  # htmldate writes midnight when it knows the day only
        found.moment = found.moment.replace(tzinfo=None)
    return found
