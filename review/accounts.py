"""The desk's editors: accounts, passwords hashed with Argon2id (memory-hard), and signing in, rate-limited.

The store keeps only the encoded hash; hashing and checking happen here. Failed sign-ins are recorded in the
database with the clock's time, so the limit holds across restarts and between processes (one `newsdesk review`
or several).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crawler.errors import NewsdeskError
from db import NotFound, Store, clock

MIN_PASSWORD_CHARS = 8
NAME_PATTERN = re.compile(r"^[\w][\w.@-]{0,63}$")
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
# Higher than an account's: a desk's editors may all sign in from one office address.
MAX_FAILURES_PER_ADDRESS = 20
# Checked when the name is unknown, so that a wrong name takes as long as a wrong password and names cannot be
# told from the time an answer takes. The hash of a random string nobody knows.
UNKNOWN_NAME_HASH = "$argon2id$v=19$m=65536,t=3,p=4$INBQK5NS4adySkm4RQ2rzA$yJZ0BhH8H12wMZy/PzBVk5pCA/TgA9upeV2ISA4Y+qY"


class SignInRefused(NewsdeskError):
    """A sign-in that did not succeed; the message is what the editor is told."""


class TooManyFailures(SignInRefused):
    """Too many failed sign-ins for this account or from this address lately."""


@dataclass(frozen=True)
class Editor:
    """Who is signed in: the name every decision records, and the account version the session was signed for."""

    name: str
    version: int


def _hasher() -> PasswordHasher:
    return PasswordHasher()   # argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes (RFC 9106's second choice)


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise NewsdeskError(f"'{name}' cannot be an editor's name: use 1-64 letters, digits, '.', '@', '-' or '_', "
                            "starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise NewsdeskError(f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters")
    return password


def add_editor(store: Store, name: str, password: str) -> dict:
    """A new editor who can sign in to the desk."""
    return store.add_user(check_name(name), _hasher().hash(check_password(password)))


def set_password(store: Store, name: str, password: str) -> dict:
    """A new password; the editor's open sessions end."""
    return store.update_user(name, password_hash=_hasher().hash(check_password(password)))


def set_enabled(store: Store, name: str, enabled: bool) -> dict:
    """Disable (sessions end, signing in is refused) or enable an editor; nothing of theirs is deleted."""
    return store.update_user(name, enabled=enabled)


def reset_editor(store: Store, name: str, password: str) -> dict:
    """The editor with this password, enabled: added when new (the demo's editor, made afresh on each run)."""
    try:
        store.user(name)
    except NotFound:
        return add_editor(store, name, password)
    set_password(store, name, password)
    return set_enabled(store, name, True)


def editors(store: Store) -> list[dict]:
    return store.users()


def new_password() -> str:
    """A random password to hand out (the demo editor's): 16 characters, easy to copy."""
    return secrets.token_urlsafe(12)


def _since(window: timedelta) -> str:
    return (clock.now() - window).astimezone(UTC).isoformat(timespec="seconds")


def sign_in(store: Store, name: str, password: str, address: str) -> Editor:
    """The editor, when the name and password are right and the account is enabled; SignInRefused otherwise
    (TooManyFailures, before any password is checked, after too many failures lately)."""
    try:
        account = store.user(name)
    except NotFound:
        account = None
    window_start = _since(WINDOW)
    # A successful sign-in starts the account's count afresh; an address's count only ages.
    account_since = max(window_start, (account or {}).get("last_login_at") or "")
    by_name, by_address = store.login_failures(name=name, name_since=account_since, address=address,
                                               address_since=window_start)
    if by_name >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        whose = "for this account" if by_name >= MAX_FAILURES_PER_ACCOUNT else "from your address"
        minutes = WINDOW.seconds // 60
        raise TooManyFailures(f"too many failed sign-ins {whose} in the last {minutes} minutes; wait {minutes} minutes "
                              "and try again, or ask an operator to set a new password (`newsdesk users passwd NAME`)")
    hasher = _hasher()
    try:
        hasher.verify(account["password_hash"] if account else UNKNOWN_NAME_HASH, password)
        matched = account is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if not matched:
        store.record_login_failure(name, address)
        raise SignInRefused("wrong name or password")
    if not account["enabled"]:
        raise SignInRefused(f"the account '{name}' is disabled; ask an operator (`newsdesk users enable {name}`)")
    rehash = hasher.hash(password) if hasher.check_needs_rehash(account["password_hash"]) else None
    store.record_login(name, rehash)
    return Editor(name, account["version"])


def signed_in(store: Store, name: str, version: int) -> Editor | None:
    """The editor a session names, while the account is enabled and unchanged since it was signed; else None."""
    try:
        account = store.user(name)
    except NotFound:
        return None
    if not account["enabled"] or account["version"] != version:
        return None
    return Editor(name, version)
