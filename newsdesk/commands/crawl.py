"""`newsdesk crawl` and `newsdesk extract`: collect from the sources now, or see what extraction finds in one page."""

from __future__ import annotations

import gc
import sys

import click

from newsdesk import render
from newsdesk.home_option import current_home, home_option

# Scrapy (the crawl) and lxml (extraction) load inside the commands that use them: other commands start at once.


@click.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--due", is_flag=True, help="Only the sources whose scheduled time has come (for cron); "
                                         "prints nothing when none has.")
@click.option("--shard", metavar="I/N", help="Crawl only the sources whose site hashes to shard I of N "
                                            "(N crawl processes side by side, a site always in the same one).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@home_option
def crawl(names: tuple[str, ...], due: bool, shard: str | None, verbose: bool) -> None:
    """Collect now from every enabled source (or those named) and print a summary per source."""
    from crawler.configuration.shards import parse_shard
    from crawler.crawl.runner import configure_progress, exit_code
    from scheduler.crawls import crawl as crawl_sources

    results = crawl_sources(current_home(), list(names), due=due, shard=parse_shard(shard) if shard else None,
                            progress=configure_progress(), log_level="INFO" if verbose else "CRITICAL")
    if results or not due:
        for line in render.summary_lines(results):
            click.echo(line)
    gc.freeze()   # the process ends: its memory goes back whole, not walked by the collector as Python exits
    sys.exit(exit_code(results))


@click.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--encoding", help="Override the page's charset (e.g. gbk).")
@home_option
def extract(target: str, as_json: bool, encoding: str | None) -> None:
    """What extraction finds in one page (FILE or URL): title, date, author, text. Writes nothing."""
    from crawler.crawl.extract_target import extract_target

    for line in render.article_lines(extract_target(target, current_home(), encoding=encoding), as_json=as_json):
        click.echo(line)
