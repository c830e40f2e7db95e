"""Read dates as pages write them: 2023年07月26日 09:30, 2023-07-26T09:30:00+08:00, 9/17/2004 5:54 PM, 06.05.2018,
6. Mai 2018, May 6, 2018, 6 de mayo de 2018, 6 мая 2018, 09月07日 (the year inferred), URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from db import clock

_TIME = (
    r"(?:\s*(?:T|,|\s|&nbsp;|-)?\s*(?P<ampm1>上午|下午|早上|晚上|凌晨|中午)?\s*"
    r"(?P<hour>\d{1,2})\s*(?:[:：]|时|時|点|h(?=[0-5]\d))\s*(?P<minute>[0-5]\d)"
    r"(?:\s*(?:[:：]|分)\s*(?P<second>[0-5]\d)(?:\.\d+)?)?\s*(?:分|秒)?"
    r"\s*(?P<ampm2>[AaPp]\.?[Mm]\.?(?![A-Za-z]))?)?"
    r"(?:\s*(?P<tz>Z|[+-](?:0\d|1[0-4]):?[0-5]\d|(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)(?![\w]))?"
)
_YMD = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<month>[01]?\d)\s*(?:[-/.]|月)\s*"
    r"(?P<day>[0-3]?\d)(?!\d)(?!\s*[－—\-~～至到]\s*\d)\s*日?(?:\s*[（(][^)）]{0,10}[)）])?" + _TIME
)
# 9/17/2004 5:54:13 AM (ASP pages in the US format) and 17/09/2004 when the first number cannot be a month.
_MDY = re.compile(r"(?<![\d/.])(?P<lead>[0-3]?\d)/(?P<follow>[0-3]?\d)/(?P<year>(?:19|20)\d{2})(?!\d)" + _TIME)
# 06.05.2018: day first, as German, Russian and most of Europe write it.
_DMY_DOTS = re.compile(r"(?<![\w.])(?P<day>[0-3]?\d)\.\s?(?P<month>[01]?\d)\.\s?(?P<year>(?:19|20)\d{2})(?![\d.]\d)" + _TIME)
# Month names and their common abbreviations in the languages of the sources (Russian in the genitive too).
MONTH_NAMES = {
    1: "january jan janvier janv janeiro enero ene januar jän gennaio gen januari январь января янв",
    2: "february feb février févr fevereiro fev febrero februar febbraio februari февраль февраля фев",
    3: "march mar mars março marzo märz mär maart март марта мар",
    4: "april apr avril abril abr aprile апрель апреля апр",
    5: "may mai maio mayo maggio mei май мая",
    6: "june jun juin junho junio juni giugno giu июнь июня июн",
    7: "july jul juillet juil julho julio juli luglio lug июль июля июл",
    8: "august aug août agosto ago augustus август августа авг",
    9: "september sep sept septembre setembro septiembre set settembre сентябрь сентября сен",
    10: "october oct octobre outubro out octubre oktober okt ottobre ott октябрь октября окт",
    11: "november nov novembre novembro noviembre ноябрь ноября ноя",
    12: "december dec décembre déc dezembro dez diciembre dic dezember dicembre декабрь декабря дек",
}
_MONTH_NUMBER = {name: number for number, names in MONTH_NAMES.items() for name in names.split()}
_MONTH = r"(?P<name>" + "|".join(sorted(map(re.escape, _MONTH_NUMBER), key=len, reverse=True)) + r")(?!\w)\.?"
# The word some languages put before the time: "at 10:30 am", "um 10:30 Uhr", "à 14h05", "a las 10:30".
_NAMED_TIME = r"(?:\s*(?:at|um|à|a las|alle|om|às|в))?" + _TIME
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\w.])(?P<day>[0-3]?\d)(?:\.|er|º)?\s*(?:de\s+)?" + _MONTH + r",?\s*(?:de\s+)?"
    r"(?P<year>(?:19|20)\d{2})(?!\d)(?:\s*г\.)?" + _NAMED_TIME, re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(
    r"(?<!\w)" + _MONTH + r"\s*(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s*(?P<year>(?:19|20)\d{2})(?!\d)" + _NAMED_TIME,
    re.IGNORECASE)
# 09月07日 10:30: portals leave the year out on the current year's stories.
_MONTH_DAY_CJK = re.compile(r"(?<!\d)(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日" + _TIME)
# A publication label then a short date, as Baidu's Baijiahao prints it: 发布时间：10-08 12:00, 发布时间：18-03-08.
_LABELLED_SHORT = re.compile(
    r"(?:发布|发表|发文)(?:时间|日期|于)\s*[:：]?\s*(?:(?P<short_year>\d{2})-)?(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?!-)"
    + _TIME)
# Month precision: a magazine issue (《北京之春》1998年3月号) or a bare "2003年5月" line.
_YM = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>[01]?\d)\s*月(?!\s*[0-3]?\d\s*日)(?P<issue>号|刊)?")
_URL_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<sep>[-/_]?)(?P<month>[01]\d)(?P=sep)(?P<day>[0-3]\d)(?!\d)"
    r"|/(?P<year2>(?:19|20)\d{2})[-/_](?P<month2>[01]?\d)[-/_](?P<day2>[0-3]?\d)/"
)


@dataclass
class FoundDate:
    """A date read from the page, with what it says and how precisely."""

    moment: datetime          # naive when the page gave no offset
    has_time: bool
    precision: str            # "day" or "month"
    source: str
    swappable: bool = False   # an N/N/YYYY date that could also be read the other way round
    year_inferred: bool = False  # the page gave month and day only
    label_at: int | None = None  # where to look for a label before it ("Published", "born"); None: at its year

    def in_zone(self, zone: ZoneInfo | timezone) -> datetime:
        return clock.in_zone(self.moment, zone)


def dates_in_text(text: str, *, without_year: bool = False, day_first: bool = False) -> list[FoundDate]:
    """Every full date (with its time when given) in a piece of text, in order of appearance.

    N/N/YYYY is read month first (the US format ASP pages print), or day first on a page whose language writes
    dates that way (day_first: 05/10/2018 is 5 October in Brazil), unless a number cannot be a month; such a
    date is marked swappable, for a declared date to settle. without_year: also 09月07日, in the nearest year
    that does not put it in the future (by the crawl's clock)."""
    spans = []
    for pattern in (_DMY_DOTS, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            month = _MONTH_NUMBER[match["name"].lower()] if "name" in match.re.groupindex else int(match["month"])
            found = _build(match, int(match["year"]), month, int(match["day"]))
            if found:
                found.label_at = match.start()
                spans.append((match.start(), found))
    if without_year:
        taken = [(start, start + 1) for start, _ in spans]
        for match in [*_MONTH_DAY_CJK.finditer(text), *_LABELLED_SHORT.finditer(text)]:
            if _after_a_year(text, match.start()) or any(a <= match.start() < b for a, b in taken):
                continue
            if "short_year" in match.re.groupindex and match["short_year"]:
                continue   # a full date: read below
            found = _with_inferred_year(match)
            if found:
                spans.append((match.start(), found))
    for match in _LABELLED_SHORT.finditer(text):
        if match["short_year"]:
            found = _build(match, 2000 + int(match["short_year"]), int(match["month"]), int(match["day"]))
            if found:
                spans.append((match.start(), found))
    for match in _YMD.finditer(text):
        found = _build(match, int(match["year"]), int(match["month"]), int(match["day"]))
        if found:
            spans.append((match.start(), found))
    for match in _MDY.finditer(text):
        lead, follow = int(match["lead"]), int(match["follow"])
        month, day = (follow, lead) if lead > 12 or (day_first and follow <= 12) else (lead, follow)
        found = _build(match, int(match["year"]), month, day)
        if found:
            found.swappable = lead <= 12 and follow <= 12 and lead != follow
            spans.append((match.start(), found))
    return [found for _, found in sorted(spans, key=lambda item: item[0])]


def _after_a_year(text: str, position: int) -> bool:
    """The 07月26日 of 2023年07月26日 (a full date read already)."""
    return bool(re.search(r"(?:19|20)\d{2}\s*[年/.-]\s*$", text[max(0, position - 8):position]))


def _with_inferred_year(match: re.Match) -> FoundDate | None:
    today = clock.today()
    month, day = int(match["month"]), int(match["day"])
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 02月29日 outside a leap year
        if candidate <= today + timedelta(days=2):
            found = _build(match, year, month, day)
            if found:
                found.year_inferred = True
            return found
    return None


def _build(match: re.Match, year: int, month: int, day: int) -> FoundDate | None:
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    if day_value > clock.today() + timedelta(days=2):
        return None
    hour = match["hour"]
    if hour is None:
        return FoundDate(datetime(year, month, day), False, "day", "text")
    hour_value, minute = int(hour), int(match["minute"])
    second = int(match["second"] or 0)
    marker = (match["ampm1"] or match["ampm2"] or "").lower().replace(".", "")
    if marker in ("pm", "下午", "晚上") and hour_value < 12:
        hour_value += 12
    elif marker in ("am", "凌晨", "早上", "上午") and hour_value == 12:
        hour_value = 0
    if hour_value > 23:
        return FoundDate(datetime(year, month, day), False, "day", "text")
    moment = datetime(year, month, day, hour_value, minute, second)
    offset = _offset(match["tz"])
    if offset is not None:
        moment = moment.replace(tzinfo=offset)
    return FoundDate(moment, True, "day", "text")


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    text = text.strip().upper()
    if text in ("Z", "UTC", "GMT"):
        return timezone.utc
    match = re.search(r"([+-])(\d{1,2}):?(\d{2})?$", text)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0)))


def parse_date_value(value: str, source: str) -> list[FoundDate]:
    """The date in a declared value (<meta> content, JSON-LD, datetime attribute), as a list of 0 or 1."""
    value = (value or "").strip()
    if not value:
        return []
    if re.fullmatch(r"1\d{9}(\d{3})?", value):  # a Unix timestamp in seconds or milliseconds
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return [FoundDate(datetime.fromtimestamp(seconds, tz=timezone.utc), True, "day", source)]
    found = next(iter(dates_in_text(value)), None)
    if found is None:
        return []
    found.source = source
    return [found]


def month_in_text(text: str) -> FoundDate | None:
    """Month precision, only from a magazine issue (《北京之春》1998年3月号) or a line that is just the month."""
    for match in _YM.finditer(text):
        standalone = len(re.sub(r"\s", "", text)) <= 12
        if match["issue"] or standalone:
            year, month = int(match["year"]), int(match["month"])
            if 1 <= month <= 12 and date(year, month, 1) <= clock.today():
                return FoundDate(datetime(year, month, 1), False, "month", "text")
    return None


def url_date(url: str | None) -> FoundDate | None:
    """/2023/07/26/, /20230726/, /t20230726_123.html: date-only, the weakest evidence."""
    if not url:
        return None
    for match in _URL_DATE.finditer(url):
        year = match["year"] or match["year2"]
        month = match["month"] or match["month2"]
        day = match["day"] or match["day2"]
        try:
            day_value = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if day_value <= clock.today():
            return FoundDate(datetime(day_value.year, day_value.month, day_value.day), False, "day", "url")
    return None
