"""`newsdesk sources add|list|test|disable|enable|health`: the sources in sources.yaml and how they are doing."""

from __future__ import annotations

import click

from crawler.configuration.source_status import sources_health, sources_report
from crawler.configuration.sources import add_new_source, set_enabled
from newsdesk import render
from newsdesk.home_option import current_home, home_option


@click.group()
@home_option
def sources() -> None:
    """Add, list, test, disable and enable the sources in sources.yaml."""


@sources.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--kind", type=click.Choice(["feed", "listing", "sitemap"]), required=True)
@click.option("--links", help="CSS selector of the article links (listing only; found automatically without).")
@click.option("--every", help="How often to crawl, like 30m, 2h or 1d.")
@click.option("--cron", help='A cron schedule instead, like "*/30 * * * *".')
@click.option("--encoding", help="Override the charset the pages declare (e.g. gbk).")
@click.option("--depth", type=int, help="Listing: pagination pages to follow beyond the first (default 2).")
@click.option("--max-age-days", type=float, help="Sitemap: skip URLs older than this (default 7).")
@home_option
def add(name, url, kind, links, every, cron, encoding, depth, max_age_days) -> None:
    """Add a source to sources.yaml (refuses a duplicate name or a bad URL)."""
    source = add_new_source(current_home().require().sources_file, name=name, kind=kind, url=url, every=every,
                            cron=cron, links=links, encoding=encoding, depth=depth, max_age_days=max_age_days)
    click.echo(f"added {source.name} ({source.kind}) {source.url}; try it with `newsdesk sources test {name}`")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def list_sources(as_json: bool) -> None:
    """The configured sources with their schedule and last run."""
    for line in render.source_lines(sources_report(current_home()), as_json=as_json):
        click.echo(line)


@sources.command("test")
@click.argument("name")
@click.option("--limit", default=20, show_default=True, help="Article pages to fetch at most.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@home_option
def trial(name: str, limit: int, as_json: bool) -> None:
    """Fetch a source now and show what would be queued; writes nothing and marks nothing as seen."""
    from crawler.crawl.runner import run_crawl, select_sources

    home = current_home()
    [result] = run_crawl(home, select_sources(home.sources(), [name], include_disabled=True), dry_run=True,
                         max_items=limit)
    for line in render.trial_lines(result, home.sections().timezone, as_json=as_json):
        click.echo(line)


@sources.command("disable")
@click.argument("name")
@home_option
def disable(name: str) -> None:
    """Stop crawling a source (kept in sources.yaml with enabled: false)."""
    switch(name, enabled=False)


@sources.command("enable")
@click.argument("name")
@home_option
def enable(name: str) -> None:
    """Crawl a disabled source again."""
    switch(name, enabled=True)


def switch(name: str, *, enabled: bool) -> None:
    set_enabled(current_home().require().sources_file, name, enabled)
    click.echo(f"{'enabled' if enabled else 'disabled'} {name}")


@sources.command("health")
@home_option
def health() -> None:
    """Each source's recent runs: failing or empty sources first."""
    for line in render.health_lines(sources_health(current_home())):
        click.echo(line)
