"""How often a source is crawled, as sources.yaml writes it: `every`, `cron` and `quiet` hours (their checks; the
arithmetic of due times is scheduler/'s)."""

from __future__ import annotations

import re
from datetime import time

EVERY_PATTERN = re.compile(r"^(\d+)\s*([smhd])$")
EVERY_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
QUIET_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def parse_every(value: str) -> int:
    """'30m' -> 1800 seconds; 1s, 15m, 2h and 1d alike."""
    match = EVERY_PATTERN.match(str(value).strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError("must be a number and a unit, like 30s, 30m, 2h or 1d")
    return int(match.group(1)) * EVERY_SECONDS[match.group(2)]


def check_cron(expression: str) -> str:
    """The expression if it is a crontab line's five fields (minute hour day month weekday), else ValueError."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression)
    except ValueError as exc:
        raise ValueError(f"'{expression}' is not a cron expression of 5 fields ({exc})") from None
    return expression


def parse_quiet(value: str) -> tuple[time, time]:
    """'22:00-07:00' -> (22:00, 07:00): hours in the newsletter's time zone when the source is left alone; the
    window may span midnight."""
    match = QUIET_PATTERN.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a window of hours like \"22:00-07:00\"")
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
        raise ValueError(f"'{value}': hours go from 00:00 to 23:59")
    start, end = time(hour1, minute1), time(hour2, minute2)
    if start == end:
        raise ValueError(f"'{value}' starts and ends at the same time; give a window like \"22:00-07:00\"")
    return start, end


def check_schedule(value: str) -> str:
    """A schedule written as one value (the default_schedule setting): an `every` like 1h, else five cron fields."""
    text = str(value).strip()
    if EVERY_PATTERN.match(text):
        parse_every(text)
        return text
    try:
        return check_cron(text)
    except ValueError:
        raise ValueError(f"'{text}' is neither an interval like 30m or 2h nor a cron expression of 5 fields "
                         "like \"*/30 * * * *\"") from None


def is_cron(schedule: str) -> bool:
    """Whether a schedule value (checked by check_schedule) is cron fields rather than an interval."""
    return not EVERY_PATTERN.match(str(schedule).strip())
