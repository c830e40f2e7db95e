"""Due times with a fake clock: every and cron in the newsletter's zone, jitter, quiet hours, backoff, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crawler.configuration.settings import DEFAULTS
from crawler.configuration.sources import Source
from scheduler.backoff import LONGEST_WAIT, retry_delay
from scheduler.due import History, due_after, first_due, rescheduled
from scheduler.schedule import (
    MAX_JITTER,
    Schedule,
    fire_time,
    gap,
    in_quiet,
    max_jitter,
    next_slot,
    schedule_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)   # the fake clock's "now"


def source(**fields) -> Source:
    return Source(name=fields.pop("name", "wire"), kind="feed", url="http://x.cn/rss.xml", **fields)


def test_every_and_cron_and_the_default_schedule_are_read_in_the_newsletter_zone():
    every = schedule_of(source(every="30m"), DEFAULTS, "Asia/Shanghai")
    assert every.every == timedelta(minutes=30) and every.text == "every 30m"
    assert schedule_of(source(every="1s"), DEFAULTS, "UTC").every == timedelta(seconds=1)
    default = schedule_of(source(), DEFAULTS, "Asia/Shanghai")
    assert default.every == timedelta(hours=1) and default.text == "every 1h (default)"
    cron_default = schedule_of(source(), {**DEFAULTS, "default_schedule": "0 8 * * *"}, "Asia/Shanghai")
    assert cron_default.cron == "0 8 * * *" and cron_default.default

    daily = schedule_of(source(cron="0 8 * * *"), DEFAULTS, "Asia/Shanghai")
    assert next_slot(daily, NOW, NOW) == datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI)
    berlin = schedule_of(source(cron="0 8 * * *"), DEFAULTS, "Europe/Berlin")
    assert next_slot(berlin, NOW, NOW).astimezone(UTC) == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert gap(daily, NOW) == timedelta(days=1)
    assert every.key != schedule_of(source(every="15m"), DEFAULTS, "Asia/Shanghai").key, "an edit is a new schedule"
    assert every.key != schedule_of(source(every="30m"), DEFAULTS, "Europe/Berlin").key, "so is a new zone"


def test_every_keeps_its_grid_and_missed_runs_coalesce_into_one():
    hourly = Schedule(every=timedelta(hours=1), zone="Asia/Shanghai")
    slot = NOW
    assert next_slot(hourly, slot, NOW + timedelta(minutes=4)) == NOW + timedelta(hours=1), "a run took 4 minutes"
    # Down from 10:00 to 15:07: one run when it comes back, then the grid again, not five runs to catch up.
    restart = NOW + timedelta(hours=5, minutes=7)
    after_catch_up = due_after(hourly, "wire", slot, History(), restart)
    assert after_catch_up.slot == NOW + timedelta(hours=6)
    assert after_catch_up.slot <= after_catch_up.at <= after_catch_up.slot + max_jitter(hourly, after_catch_up.slot)
    # A daily cron source whose scheduler was down three days runs once on its return, then at 08:00 again.
    daily = Schedule(cron="0 8 * * *", zone="Asia/Shanghai")
    served = datetime(2026, 11, 17, 8, 0, tzinfo=SHANGHAI)
    assert next_slot(daily, served, NOW) == datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI)


def test_jitter_spreads_sources_within_a_tenth_of_their_interval_at_most_15_minutes():
    hourly = Schedule(every=timedelta(hours=1), zone="UTC", jitter=0.1)
    daily = Schedule(every=timedelta(days=1), zone="UTC", jitter=0.1)
    times = [fire_time(hourly, f"source-{n}", NOW) for n in range(200)]
    assert all(NOW <= t <= NOW + timedelta(minutes=6) for t in times)
    assert len({t.replace(microsecond=0) for t in times}) > 150, "spread, not all at once"
    assert fire_time(hourly, "source-1", NOW) == times[1], "the same for the same source and time (restarts agree)"
    assert max_jitter(daily, NOW) == MAX_JITTER
    assert max(fire_time(daily, f"s{n}", NOW) for n in range(200)) <= NOW + MAX_JITTER
    assert fire_time(Schedule(every=timedelta(hours=1), zone="UTC", jitter=0), "x", NOW) == NOW


@pytest.mark.parametrize("quiet, inside, outside", [
    ("22:00-07:00", [(22, 0), (23, 59), (0, 0), (6, 59)], [(7, 0), (12, 0), (21, 59)]),
    ("12:00-13:30", [(12, 0), (13, 29)], [(11, 59), (13, 30), (0, 0)]),
])
def test_quiet_hours_in_the_newsletter_zone(quiet, inside, outside):
    schedule = Schedule(every=timedelta(minutes=15), zone="Asia/Shanghai", quiet=quiet)
    day = datetime(2026, 11, 20, tzinfo=SHANGHAI)
    assert all(in_quiet(schedule, day.replace(hour=h, minute=m)) for h, m in inside)
    assert not any(in_quiet(schedule, day.replace(hour=h, minute=m)) for h, m in outside)


def test_a_time_in_quiet_hours_moves_to_their_end_and_the_first_run_waits_for_it():
    night = Schedule(every=timedelta(minutes=15), zone="Asia/Shanghai", quiet="22:00-07:00")
    evening = datetime(2026, 11, 20, 21, 50, tzinfo=SHANGHAI)
    assert next_slot(night, evening, evening) == datetime(2026, 11, 21, 7, 0, tzinfo=SHANGHAI)
    assert next_slot(night, evening - timedelta(minutes=10), evening) == datetime(2026, 11, 20, 21, 55,
                                                                                tzinfo=SHANGHAI)
    late = datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI)
    assert first_due(night, late).at == datetime(2026, 11, 21, 7, 0, tzinfo=SHANGHAI)
    assert first_due(night, evening).at == evening, "a new source runs at once outside quiet hours"
    # A run jittered across the start of quiet hours waits for their end too.
    names = [f"s{n}" for n in range(300)]
    edge = datetime(2026, 11, 20, 21, 59, tzinfo=SHANGHAI)
    assert not any(in_quiet(night, fire_time(night, name, edge)) for name in names)


def test_a_failing_source_waits_longer_each_time_at_most_a_day_and_a_success_resets_it():
    schedule = Schedule(every=timedelta(minutes=15), zone="UTC")
    waits = [retry_delay(schedule, "flaky", failures, NOW) for failures in range(1, 15)]
    assert waits[0] >= timedelta(minutes=30) * 0.75
    for shorter, longer in zip(waits, waits[1:]):
        assert longer >= shorter * 1.5 or longer >= LONGEST_WAIT * 0.75
    assert all(wait <= LONGEST_WAIT for wait in waits) and waits[-1] >= LONGEST_WAIT * 0.75
    assert retry_delay(schedule, "flaky", 10_000, NOW) <= LONGEST_WAIT, "never given up, never beyond a day"
    assert len({retry_delay(schedule, f"s{n}", 3, NOW) for n in range(50)}) > 40, "jittered per source"

    failing = due_after(schedule, "flaky", NOW, History(3, NOW - timedelta(hours=2), NOW), NOW)
    assert failing.at == failing.retry_at >= NOW + timedelta(hours=2) * 0.75
    assert failing.retry_reason.startswith("failing since ") and "3 failed runs in a row" in failing.retry_reason
    recovered = due_after(schedule, "flaky", NOW, History(), NOW)
    assert recovered.retry_at is None and recovered.at <= NOW + timedelta(minutes=15) + max_jitter(schedule, NOW)


def test_a_weekly_source_is_never_tried_more_often_for_failing():
    weekly = Schedule(cron="0 9 * * 1", zone="Asia/Shanghai")
    failing = due_after(weekly, "weekly", NOW, History(1, NOW, NOW), NOW)
    assert failing.at >= next_slot(weekly, NOW, NOW)


def test_the_site_asking_us_to_wait_holds_the_next_run():
    schedule = Schedule(every=timedelta(minutes=5), zone="UTC")
    asked = NOW + timedelta(hours=3)
    assert due_after(schedule, "busy", NOW, History(asked_until=asked), NOW).at == asked


def test_a_new_or_changed_schedule_gets_a_due_time_of_its_own():
    hourly = Schedule(every=timedelta(hours=1), zone="UTC")
    assert rescheduled(hourly, "new", None, History(), NOW).at == NOW, "a new source is due now"
    every_5m = Schedule(every=timedelta(minutes=5), zone="UTC")
    state = {"slot_at": NOW.isoformat(), "due_at": (NOW + timedelta(hours=1)).isoformat(), "schedule": hourly.key}
    changed = rescheduled(every_5m, "edited", state, History(), NOW + timedelta(minutes=21))
    assert changed.slot == NOW + timedelta(minutes=25), "the next time of the new schedule, not the old hour"
