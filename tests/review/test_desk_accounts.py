"""Editors' accounts: `newsdesk users`, Argon2id hashes, signing in and out, and the rate limit on failures."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from conftest import cli, cli_main
from support.desk import PASSWORD, add_editor, desk_app, sign_in, signed_in_client, token

from crawler.errors import NewsdeskError
from db import Store
from review import accounts


def users(home, *args: str, input: str | None = None):
    return CliRunner().invoke(cli_main(), ["--home", str(home), "users", *args], input=input)


def stored(home, name: str) -> dict:
    with Store(home / "newsdesk.db") as store:
        return store.user(name)


def test_users_add_asks_twice_without_echo_and_stores_only_an_argon2id_hash(home):
    result = users(home, "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and "Repeat for confirmation" in result.output
    account = stored(home, "alice")
    assert account["password_hash"].startswith("$argon2id$") and PASSWORD not in account["password_hash"]
    assert account["enabled"] == 1
    database = b"".join(path.read_bytes() for path in home.glob("newsdesk.db*"))
    assert PASSWORD.encode() not in database


def test_users_add_refuses_two_different_passwords_and_a_short_one(home):
    result = users(home, "add", "alice", input="first password\nsecond password\nshort\nshort\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert users(home, "add", "bob", "--password-stdin", input="short\n").output.strip() == \
        "error: the password is too short: use at least 8 characters"
    assert users(home, "list").output.strip().startswith("no editors yet")


def test_users_commands_for_scripts_list_passwd_disable_enable(home):
    assert cli("--home", str(home), "users", "add", "alice", "--password-stdin", input=f"{PASSWORD}\n").returncode == 0
    result = users(home, "add", "alice", "--password-stdin", input=f"{PASSWORD}\n")
    assert result.output.strip() == ("error: an editor named 'alice' exists already; change the password with "
                                     "`newsdesk users passwd alice`")
    assert users(home, "add", "bad name", "--password-stdin", input=f"{PASSWORD}\n").output.startswith(
        "error: 'bad name' cannot be an editor's name")
    assert users(home, "list").output.strip() == "alice  enabled   never signed in"
    assert users(home, "passwd", "alice", "--password-stdin", input="a new password\n").exit_code == 0
    assert users(home, "disable", "alice").exit_code == 0
    assert users(home, "list").output.strip() == "alice  disabled  never signed in"
    assert users(home, "enable", "alice").exit_code == 0
    assert users(home, "passwd", "nobody", "--password-stdin", input="whatever123\n").output.strip() == \
        "error: no editor named 'nobody'; see `newsdesk users list`"


def test_signing_in_and_out(home):
    add_editor(home, "alice")
    client = desk_app(home).test_client()
    answer = client.get("/")
    assert answer.status_code == 303 and answer.location.startswith("/login")
    wrong = sign_in(client, "alice", "not the password")
    assert wrong.status_code == 401 and "wrong name or password" in wrong.get_data(as_text=True)
    unknown = sign_in(client, "mallory", PASSWORD)
    assert unknown.status_code == 401 and "wrong name or password" in unknown.get_data(as_text=True)
    right = sign_in(client, "alice")
    assert right.status_code == 303 and right.location == "/"
    assert client.get("/").status_code == 200
    assert stored(home, "alice")["last_login_at"] == "2026-11-20T02:00:00+00:00"
    out = client.post("/logout", data={"csrf_token": token(client, "/")})
    assert out.status_code == 303 and out.location == "/login"
    assert client.get("/").status_code == 303


def test_sign_in_returns_to_the_page_asked_for_but_never_off_the_desk(home):
    add_editor(home, "alice")
    client = desk_app(home).test_client()
    assert client.get("/sources").location == "/login?next=/sources"
    page = client.get("/login?next=/sources").get_data(as_text=True)
    sent = {"username": "alice", "password": PASSWORD, "csrf_token": token(client)}
    assert 'name="next" value="/sources"' in page
    assert client.post("/login", data={**sent, "next": "/sources"}).location == "/sources"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client.post("/logout", data={"csrf_token": token(client, "/")})
        sent["csrf_token"] = token(client)
        assert client.post("/login", data={**sent, "next": elsewhere}).location == "/"


def test_a_disabled_editor_or_a_new_password_ends_open_sessions(home):
    add_editor(home, "alice")
    app = desk_app(home)
    client = signed_in_client(app, "alice")
    with Store(home / "newsdesk.db") as store:
        accounts.set_password(store, "alice", "another password")
    assert client.get("/").status_code == 303, "the old session ends with the old password"
    assert sign_in(client, "alice").status_code == 401
    client = app.test_client()
    assert sign_in(client, "alice", "another password").status_code == 303
    with Store(home / "newsdesk.db") as store:
        accounts.set_enabled(store, "alice", False)
    assert client.get("/").status_code == 303
    refused = sign_in(client, "alice", "another password")
    assert refused.status_code == 401 and "the account &#39;alice&#39; is disabled" in refused.get_data(as_text=True)


def test_five_failures_lock_the_account_for_fifteen_minutes_across_restarts(home, monkeypatch):
    add_editor(home, "alice")
    client = desk_app(home).test_client()
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, "alice", "guess").status_code == 401
    # Another process (a restarted desk) and another address: the account is still locked, right password or not.
    restarted = desk_app(home).test_client()
    locked = sign_in(restarted, "alice", REMOTE_ADDR="192.0.2.9")
    assert locked.status_code == 429
    assert "too many failed sign-ins for this account in the last 15 minutes" in locked.get_data(as_text=True)
    assert stored(home, "alice")["last_login_at"] is None
    monkeypatch.setenv("NEWSDESK_NOW", "2026-11-20T10:16:00+08:00")
    assert sign_in(restarted, "alice").status_code == 303, "fifteen minutes later the lock is gone"


def test_a_success_starts_the_accounts_count_afresh(home):
    add_editor(home, "alice")
    client = desk_app(home).test_client()
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT - 1):
        sign_in(client, "alice", "typo")
    assert sign_in(client, "alice").status_code == 303
    client.post("/logout", data={"csrf_token": token(client, "/")})
    assert sign_in(client, "alice", "typo").status_code == 401, "one more typo is not the fifth in a row"
    assert sign_in(client, "alice").status_code == 303


def test_many_failures_from_one_address_lock_it_out_for_every_name(home):
    add_editor(home, "alice")
    client = desk_app(home).test_client()
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
        sign_in(client, f"guess{n}", "guess", REMOTE_ADDR="198.51.100.7")
    locked = sign_in(client, "alice", REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429 and "from your address" in locked.get_data(as_text=True)
    assert sign_in(client, "alice", REMOTE_ADDR="198.51.100.8").status_code == 303


def test_failures_are_recorded_in_the_database_and_old_ones_pruned(home, monkeypatch):
    with Store(home / "newsdesk.db") as store:
        store.record_login_failure("alice", "192.0.2.1")
        monkeypatch.setenv("NEWSDESK_NOW", "2026-11-21T10:00:01+08:00")
        store.record_login_failure("bob", "192.0.2.1")
    rows = sqlite3.connect(home / "newsdesk.db").execute("SELECT name, at FROM login_failures").fetchall()
    assert rows == [("bob", "2026-11-21T02:00:01+00:00")]


def test_library_refuses_names_and_passwords_it_cannot_take(home):
    with Store(home / "newsdesk.db") as store:
        with pytest.raises(NewsdeskError, match="cannot be an editor's name"):
            accounts.add_editor(store, "", PASSWORD)
        with pytest.raises(NewsdeskError, match="too short"):
            accounts.add_editor(store, "alice", "1234567")
        assert store.users() == []
