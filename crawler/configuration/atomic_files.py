"""Files that several processes change: written whole or not at all, and changed one process at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace path with data: a reader (or a crash) sees the old file or the new one, never half of either.

    A temp file of its own in the same folder (two writers never share one), flushed to disk before the
    rename and the folder after it, so a power cut cannot leave an empty file behind the new name."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644   # mkstemp would make it 0600
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold the lock of path (the file .NAME.lock beside it) for a whole read-change-write.

    The lock file stays: deleting it would let a second process lock a new file while a third holds the old one.
    The operating system releases the lock when the process ends, however it ends."""
    with open(path.parent / f".{path.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
