"""When each source is due: its first run, its next one after a run (regular, or later while it fails or its
site asked us to wait), and what a changed schedule moves. Pure functions of (schedule, history, now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from db import clock
from scheduler.backoff import retry_delay
from scheduler.schedule import Schedule, fire_time, next_slot, out_of_quiet


@dataclass(frozen=True)
class History:
    """What the runs so far say about a source: failed runs in a row, since when, when the last one ended, and
    until when its site asked us to wait (Retry-After)."""

    failures: int = 0
    failing_since: datetime | None = None
    failed_at: datetime | None = None
    asked_until: datetime | None = None


@dataclass(frozen=True)
class Due:
    """A source's next run: the regular time it is for (slot), when it starts (at), and while it fails, the time
    before which it is not tried again (retry_at) and why."""

    slot: datetime
    at: datetime
    retry_at: datetime | None = None
    retry_reason: str | None = None

    def fields(self, schedule: Schedule) -> dict[str, str | None]:
        """The source's schedule state as the store keeps it (db source_state)."""
        return {"slot_at": iso(self.slot), "due_at": iso(self.at), "retry_at": iso(self.retry_at),
                "retry_reason": self.retry_reason, "schedule": schedule.key}


def first_due(schedule: Schedule, now: datetime) -> Due:
    """A source never scheduled is due now (after its quiet hours): a new source shows at once whether it works."""
    slot = out_of_quiet(schedule, now)
    return Due(slot, slot)


def due_after(schedule: Schedule, name: str, previous: datetime, history: History, now: datetime) -> Due:
    """The next run after a run for the regular time `previous` (or after a changed schedule): the next regular
    time, jittered; while the source fails, not before its backoff is over; never before its site asked."""
    return due_for(schedule, name, next_slot(schedule, previous, now), history, now)


def due_for(schedule: Schedule, name: str, slot: datetime, history: History, now: datetime) -> Due:
    """The run for a regular time: at it, jittered; while the source fails, not before its backoff is over;
    never before its site asked."""
    at = fire_time(schedule, name, slot)
    retry_at = reason = None
    if history.failures:
        failed_at = history.failed_at or now
        retry_at = out_of_quiet(schedule, failed_at + retry_delay(schedule, name, history.failures, failed_at))
        at = max(at, retry_at)
        since = clock.local_time(iso(history.failing_since or failed_at), schedule.zone)
        reason = f"failing since {since}: {history.failures} failed run{'s' if history.failures != 1 else ''} in a row"
    if history.asked_until is not None:
        at = max(at, out_of_quiet(schedule, history.asked_until))
    return Due(slot, at, retry_at, reason)


def rescheduled(schedule: Schedule, name: str, state: dict | None, history: History, now: datetime) -> Due:
    """The due time of a source whose schedule state is missing or was computed for another schedule: a new
    source is due now; one whose schedule changed is due at the next time of the new one."""
    if not state or not state.get("slot_at"):
        return first_due(schedule, now)
    return due_after(schedule, name, parse(state["slot_at"]), history, now)


def iso(moment: datetime | None) -> str | None:
    """A time as the store keeps it: UTC ISO 8601 to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment is not None else None


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
