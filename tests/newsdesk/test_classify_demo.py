"""`newsdesk demo` end to end: the queue shows sections with their confidence, and the off-topic stories filtered."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import cli, queue_rows

from newsdesk.demo import demo_catalogue

pytestmark = pytest.mark.clock


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("classify-demo") / "home"
    result = cli("--home", str(home), "demo", "--no-serve", "--port", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    return home, result.stdout


def truth_by_path() -> dict[str, str | None]:
    return {entry["path"]: entry["section"] for entry in demo_catalogue()}


def test_the_demo_queue_shows_sections_confidence_and_filtered_stories(demo_run):
    _, output = demo_run
    lines = [line for line in output.splitlines() if line.startswith("#")]
    assert lines and all(re.search(r"\] \S+ \d\.\d\d", line) for line in lines), lines[:3]
    filtered = [line for line in lines if "[filtered]" in line]
    assert len(filtered) == 8 and all("relevance 0." in line for line in filtered)
    assert any("马拉松" in line for line in filtered)


def test_crawled_demo_stories_land_in_their_section_and_off_topic_ones_are_filtered(demo_run):
    home, _ = demo_run
    truth = truth_by_path()
    rows = queue_rows(home, "--all", "--any-status")
    assert rows and all(row["section"] and row["explanation"] and row["classified_by"] == "rules" for row in rows)
    assert all(0 < row["section_confidence"] <= 1 and 0 <= row["relevance"] <= 1 for row in rows)
    on_topic = [row for row in rows if truth[urlsplit(row["url"]).path]]
    right = [row for row in on_topic if row["section"] == truth[urlsplit(row["url"]).path]]
    assert len(right) / len(on_topic) >= 0.9
    assert all(row["status"] == "pending" for row in on_topic)
    off_topic = [row for row in rows if truth[urlsplit(row["url"]).path] is None]
    assert off_topic and all(row["status"] == "filtered" for row in off_topic)
    listed = queue_rows(home, "--status", "filtered")
    assert {row["id"] for row in listed} <= {row["id"] for row in off_topic} and len(listed) == 8
