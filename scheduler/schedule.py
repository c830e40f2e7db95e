"""A source's schedule and its regular times: `every` or `cron` in the newsletter's time zone, quiet hours, jitter.

Pure functions of the schedule and the times given (a fake clock is just other times): the daemon, `crawl --due`
and the tests compute the same answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from crawler.configuration.schedules import is_cron, parse_every, parse_quiet
from crawler.configuration.sources import Source

# However long a source's interval, a run starts at most this long after its regular time.
MAX_JITTER = timedelta(minutes=15)
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Schedule:
    """How often one source is crawled: an interval or cron fields (read in `zone`), hours it is left alone, and
    the fraction of its interval a run may start late at random."""

    every: timedelta | None = None
    cron: str | None = None
    zone: str = "UTC"
    quiet: str | None = None
    jitter: float = 0.1
    default: bool = False          # set by the default_schedule setting, not by the source

    @property
    def text(self) -> str:
        """`every 30m`, `cron 0 8 * * *`, with `; quiet 22:00-07:00` and ` (default)` when they apply."""
        rule = f"cron {self.cron}" if self.cron else f"every {_interval_text(self.every)}"
        return rule + (" (default)" if self.default else "") + (f"; quiet {self.quiet}" if self.quiet else "")

    @cached_property
    def trigger(self) -> CronTrigger | None:
        """The cron fields as APScheduler reads them, in the schedule's zone (None for an interval)."""
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.zone)) if self.cron else None

    @property
    def key(self) -> str:
        """What due times are computed from: when it changes (sources.yaml edited), they are computed again."""
        return f"{self.text}; zone {self.zone}; jitter {self.jitter:g}"


def schedule_of(source: Source, settings: dict[str, Any], zone: str) -> Schedule:
    """The source's schedule: its every or cron, else the default_schedule setting; its quiet hours; jitter."""
    written = source.every or source.cron or str(settings["default_schedule"])
    cron = source.cron or (None if source.every or not is_cron(written) else written)
    return Schedule(every=None if cron else timedelta(seconds=parse_every(written)), cron=cron, zone=zone,
                    quiet=source.quiet, jitter=float(settings["schedule_jitter"]),
                    default=not (source.every or source.cron))


def next_slot(schedule: Schedule, previous: datetime, now: datetime) -> datetime:
    """The regular time after `previous` (the one just served) and after `now`: runs missed while nothing ran
    are not made up, they coalesce into the one just made. Moved to the end of quiet hours when it falls in them."""
    if schedule.cron:
        slot = schedule.trigger.get_next_fire_time(None, max(previous, now) + ONE_MICROSECOND)
    else:
        every = schedule.every
        steps = max(1, (now - previous) // every + 1) if now >= previous else 1
        slot = previous + steps * every
    return out_of_quiet(schedule, slot)


def gap(schedule: Schedule, at: datetime) -> timedelta:
    """The source's interval around a time: `every`, or from the cron time after `at` to the one after that."""
    if not schedule.cron:
        return schedule.every
    first = schedule.trigger.get_next_fire_time(None, at + ONE_MICROSECOND)
    return schedule.trigger.get_next_fire_time(None, first + ONE_MICROSECOND) - first


def max_jitter(schedule: Schedule, slot: datetime) -> timedelta:
    """How late after its regular time a run may start: schedule_jitter of the interval, at most MAX_JITTER."""
    return min(MAX_JITTER, gap(schedule, slot) * schedule.jitter)


def fire_time(schedule: Schedule, name: str, slot: datetime) -> datetime:
    """When the run for a regular time starts: later by a random part of max_jitter, the same for the same source
    and slot (a restart computes the same time); never in quiet hours."""
    late = max_jitter(schedule, slot) * unit_random(name, slot.isoformat())
    start = slot + late
    if in_quiet(schedule, start):
        start = out_of_quiet(schedule, start) + late
    return start


def in_quiet(schedule: Schedule, moment: datetime) -> bool:
    """Whether a moment falls in the source's quiet hours (read in the schedule's zone)."""
    if not schedule.quiet:
        return False
    start, end = parse_quiet(schedule.quiet)
    clock = moment.astimezone(ZoneInfo(schedule.zone)).time()
    return start <= clock < end if start < end else clock >= start or clock < end


def out_of_quiet(schedule: Schedule, moment: datetime) -> datetime:
    """The moment itself outside quiet hours, else when they end."""
    if not in_quiet(schedule, moment):
        return moment
    _, end = parse_quiet(schedule.quiet)
    local = moment.astimezone(ZoneInfo(schedule.zone))
    ending = _at(local, end)
    if ending <= local:
        ending = _at(local + timedelta(days=1), end)
    return ending.astimezone(moment.tzinfo or UTC)


def unit_random(*parts: str) -> float:
    """A number in [0, 1) that looks random and is the same for the same parts: jitter a restart can recompute."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()
    return int(digest[:13], 16) / 16 ** 13


def _at(local: datetime, clock: time) -> datetime:
    """That day's wall-clock time in the zone of `local` (fold and gaps as zoneinfo resolves them)."""
    return datetime.combine(local.date(), clock, tzinfo=local.tzinfo)


def _interval_text(every: timedelta) -> str:
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
