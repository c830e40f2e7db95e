"""BLAS threads benchmark: the demo crawl with numpy's default threads (one per core) beside one thread.

Run `python benchmarks/threads.py [--rounds 3]`. Each round runs `newsdesk demo --no-serve` into a fresh
folder twice, once per setting, in alternating order (so a change in the machine's load hits both), and
times the whole command (start-up, loading the encoder, encoding the sections and every story, crawling).
The baseline is numpy's default, one BLAS thread per core, set explicitly: Newsdesk itself now defaults
to one (newsdesk/numeric_threads.py), and an operator's OPENBLAS_NUM_THREADS still wins.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.numeric_threads import THREAD_VARIABLES  # noqa: E402 -- after the path, and numpy-free


def demo_seconds(threads: int) -> float:
    """Wall seconds of one `newsdesk demo --no-serve` into a fresh folder with this many BLAS threads."""
    env = {**os.environ, **{name: str(threads) for name in THREAD_VARIABLES}}
    with tempfile.TemporaryDirectory(prefix="newsdesk-threads-") as folder:
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "newsdesk.cli", "--home", str(Path(folder) / "home"), "demo",
                        "--no-serve", "--port", "0"], cwd=REPO, env=env, check=True, capture_output=True)
        return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    cores = os.cpu_count() or 1
    times: dict[int, list[float]] = {cores: [], 1: []}
    for round_number in range(rounds):
        order = [cores, 1] if round_number % 2 == 0 else [1, cores]
        for threads in order:
            times[threads].append(demo_seconds(threads))
    default, one = statistics.median(times[cores]), statistics.median(times[1])
    print(f"demo crawl (newsdesk demo --no-serve, fresh folder), wall seconds, median of {rounds} "
          f"on {cores} cores; load average {os.getloadavg()[0]:.1f} at the end")
    for threads, label in ((cores, "numpy's default, the baseline"), (1, "Newsdesk's default")):
        runs = ", ".join(f"{t:.1f}" for t in times[threads])
        print(f"  {f'BLAS threads {threads} ({label}):':<50} {statistics.median(times[threads]):6.1f}   ({runs})")
    print(f"  one thread / default: {one / default:.2f}x the time ({default / one:.1f}x faster)")


if __name__ == "__main__":
    main()
