"""What the schedule says now: whether the daemon runs (its heartbeat), and when each source is due next, soonest
first, with the crawl at it or the backoff holding it."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.configuration.home import Home
from db import Store, clock, source_lock
from scheduler.due import parse, rescheduled
from scheduler.plan import Plan, history


@dataclass(frozen=True)
class SourceDue:
    """One source's next run: when (UTC ISO 8601), by what schedule, and what holds or runs it now."""

    name: str
    schedule: str
    due_at: str
    crawling: str | None = None                 # the pid of the crawl at it now
    backoff: tuple[str, str] | None = None      # (until, reason): its site asked, or it is failing


@dataclass(frozen=True)
class ScheduleStatus:
    scheduler: dict | None      # the daemon's row (db scheduler_state), None when none ever ran here
    sources: list[SourceDue]
    zone: str
    now: str


def schedule_status(home: Home) -> ScheduleStatus:
    """The daemon's heartbeat and every enabled source's next due time, soonest first. Reads only: a source not
    scheduled yet (or whose schedule changed) shows the time it will get."""
    plan = Plan.read(home)
    now = clock.now()
    with Store(home.database) as store:
        states = store.schedule_states()
        locks = store.crawl_locks()
        backoffs = store.backoffs(scheduled=True)
        scheduler = store.scheduler_state()
        rows = []
        for name, schedule in plan.schedules.items():
            state = states.get(name)
            due_at = (state or {}).get("due_at")
            if not due_at or state.get("schedule") != schedule.key:
                due_at = rescheduled(schedule, name, state, history(store, name, state), now).fields(schedule)["due_at"]
            holder = locks.get(source_lock(name))
            rows.append(SourceDue(name, schedule.text, due_at, holder[0] if holder else None, backoffs.get(name)))
    rows.sort(key=lambda row: parse(row.due_at))
    return ScheduleStatus(scheduler, rows, plan.zone, clock.utc_now())
