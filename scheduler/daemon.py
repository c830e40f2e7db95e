"""`newsdesk schedule`: the daemon that crawls each source when it is due, for months, unattended.

APScheduler 3.11 keeps the time: one job per source (id `source:NAME`; coalesce, max_instances=1, a misfire grace
time) fires at the due time the database keeps. The job starts a crawl process (crawl_process.py) for its source
and every other source due at that moment whose site none of our crawls is at (a source whose last run timed out
goes alone), and when it ends, sets each job to
the due time the crawl wrote. The main thread reloads the configuration, writes the heartbeat and handles
SIGTERM and SIGINT: no crawl starts after them, those running stop within seconds.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from crawler.formats.canonical import site_of
from db import Store, clock, site_lock, source_lock
from scheduler.config_watch import ConfigWatch
from scheduler.crawl_process import hard_limit, run_crawl_process
from scheduler.due import iso, parse
from scheduler.plan import Plan, due_now, move_on, sync
from scheduler.backoff import LONGEST_WAIT
from scheduler.schedule import Schedule, gap

logger = logging.getLogger(__name__)

# A job whose time came while every crawl slot was busy still runs if a slot frees within this long; later, it
# waits for its next time (or the next crawl's end, which fires every source still due).
MISFIRE_GRACE_SECONDS = 15 * 60
# Sources in one crawl process at most (a crawl runs max_sites_at_once sites side by side; the rest queue there).
BATCH = 50
# How often the main thread looks at the configuration files and the stop signal, and writes the heartbeat.
TICK_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
# A due source another process is crawling (it, or its site) is tried again after this long, or its interval.
BUSY_RETRY = timedelta(seconds=30)


class DueTrigger(BaseTrigger):
    """A source's job fires at the due time the daemon gives it (from the store); once fired, it waits for the next
    one, which the daemon gives it when the crawl ends (the crawl computes it: regular time, jitter, backoff). Should
    nothing give it one, it fires again after a day: no source is ever forgotten."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        return now + LONGEST_WAIT

    def __str__(self) -> str:
        return self.schedule.text


class Daemon:
    """The scheduler of one home. `run()` blocks until SIGTERM or SIGINT; `once()` crawls what is due and returns."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.config = ConfigWatch(home)
        self.stopping = threading.Event()
        self.lock = threading.Lock()                # guards in_flight and sites_in_flight
        self.in_flight: set[str] = set()
        self.sites_in_flight: Counter[str] = Counter()
        self.scheduler: BackgroundScheduler | None = None

    # -- the long run -------------------------------------------------------------------------------------

    def run(self) -> None:
        """Crawl each source when it is due until a signal comes; then stop every crawl within seconds."""
        if os.environ.get(clock.NOW_VARIABLE):
            raise NewsdeskError(f"{clock.NOW_VARIABLE} fixes the clock, and the scheduler needs time to pass: "
                                f"unset it (`newsdesk schedule --once` works with it)")
        plan = self._first_plan()
        with self._signals(), Store(self.home.database) as store:
            store.take_scheduler(self._note())
            workers = int(self._settings()["max_crawls_at_once"])
            self.scheduler = BackgroundScheduler(
                executors={"default": ThreadPoolExecutor(workers)}, timezone=ZoneInfo(plan.zone),
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS})
            self.scheduler.start()
            try:
                self._set_jobs(plan)
                logger.info("scheduler started for %s: %d sources, up to %d crawls at once (pid %d)",
                            self.home.path, len(plan.schedules), workers, os.getpid())
                beaten = time.monotonic()
                while not self.stopping.wait(TICK_SECONDS):
                    changed = self.config.check()
                    if changed is not None:
                        self._set_jobs(changed)
                        logger.info("configuration reloaded: %d sources", len(changed.schedules))
                    if time.monotonic() - beaten >= HEARTBEAT_SECONDS:
                        store.scheduler_beat(self._note())
                        beaten = time.monotonic()
                logger.info("stopping: no crawl starts now; crawls running stop within seconds")
            finally:
                self.stopping.set()
                self.scheduler.shutdown(wait=True)
                store.scheduler_beat("stopped", stopped=True)
        logger.info("scheduler stopped")

    def once(self) -> None:
        """Crawl every source due now, in crawl processes one after another, and return (`schedule --once`)."""
        plan = self._first_plan()
        with self._signals():
            with Store(self.home.database) as store:
                due = due_now(sync(store, plan, clock.now()), clock.now())
            for start in range(0, len(due), BATCH):
                if self.stopping.is_set():
                    break
                self._crawl(due[start:start + BATCH], plan)

    def _first_plan(self) -> Plan:
        plan = self.config.check()
        if plan is None:
            raise NewsdeskError(f"the scheduler cannot start: {self.config.error}")
        return plan

    def _settings(self) -> dict:
        return Home(self.home.path, config=self.config.ensure_copy()).sources().settings

    def _note(self) -> str:
        with self.lock:
            crawling = ", ".join(sorted(self.in_flight)) or "nothing"
        note = f"{len(self.config.plan.schedules)} sources; crawling {crawling}"
        return note + (f"; configuration not reloaded: {self.config.error}" if self.config.error else "")

    # -- jobs ---------------------------------------------------------------------------------------------

    def _set_jobs(self, plan: Plan) -> None:
        """One job per source of the plan, at its due time; jobs of sources gone (removed, disabled) go."""
        with Store(self.home.database) as store:
            states = sync(store, plan, clock.now())
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        now = clock.now()
        for name, schedule in plan.schedules.items():
            job_id, when = f"source:{name}", max(parse(states[name]["due_at"]), now)
            job = jobs.pop(job_id, None)
            if job is None:
                self.scheduler.add_job(self._job, DueTrigger(schedule), args=[name], id=job_id, name=name,
                                       next_run_time=when)
            elif job.trigger.schedule != schedule:
                self.scheduler.modify_job(job_id, trigger=DueTrigger(schedule), next_run_time=when)
        for job_id in jobs:
            self.scheduler.remove_job(job_id)
        self._resync()

    def _resync(self) -> None:
        """Every job not crawling now set to its source's due time in the store (now, when it is past)."""
        with Store(self.home.database) as store:
            states = store.schedule_states()
        now = clock.now()
        with self.lock:
            in_flight = set(self.in_flight)
        for job in self.scheduler.get_jobs():
            state = states.get(job.args[0])
            if state is None or not state.get("due_at") or job.args[0] in in_flight:
                continue
            when = max(parse(state["due_at"]), now)
            if job.next_run_time is None or abs((job.next_run_time - when).total_seconds()) >= 1:
                self.scheduler.modify_job(job.id, next_run_time=when)

    def _job(self, name: str) -> None:
        """A source's time came: crawl it with every other source due now that no crawl of ours is at. When one of
        ours is at it or its site, that crawl's end sets its job again; when it is not due (another process crawled
        it meanwhile), its job is set to the time it now has."""
        plan = self.config.plan
        if self.stopping.is_set() or name not in plan.schedules:
            return
        batch, due_at = self._claim(name, plan)
        if due_at is not None:
            self.scheduler.modify_job(f"source:{name}", next_run_time=max(parse(due_at), clock.now()))
        if not batch:
            return
        try:
            self._crawl(batch, plan)
        except Exception as error:   # the scheduler goes on; the sources are tried again at their next time
            logger.error("the crawl of %s could not be run: %s: %s", ", ".join(batch), type(error).__name__, error)
        finally:
            with self.lock:
                for source in batch:
                    self.in_flight.discard(source)
                    self.sites_in_flight[site_of(plan.sources[source].url)] -= 1
                self.sites_in_flight += Counter()   # drops the sites at zero
            if not self.stopping.is_set():
                self._resync()

    def _claim(self, name: str, plan: Plan) -> tuple[list[str], str | None]:
        """The sources due now whose site none of our crawls is at (`name` among them, or nothing), marked ours;
        and name's due time when it is not due. A source whose last run timed out is crawled alone: it holds back
        no other source's next run while it hangs again."""
        with Store(self.home.database) as store:
            states = store.schedule_states()
            due = due_now({n: states[n] for n in plan.schedules if states.get(n, {}).get("due_at")}, clock.now())
            if name not in due:
                return [], states.get(name, {}).get("due_at")
            alone = {n for n in due if (store.last_run(n) or {}).get("status") == "timed_out"}
        with self.lock:
            free = [n for n in due if n not in self.in_flight
                    and not self.sites_in_flight[site_of(plan.sources[n].url)]]
            if name not in free:
                return [], None
            others = [] if name in alone else [n for n in free if n != name and n not in alone]
            batch = [name] + others[:BATCH - 1]
            for source in batch:
                self.in_flight.add(source)
                self.sites_in_flight[site_of(plan.sources[source].url)] += 1
        return batch, None

    # -- one crawl ----------------------------------------------------------------------------------------

    def _crawl(self, batch: list[str], plan: Plan) -> None:
        """Run one crawl process for the batch; then move on the sources it could not (killed, crashed, busy
        elsewhere) and log one line per source."""
        with Store(self.home.database) as store:
            before = {name: (store.last_run(name) or {}).get("id", 0) for name in batch}
        ended = run_crawl_process(self.home, batch, config=self.config.ensure_copy(),
                                  limit=hard_limit(self._settings()), stopping=self.stopping)
        if ended.crashed:
            logger.error("the crawl process of %s ended with exit status %d: %s", ", ".join(batch),
                         ended.returncode, ended.error or "no message")
        with Store(self.home.database) as store:
            runs = {name: store.last_run(name) for name in batch}
            ran = [name for name in batch if runs[name] and runs[name]["id"] > before[name]]
            busy = self._busy(store, batch, plan)
            if not self.stopping.is_set():
                self._move_on_left(store, plan, batch, ran, busy)
            states = store.schedule_states()
        for name in batch:
            logger.info("%s", run_line(name, runs[name] if name in ran else None, states.get(name, {}),
                                       busy.get(name), plan.zone, stopping=self.stopping.is_set()))

    def _busy(self, store: Store, batch: list[str], plan: Plan) -> dict[str, str]:
        """{source: who} for the sources of the batch another live process is crawling (it, or its site)."""
        held = store.crawl_locks()
        busy = {}
        for name in batch:
            for lock in (source_lock(name), site_lock(site_of(plan.sources[name].url))):
                if lock in held:
                    what = "it" if lock.startswith("source:") else f"its site {lock.split(':', 1)[1]}"
                    busy[name] = f"another crawl (pid {held[lock][0]}) is crawling {what}"
                    break
        return busy

    def _move_on_left(self, store: Store, plan: Plan, batch: list[str], ran: list[str], busy: dict[str, str]) -> None:
        """The crawl moves its sources on; those still due (it was killed or crashed, or they were busy) move here:
        after a run, by its outcome; busy ones are tried again soon; others at their next regular time."""
        now = clock.now()
        states = store.schedule_states()
        left = [name for name in batch if parse(states[name]["due_at"]) <= now]
        move_on(store, plan, [name for name in left if name not in busy], now)
        store.save_schedules({name: {"due_at": iso(now + min(BUSY_RETRY, gap(plan.schedules[name], now)))}
                              for name in left if name in busy})

    # -- signals --------------------------------------------------------------------------------------------

    def _signals(self):
        return _StopOnSignals(self.stopping)


class _StopOnSignals:
    """SIGTERM and SIGINT set the stop event while the block runs (in the main thread only)."""

    def __init__(self, stopping: threading.Event) -> None:
        self.stopping = stopping
        self.previous: dict[int, object] = {}

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                self.previous[signum] = signal.signal(signum, self._received)

    def _received(self, signum: int, frame: object) -> None:
        if not self.stopping.is_set():
            logger.info("%s received", signal.Signals(signum).name)
        self.stopping.set()

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def run_line(name: str, run: dict | None, state: dict, busy: str | None, zone: str, *, stopping: bool) -> str:
    """The log line of one source's turn: `wire: ok, 3 new, 1 duplicate, 0 errors, 5 pages; next 10:30 CST`."""
    next_due = clock.local_time(state.get("due_at"), zone) if state.get("due_at") else "unknown"
    if run is None:
        why = busy or ("the scheduler is stopping" if stopping else "it was not due when its crawl began")
        return f"{name}: not run: {why}; next {next_due}"
    errors = run.get("errors") or []
    line = (f"{name}: {run['status']}, {run['new']} new, {run['duplicates']} duplicates, {run['error_count']} "
            f"errors, {run['pages']} pages; next {next_due}")
    if state.get("retry_reason") and state.get("retry_at"):
        line += f" (backing off: {state['retry_reason']})"
    if errors:
        line += f"; {errors[0]['message']}"
    return line


class _ZoneTimeFormatter(logging.Formatter):
    """Log lines stamped with the clock's time in the newsletter's zone."""

    def __init__(self, zone: str) -> None:
        super().__init__("%(message)s")
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        stamp = clock.now().astimezone(ZoneInfo(self.zone)).strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"{stamp} {super().format(record)}"


def log_to(stream: TextIO = sys.stderr, zone: str = clock.DEFAULT_ZONE) -> None:
    """The scheduler's lines (one per run, and its own news) to stderr, which journald keeps under systemd;
    APScheduler's own only when they are warnings."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_ZoneTimeFormatter(zone))
    scheduler_logger = logging.getLogger("scheduler")
    scheduler_logger.addHandler(handler)
    scheduler_logger.setLevel(logging.INFO)
    apscheduler_logger = logging.getLogger("apscheduler")
    apscheduler_logger.addHandler(handler)
    apscheduler_logger.setLevel(logging.WARNING)
