"""`newsdesk schedule [--once | --print-systemd]` and `newsdesk schedule status`: collection on a schedule."""

from __future__ import annotations

import click

from newsdesk import render
from newsdesk.home_option import current_home, home_option


@click.group(invoke_without_command=True)
@click.option("--once", is_flag=True, help="Crawl the sources due now, once, then show when each is due next.")
@click.option("--print-systemd", is_flag=True, help="Print systemd units for this home (daemon, or cron mode's "
                                                    "service and timer) and exit.")
@home_option
@click.pass_context
def schedule(ctx: click.Context, once: bool, print_systemd: bool) -> None:
    """Run the scheduler daemon in the foreground: crawl each source when it is due, until SIGTERM or Ctrl-C."""
    if ctx.invoked_subcommand:
        return
    from scheduler.daemon import Daemon, log_to
    from scheduler.status import schedule_status
    from scheduler.systemd import systemd_units

    home = current_home().require()
    if print_systemd:
        click.echo(systemd_units(home), nl=False)
        return
    log_to(zone=home.sections().timezone)
    if once:
        Daemon(home).once()
        for line in render.schedule_lines(schedule_status(home)):
            click.echo(line)
        return
    Daemon(home).run()


@schedule.command("status")
@home_option
def status() -> None:
    """Whether the scheduler runs, and when each source is due next (soonest first)."""
    from scheduler.status import schedule_status

    for line in render.schedule_lines(schedule_status(current_home())):
        click.echo(line)
