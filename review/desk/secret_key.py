"""The key that signs the desk's session cookies: made once per home, kept in it, readable by its owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from crawler.errors import NewsdeskError

SECRET_KEY_FILE = "desk-secret-key"


def home_secret_key(home_path: Path) -> str:
    """The home's key, written on first use (mode 0600) so that sessions survive a restart of the desk."""
    path = home_path / SECRET_KEY_FILE
    try:
        # O_EXCL: two desks starting at once agree on one key, the first one's.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise NewsdeskError(f"{path} holds no usable key; delete it (everyone signs in again) and restart the desk")
        return key
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key
