"""How each configured source is doing: its recent runs and whether it is backing off, read from the home's store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.configuration.home import Home
from crawler.configuration.sources import Source
from db import Store, clock

# How many of a source's latest runs that found something new its usual gap is learned from.
NEW_ITEM_RUNS = 30
# A source is quiet when nothing new came for longer than this many of its usual gaps.
QUIET_GAPS = 2
# How sources are ordered in health: those failing first, then the quiet and the empty, then the others that need
# an operator (errors, a site asking us to wait, never run), then those doing well.
FAILING, QUIET, OTHER_ATTENTION, WELL = range(4)


@dataclass(frozen=True)
class SourceStatus:
    """A configured source with its recent runs (newest first), its site's backoff (until, reason), its failure
    streak (db failure_streak: failed runs in a row, since, last ended), the failing source's next try (retry_at,
    reason), and when its latest runs that found something new started (newest first)."""

    source: Source
    runs: list[dict]
    backoff: tuple[str, str] | None = None
    streak: tuple[int, str | None, str | None] = (0, None, None)
    retry: tuple[str, str] | None = None
    new_item_times: tuple[str, ...] = ()

    @property
    def last_run(self) -> dict | None:
        return self.runs[0] if self.runs else None

    @property
    def status(self) -> str:
        return self.runs[0]["status"] if self.runs else "never run"

    @property
    def last_success(self) -> str | None:
        """When the newest ok run started (UTC), None when none of the runs read was ok."""
        return next((run["started_at"] for run in self.runs if run["status"] == "ok"), None)

    @property
    def failing_in_a_row(self) -> int:
        """Failed runs in a row (db.run_failed: failed, or timed out having found nothing)."""
        return self.streak[0]

    @property
    def failing_since(self) -> str | None:
        """When the first run of the current failure streak started (UTC), None when it is not failing."""
        return self.streak[1] if self.streak[0] else None

    @property
    def newest_error(self) -> str:
        """The first error of the newest run; '' when it had none."""
        return next((error["message"] for run in self.runs[:1] for error in run["errors"]), "")

    @property
    def usual_gap(self) -> timedelta | None:
        """The median time between the source's runs that found something new, None with fewer than three."""
        times = [datetime.fromisoformat(moment) for moment in self.new_item_times]
        gaps = sorted(newer - older for newer, older in zip(times, times[1:]))
        return gaps[len(gaps) // 2] if len(gaps) >= 2 else None

    def quiet_since(self, now: datetime) -> str | None:
        """When its last new article came (UTC), if nothing new came since for longer than QUIET_GAPS of its
        usual gaps; else None."""
        usual = self.usual_gap
        if usual is None or not self.source.enabled:
            return None
        last_new = self.new_item_times[0]
        return last_new if now - datetime.fromisoformat(last_new) > usual * QUIET_GAPS else None

    def rank(self, now: datetime) -> int:
        """FAILING, QUIET, OTHER_ATTENTION or WELL: where health lists it."""
        if self.failing_in_a_row:
            return FAILING
        if self.quiet_since(now) or self.status == "empty":
            return QUIET
        if self.backoff or self.status in ("partial", "never run", "timed_out"):
            return OTHER_ATTENTION
        return WELL

    @property
    def needs_attention(self) -> bool:
        return self.rank(clock.now()) != WELL


def health_order(statuses: list[SourceStatus], now: datetime) -> list[SourceStatus]:
    """Failing sources first (the longest failing first), then quiet and empty ones, then the others that need an
    operator, then the rest; sources.yaml's order within each group."""
    return sorted(statuses, key=lambda status: (status.rank(now), status.failing_since or ""))


@dataclass(frozen=True)
class SourcesReport:
    """The sources' statuses, the newsletter's time zone to show their times in, and when they were read."""

    statuses: list[SourceStatus]
    zone: str
    now: datetime = field(default_factory=clock.now)


def sources_report(home: Home, *, runs: int = 1) -> SourcesReport:
    """Every configured source, in sources.yaml's order, with its last `runs` runs and what health needs."""
    config = home.sources()
    now = clock.now()
    with Store(home.database) as store:
        backoffs = store.backoffs()
        states = store.schedule_states()
        statuses = []
        for source in config.sources:
            state = states.get(source.name) or {}
            retry_at = state.get("retry_at")
            retry = (retry_at, state["retry_reason"]) if retry_at and retry_at > clock.utc_now() else None
            statuses.append(SourceStatus(source, store.runs(source.name, limit=runs), backoffs.get(source.name),
                                         store.failure_streak(source.name), retry,
                                         tuple(store.new_item_times(source.name, NEW_ITEM_RUNS))))
    return SourcesReport(statuses, home.sections().timezone, now)


def sources_health(home: Home) -> SourcesReport:
    """Each source with its recent runs, those that need an operator first (health_order)."""
    report = sources_report(home, runs=20)
    return SourcesReport(health_order(report.statuses, report.now), report.zone, report.now)
