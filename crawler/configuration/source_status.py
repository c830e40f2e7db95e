"""How each configured source is doing: its recent runs and whether it is backing off, read from the home's store."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.configuration.home import Home
from crawler.configuration.sources import Source
from db import Store

# Run statuses that count as failing: a source failing several runs in a row needs an operator.
FAILING = ("failed", "partial")


@dataclass(frozen=True)
class SourceStatus:
    """A configured source with its recent runs (newest first) and its backoff (until, reason), if any."""

    source: Source
    runs: list[dict]
    backoff: tuple[str, str] | None = None

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
        count = 0
        for run in self.runs:
            if run["status"] not in FAILING:
                break
            count += 1
        return count

    @property
    def newest_error(self) -> str:
        """The first error of the newest run; '' when it had none."""
        return next((error["message"] for run in self.runs[:1] for error in run["errors"]), "")

    @property
    def needs_attention(self) -> bool:
        return bool(self.failing_in_a_row or self.backoff or self.status in ("empty", "never run"))


@dataclass(frozen=True)
class SourcesReport:
    """The sources' statuses, and the newsletter's time zone to show their times in."""

    statuses: list[SourceStatus]
    zone: str


def sources_report(home: Home, *, runs: int = 1) -> SourcesReport:
    """Every configured source, in sources.yaml's order, with its last `runs` runs."""
    config = home.sources()
    with Store(home.database) as store:
        backoffs = store.backoffs()
        statuses = [SourceStatus(source, store.runs(source.name, limit=runs), backoffs.get(source.name))
                    for source in config.sources]
    return SourcesReport(statuses, home.sections().timezone)


def sources_health(home: Home) -> SourcesReport:
    """Each source with its recent runs: those that need an operator (failing, empty, backing off, never run)
    first, in sources.yaml's order within each group."""
    report = sources_report(home, runs=20)
    return SourcesReport(sorted(report.statuses, key=lambda status: not status.needs_attention), report.zone)
