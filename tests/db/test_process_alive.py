"""Who holds a lock or a run: a live process does; a killed one, even one nobody has reaped yet, does not."""

from __future__ import annotations

import signal
import subprocess
import time

import psutil

from db import process_alive, process_identity


def test_a_killed_process_not_yet_reaped_holds_nothing():
    child = subprocess.Popen(["sleep", "60"])
    try:
        identity = process_identity(child.pid)
        assert process_alive(identity)
        child.send_signal(signal.SIGKILL)
        # Not waited for: a zombie, as a crawl killed with its scheduler stays until init reaps it.
        deadline = time.monotonic() + 30
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert psutil.Process(child.pid).status() == psutil.STATUS_ZOMBIE
        assert not process_alive(identity)
    finally:
        child.kill()
        child.wait()
    assert not process_alive(identity)
    assert not process_alive("not an identity")
