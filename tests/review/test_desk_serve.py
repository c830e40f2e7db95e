"""`newsdesk review`: the desk served by waitress on a real port, its warnings, and a clean Ctrl-C."""

from __future__ import annotations

import socket

from conftest import cli
from support.desk import ADDRESS, Running, add_editor, fetch, sign_in_over_http

from review.desk.security import CONTENT_SECURITY_POLICY


def test_review_serves_the_desk_until_ctrl_c(home):
    add_editor(home, "alice")
    desk = Running("--home", str(home), "review", "--port", "0")
    try:
        address = desk.wait_for(ADDRESS, timeout=60).group(1)
        assert address.startswith("http://127.0.0.1:")
        status, headers, _ = fetch(address)
        assert status == 303 and headers["Location"] == "/login?next=/"
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        cookie = sign_in_over_http(address, "alice", "correct horse battery")
        status, _, body = fetch(address + "sources", cookie=cookie)
        assert status == 200 and "<h1>Sources</h1>" in body
        assert desk.interrupt() == 0
        assert desk.seen[-1] == "the desk stopped"
        assert not any("Traceback" in line for line in desk.seen), desk.seen
    finally:
        desk.stop()


def test_the_desk_stops_on_ctrl_c_even_when_started_with_it_ignored(home):
    # A background job of a script (`newsdesk review &`, or a CI job's shell) starts with SIGINT ignored, and
    # Python then leaves it so: the desk listens for it itself.
    desk = Running("--home", str(home), "review", "--port", "0", sigint_ignored=True)
    try:
        desk.wait_for(ADDRESS, timeout=60)
        assert desk.interrupt() == 0
        assert desk.seen[-1] == "the desk stopped"
    finally:
        desk.stop()


def test_listening_beyond_this_machine_warns_about_plain_http_unless_behind_tls(home):
    desk = Running("--home", str(home), "review", "--host", "0.0.0.0", "--port", "0")
    try:
        desk.wait_for(ADDRESS, timeout=60)
        assert desk.seen[0] == ("warning: the desk listens on 0.0.0.0 over plain HTTP: passwords and sessions cross "
                                "the network unencrypted; put a TLS proxy in front of it and pass --behind-tls-proxy")
        assert desk.interrupt() == 0
    finally:
        desk.stop()
    desk = Running("--home", str(home), "review", "--host", "0.0.0.0", "--port", "0", "--behind-tls-proxy")
    try:
        desk.wait_for(ADDRESS, timeout=60)
        assert not any(line.startswith("warning") for line in desk.seen)
        assert desk.interrupt() == 0
    finally:
        desk.stop()


def test_a_port_in_use_is_one_line(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("--home", str(home), "review", "--port", str(port), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: port {port} on 127.0.0.1 is in use; choose another with --port"


def test_review_needs_a_home(tmp_path):
    result = cli("--home", str(tmp_path / "none"), "review", timeout=60)
    assert result.returncode == 1 and "is not a Newsdesk home" in result.stderr
