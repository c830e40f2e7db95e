"""sources.yaml under concurrent edits: every `sources add` lands, and a reader always finds a whole file."""

from __future__ import annotations

import subprocess
import sys
import threading

from conftest import REPO

from crawler.configuration.sources import load_sources

WRITERS = 20


def test_concurrent_sources_add_all_land_and_the_file_always_parses(home):
    path = home / "sources.yaml"
    readings, problems, done = [], [], threading.Event()

    def keep_reading() -> None:
        while not done.is_set():
            try:
                readings.append(len(load_sources(path).sources))
            except Exception as exc:  # noqa: BLE001 -- any failure to read is what this test looks for
                problems.append(repr(exc))

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        writers = [subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "sources", "add",
                                     f"wire-{n}", f"http://x{n}.cn/rss.xml", "--kind", "feed"],
                                    cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for n in range(WRITERS)]
        outcomes = [(writer.wait(timeout=300), writer.stderr.read()) for writer in writers]
    finally:
        done.set()
        reader.join()
    for writer in writers:
        writer.stdout.close()
        writer.stderr.close()
    assert all(code == 0 for code, _ in outcomes), outcomes
    assert sorted(s.name for s in load_sources(path).sources) == sorted(f"wire-{n}" for n in range(WRITERS))
    assert problems == [] and readings
    assert not [p.name for p in home.iterdir() if p.name.endswith(".tmp")]
