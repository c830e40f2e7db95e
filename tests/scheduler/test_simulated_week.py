"""Issue 12's "done when": a week of schedule for 1,000 sources on a fake clock, with a six-hour outage of the
scheduler. Each source fires within its jitter of its regular times (never in its quiet hours, missed runs
coalesced into one), and a source failing for two days is tried at a rate that shrinks and heads `sources health`
all along, then comes back to its schedule."""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.configuration.settings import DEFAULTS
from crawler.configuration.source_status import FAILING, SourceStatus, health_order
from crawler.configuration.sources import Source
from scheduler.backoff import LONGEST_WAIT
from scheduler.due import History, due_after, first_due, iso
from scheduler.schedule import in_quiet, max_jitter, schedule_of

ZONE = "Asia/Shanghai"
START = datetime(2026, 11, 16, 0, 0, tzinfo=ZoneInfo(ZONE))     # a Monday
WEEK = timedelta(days=7)
RUN_TAKES = timedelta(seconds=40)                                 # each simulated crawl
OUTAGE = (START + timedelta(days=3, hours=2), START + timedelta(days=3, hours=8))   # the scheduler is down
FAILING_SOURCE = "src-0007"                                       # fails for two days from day 1
FAILS = (START + timedelta(days=1), START + timedelta(days=3))
OTHERS_FAIL = {"src-0100": (START + timedelta(days=1, hours=6), START + timedelta(days=2)),
               "src-0200": (START + timedelta(days=2), START + timedelta(days=2, hours=12))}
SCHEDULES = [{"every": "30m"}, {"every": "1h"}, {"every": "2h"}, {"every": "6h"}, {"every": "1d"},
             {"cron": "0 * * * *"}, {"cron": "30 9,15 * * 1-5"}, {"cron": "0 8 * * *"}, {}]


def sources() -> list[Source]:
    chosen = random.Random(12)
    made = []
    for n in range(1000):
        fields = dict(chosen.choice(SCHEDULES))
        if chosen.random() < 0.3:
            fields["quiet"] = chosen.choice(["22:00-07:00", "00:00-06:00", "12:00-13:30"])
        if f"src-{n:04d}" == FAILING_SOURCE:
            fields = {"every": "15m"}
        made.append(Source(name=f"src-{n:04d}", kind="feed", url=f"http://site{n}.example.cn/rss.xml", **fields))
    return made


def fails(name: str, at: datetime) -> bool:
    window = FAILS if name == FAILING_SOURCE else OTHERS_FAIL.get(name)
    return window is not None and window[0] <= at < window[1]


class Simulation:
    """The daemon's loop on a fake clock: pop the soonest due source, "crawl" it, compute its next due time."""

    def __init__(self) -> None:
        self.sources = {s.name: s for s in sources()}
        self.schedules = {name: schedule_of(s, DEFAULTS, ZONE) for name, s in self.sources.items()}
        self.runs: dict[str, list[dict]] = defaultdict(list)       # newest last, as the store records them
        self.fired: list[tuple] = []   # (source, at, slot, healthy, its jitter at most)
        self.slots: dict[str, datetime] = {}
        self.queue: list[tuple[datetime, str]] = []
        for name, schedule in self.schedules.items():
            due = first_due(schedule, START)
            self.slots[name] = due.slot
            heapq.heappush(self.queue, (due.at, name))

    def history(self, name: str) -> History:
        streak = []
        for run in reversed(self.runs[name]):
            if run["status"] != "failed":
                break
            streak.append(run)
        if not streak:
            return History()
        return History(len(streak), datetime.fromisoformat(streak[-1]["started_at"]),
                       datetime.fromisoformat(streak[0]["finished_at"]))

    def run_until(self, end: datetime, watch=None) -> None:
        while self.queue and self.queue[0][0] < end:
            at, name = heapq.heappop(self.queue)
            if OUTAGE[0] <= at < OUTAGE[1]:
                at = OUTAGE[1]    # the scheduler comes back: what was due runs once, at once
            if watch is not None:
                watch(self, at)
            healthy = not self.history(name).failures
            self.fired.append((name, at, self.slots[name], healthy, max_jitter(self.schedules[name], self.slots[name])))
            failed = fails(name, at)
            self.runs[name].append({"status": "failed" if failed else "ok", "started_at": iso(at),
                                    "finished_at": iso(at + RUN_TAKES), "new": 0 if failed else 1, "duplicates": 0,
                                    "errors": [{"url": None, "message": "HTTP 503"}] if failed else []})
            due = due_after(self.schedules[name], name, self.slots[name], self.history(name), at + RUN_TAKES)
            self.slots[name] = due.slot
            heapq.heappush(self.queue, (due.at, name))

    def statuses(self) -> list[SourceStatus]:
        made = []
        for name, source in self.sources.items():
            runs = self.runs[name][::-1][:20]
            past = self.history(name)
            streak = (past.failures, iso(past.failing_since), iso(past.failed_at))
            new_times = tuple(run["started_at"] for run in runs if run["new"])
            made.append(SourceStatus(source, runs, streak=streak, new_item_times=new_times))
        return made


def test_a_week_of_1000_sources_keeps_to_the_schedule_and_the_failing_one_heads_health():
    simulation = Simulation()
    heads: list[tuple[datetime, str, int]] = []

    def health_every_three_hours(sim: Simulation, now: datetime) -> None:
        if FAILS[0] + timedelta(minutes=30) < now < FAILS[1] and (not heads or now - heads[-1][0] >= timedelta(hours=3)):
            first = health_order(sim.statuses(), now)[0]
            heads.append((now, first.source.name, first.rank(now)))

    simulation.run_until(START + WEEK, health_every_three_hours)

    assert len(simulation.fired) > 50_000
    # 1. Every healthy run fires within its jitter of a regular time of its schedule, never in quiet hours.
    by_source: dict[str, list[tuple[datetime, datetime, bool]]] = defaultdict(list)
    for name, at, slot, healthy, jitter in simulation.fired:
        by_source[name].append((at, slot, healthy))
        schedule = simulation.schedules[name]
        assert not in_quiet(schedule, at), (name, at)
        first = len(by_source[name]) == 1    # a new source runs at once, then keeps to its times
        if healthy and not first and not OUTAGE[0] <= slot < OUTAGE[1] + timedelta(minutes=1):
            assert slot <= at <= slot + jitter, (name, at, slot)
            assert is_regular(schedule, slot), (name, slot)
    # 2. The outage: each source overdue when the scheduler came back ran once then, not once per missed time.
    back = [(name, at) for name, at, *_ in simulation.fired if at == OUTAGE[1]]
    assert len(back) == len({name for name, _ in back}) > 300
    # 3. Two days of failures: tries come further and further apart (at most a day), then the schedule again.
    tries = [at for at, _, _ in by_source[FAILING_SOURCE] if FAILS[0] <= at < FAILS[1]]
    gaps = [later - earlier for earlier, later in zip(tries, tries[1:])]
    assert len(tries) <= 10, f"{len(tries)} tries in two days of failures; 192 on its schedule"
    assert all(gap <= LONGEST_WAIT + timedelta(minutes=5) for gap in gaps), "never given up"
    per_half_day = [sum(1 for at in tries if FAILS[0] + timedelta(hours=12 * k) <= at < FAILS[0] + timedelta(hours=12 * (k + 1)))
                    for k in range(4)]
    assert per_half_day == sorted(per_half_day, reverse=True) and per_half_day[0] > per_half_day[-1], per_half_day
    after = [at for at, _, _ in by_source[FAILING_SOURCE] if at >= FAILS[1]]
    recovered = [later - earlier for earlier, later in zip(after[1:], after[2:])]
    assert recovered and max(recovered) <= timedelta(minutes=15) * 2, "back on its 15-minute schedule"
    # 4. All along its failure, `sources health` lists it first (the others that fail began later).
    assert len(heads) >= 12
    assert all(name == FAILING_SOURCE and rank == FAILING for _, name, rank in heads), heads


def is_regular(schedule, slot: datetime) -> bool:
    """The slot is a time of the schedule (a cron time, or on a 15m/1h... grid from the start), or the end of quiet
    hours a time was moved to."""
    local = slot.astimezone(ZoneInfo(schedule.zone))
    if schedule.quiet and local.strftime("%H:%M") == schedule.quiet.split("-")[1]:
        return True
    if schedule.cron:
        return schedule.trigger.get_next_fire_time(None, slot) == slot
    return True   # an interval's grid moves with the quiet hours and the outage; checked by jitter above


def test_the_simulation_is_in_utc_and_local_alike():
    # The store keeps UTC; the schedule reads the newsletter's zone: the same instant either way.
    assert iso(START) == START.astimezone(UTC).isoformat(timespec="seconds")
