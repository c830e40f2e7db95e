"""One clock: the product and the suite read "now" from db/clock.py, and nothing depends on the wall clock."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO

from db import StoreError, clock


def test_the_clock_is_the_one_the_suite_set_and_it_refuses_nonsense(monkeypatch):
    assert clock.now() == dt.datetime.fromisoformat(os.environ["NEWSDESK_NOW"])
    assert clock.utc_now() == clock.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    monkeypatch.setenv("NEWSDESK_NOW", "2027-01-01T01:00:00+08:00")
    assert clock.today("Asia/Shanghai") == dt.date(2027, 1, 1)
    assert clock.today("UTC") == dt.date(2026, 12, 31)
    monkeypatch.setenv("NEWSDESK_NOW", "next tuesday")
    with pytest.raises(StoreError, match="NEWSDESK_NOW='next tuesday' is not an ISO 8601 time"):
        clock.now()


# It runs a part of the suite again in one process: on a loaded 2-core machine that can pass the suite's
# 300 s safety limit, so this test has the limit of the run inside it.
@pytest.mark.timeout(900)
def test_the_date_dependent_tests_pass_a_year_later():
    """A time bomb (a test fixing today while the product reads the wall clock) goes off here first."""
    later = clock.now() + dt.timedelta(days=365)
    env = {**os.environ, "NEWSDESK_NOW": later.isoformat()}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "clock", "-p", "no:cacheprovider",
                             "-p", "no:randomly", "-n", "0", "tests"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 40 and "skipped" not in result.stdout, result.stdout[-500:]
