"""The schedule kept in the store: brought in line with sources.yaml, moved on after each run, read as what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.configuration.home import Home
from crawler.configuration.sections import Newsletter
from crawler.configuration.sources import Source, SourcesConfig
from db import Store
from scheduler.due import Due, History, due_after, due_for, parse, rescheduled
from scheduler.schedule import Schedule, schedule_of


@dataclass(frozen=True)
class Plan:
    """The enabled sources and their schedules, from one reading of sources.yaml and sections.yaml."""

    sources: dict[str, Source]
    schedules: dict[str, Schedule]
    zone: str

    @classmethod
    def of(cls, config: SourcesConfig, newsletter: Newsletter) -> "Plan":
        enabled = {s.name: s for s in config.sources if s.enabled}
        return cls(enabled, {name: schedule_of(s, config.settings, newsletter.timezone) for name, s in enabled.items()},
                   newsletter.timezone)

    @classmethod
    def read(cls, home: Home) -> "Plan":
        return cls.of(home.sources(), home.sections())


def history(store: Store, name: str, state: dict | None) -> History:
    """What the source's runs say for its next due time (db failure_streak) and its site's Retry-After."""
    failures, since, failed_at = store.failure_streak(name)
    return History(failures, parse(since), parse(failed_at), parse((state or {}).get("backoff_until")))


def sync(store: Store, plan: Plan, now: datetime) -> dict[str, dict]:
    """Give every source of the plan a due time for its current schedule (a new source: now; a changed schedule:
    its next time), write those, and return every source's schedule state."""
    states = store.schedule_states()
    changed = {name: rescheduled(schedule, name, states.get(name), history(store, name, states.get(name)), now)
               .fields(schedule)
               for name, schedule in plan.schedules.items()
               if (states.get(name) or {}).get("schedule") != schedule.key or not states[name].get("due_at")}
    if changed:
        store.save_schedules(changed)
        states = store.schedule_states()
    return {name: states[name] for name in plan.schedules}


def move_on(store: Store, plan: Plan, names: list[str], now: datetime) -> dict[str, Due]:
    """After the sources ran: each one's next due time from its runs (a failure backs it off, a success resets
    it), written to the store. A run made before its regular time (someone asked for it) keeps that time, with
    the backoff its outcome calls for; a run at or after it moves on to the next regular time."""
    states = store.schedule_states()
    moved = {}
    for name in names:
        if name not in plan.schedules:
            continue
        state = states.get(name) or {}
        slot, schedule, past = parse(state.get("slot_at")), plan.schedules[name], history(store, name, state)
        if slot is not None and slot > now:
            moved[name] = due_for(schedule, name, slot, past, now)
        else:
            moved[name] = due_after(schedule, name, slot or now, past, now)
    store.save_schedules({name: due.fields(plan.schedules[name]) for name, due in moved.items()})
    return moved


def due_now(states: dict[str, dict], now: datetime) -> list[str]:
    """The sources whose due time has come, soonest due first."""
    due = [(state["due_at"], name) for name, state in states.items() if parse(state["due_at"]) <= now]
    return [name for _, name in sorted(due)]
