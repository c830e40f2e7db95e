"""The `newsdesk` command: the main group, where a domain error becomes one line, and its command groups."""

from __future__ import annotations

from newsdesk.numeric_threads import limit_numeric_threads

limit_numeric_threads()  # before anything below loads numpy (db imports sqlite_utils, which imports it)

import click

from crawler import __version__
from crawler.errors import NewsdeskError
from db import StoreError
from newsdesk.commands import classify, crawl, demo, home, issue, queue, review, schedule, sources, story, users
from newsdesk.home_option import home_option


class NewsdeskGroup(click.Group):
    """Every domain error (NewsdeskError, StoreError with db.Conflict and db.NotFound), raised by any command
    below, becomes one line on stderr and exit status 1: the one place that maps them."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (NewsdeskError, StoreError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=NewsdeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
@home_option
def main() -> None:
    """Newsdesk collects news for a newsletter: crawl sources, fold reprints, queue stories for editors."""


for command in (home.init, sources.sources, crawl.crawl, crawl.extract,
                queue.queue, queue.search, queue.approve, queue.reject, queue.move, queue.restore,
                classify.classify, story.story, issue.issue, users.users, review.review, schedule.schedule, demo.demo):
    main.add_command(command)

if __name__ == "__main__":
    main()
