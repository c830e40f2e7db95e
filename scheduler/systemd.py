"""systemd units for a home: a service for the daemon, or a service and a timer for cron mode (`crawl --due`)."""

from __future__ import annotations

import getpass
import shlex

from crawler.configuration.home import Home
from scheduler.launch import crawl_command

# Cron mode: how often the timer looks for due sources (systemd's OnCalendar), like a crontab line's */5.
TIMER_CALENDAR = "*:0/5"


def systemd_units(home: Home) -> str:
    """The three unit files, each under a comment naming where it goes; the daemon's or the timer's, not both."""
    path = home.path.resolve()
    daemon = shlex.join(crawl_command(home, ["schedule"]))
    due = shlex.join(crawl_command(home, ["crawl", "--due"]))
    user = _user()
    return f"""\
# Newsdesk for {path}: run EITHER the daemon (1) OR cron mode (2 and 3), not both.
# Write each part to the file named, then: systemctl daemon-reload, and
#   systemctl enable --now newsdesk-schedule.service     (daemon)
#   systemctl enable --now newsdesk-crawl.timer          (cron mode)
# Logs: journalctl -u newsdesk-schedule (or -u newsdesk-crawl).

# --- 1. /etc/systemd/system/newsdesk-schedule.service: the scheduler daemon ---
[Unit]
Description=Newsdesk scheduler for {path}
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User={user}
WorkingDirectory={path}
ExecStart={daemon}
Restart=on-failure
RestartSec=30
# SIGTERM to the daemon only: it stops its crawls within seconds and closes their runs; all is killed after 30 s.
KillMode=mixed
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target

# --- 2. /etc/systemd/system/newsdesk-crawl.service: cron mode, one crawl of the sources due ---
[Unit]
Description=Newsdesk: crawl the sources due in {path}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User={user}
WorkingDirectory={path}
ExecStart={due}
# A crawl of a few hundred sources stays well within this; a stuck one is stopped.
TimeoutStartSec=2h

# --- 3. /etc/systemd/system/newsdesk-crawl.timer: cron mode's clock, every 5 minutes ---
[Unit]
Description=Newsdesk: look for due sources in {path} every 5 minutes

[Timer]
OnCalendar={TIMER_CALENDAR}
RandomizedDelaySec=30
Persistent=true

[Install]
WantedBy=timers.target
"""


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "newsdesk"
