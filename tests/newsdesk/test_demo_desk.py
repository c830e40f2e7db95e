"""`newsdesk demo` ends by serving the desk: a demo editor, the address, the name and the password printed."""

from __future__ import annotations

import re

from support.desk import Running, fetch, sign_in_over_http


def test_the_demo_serves_the_desk_with_a_printed_account_until_ctrl_c(tmp_path):
    demo = Running("--home", str(tmp_path / "demo"), "demo", "--port", "0", "--desk-port", "0")
    try:
        demo.wait_for(r"^review the queue at (http://127\.0\.0\.1:\d+/); sign in as$", timeout=600)
        address = re.search(r"(http://\S+/)", demo.seen[-1]).group(1)
        assert demo.wait_for(r"^  name: +(\S+)$").group(1) == "demo"
        password = demo.wait_for(r"^  password: (\S+)$").group(1)
        demo.wait_for(r"the desk is at http://127\.0\.0\.1:\d+/ \(Ctrl-C stops it\)")
        cookie = sign_in_over_http(address, "demo", password)
        status, _, body = fetch(address, cookie=cookie)
        assert status == 200 and body.count('class="story-row') >= 20
        assert demo.interrupt() == 0
        assert demo.seen[-1] == "the desk stopped"
    finally:
        demo.stop()
    again = Running("--home", str(tmp_path / "demo"), "demo", "--port", "0", "--desk-port", "0")
    try:
        new_password = again.wait_for(r"^  password: (\S+)$", timeout=600).group(1)
        assert new_password != password, "each run hands out a new password"
        assert again.interrupt() == 0
    finally:
        again.stop()
