"""How long a failing source waits before its next try: exponential, with jitter, capped at a day, never given up."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.schedule import Schedule, gap, unit_random

LONGEST_WAIT = timedelta(days=1)
# After this many failures the wait is at its cap whatever the interval (2**17 seconds is more than a day).
DOUBLINGS = 17
# The jitter takes up to this share off a wait, so sources that failed together do not come back together.
JITTER_SHARE = 0.25


def retry_delay(schedule: Schedule, name: str, failures: int, failed_at: datetime) -> timedelta:
    """The wait after `failures` failed runs in a row (the last one ending at failed_at): the source's interval
    doubled for each, at most LONGEST_WAIT, less a random part of up to JITTER_SHARE of it."""
    if failures <= 0:
        return timedelta(0)
    wait = min(LONGEST_WAIT, gap(schedule, failed_at) * 2 ** min(failures, DOUBLINGS))
    return wait * (1 - JITTER_SHARE * unit_random(name, str(failures), failed_at.isoformat()))
