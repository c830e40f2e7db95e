"""The `newsdesk` command: thin commands that parse, call the library, and print."""

from __future__ import annotations

from newsdesk.numeric_threads import limit_numeric_threads

limit_numeric_threads()  # before anything below loads numpy (db imports sqlite_utils, which imports it)

import dataclasses
import json
import os
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler import __version__
from crawler.configuration.home import Home, init_home
from crawler.errors import NewsdeskError
from db import STATUSES, Store, StoreError
from newsdesk.commands.classify import add_classify_commands
from newsdesk.commands.story import story
from newsdesk.home_option import chosen_home, current_home, home_option, open_store


class NewsdeskGroup(click.Group):
    """Every domain error becomes one line on stderr and exit status 1."""

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


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@home_option
def init(directory: str | None) -> None:
    """Create a home with the default newsletter (sections.yaml) and no sources."""
    home = Home(Path(directory)) if directory else current_home()
    written = init_home(home)
    Store(home.database).close()
    for path in written:
        click.echo(f"wrote {path}")
    from newsdesk.invocation import newsdesk_command

    click.echo(f"home ready: {home.path}  (next: {newsdesk_command()} --home {shlex.quote(str(home.path))} "
               "sources add NAME URL --kind feed)")


# -- sources -----------------------------------------------------------------------------------


@main.group(cls=NewsdeskGroup)
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
def sources_add(name, url, kind, links, every, cron, encoding, depth, max_age_days) -> None:
    """Add a source to sources.yaml (refuses a duplicate name or a bad URL)."""
    from crawler.configuration.sources import add_source, validate_source

    raw = {"name": name, "kind": kind, "url": url, "every": every, "cron": cron, "links": links,
           "encoding": encoding, "depth": depth, "max_age_days": max_age_days}
    home = current_home().require()
    try:
        source = validate_source({k: v for k, v in raw.items() if v is not None})
    except ValueError as exc:
        raise NewsdeskError(f"source '{name}': {exc}") from None
    add_source(home.sources_file, source)
    click.echo(f"added {source.name} ({source.kind}) {source.url}; try it with `newsdesk sources test {name}`")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def sources_list(as_json: bool) -> None:
    """The configured sources with their schedule and last run."""
    from newsdesk.render import source_line

    home = current_home()
    config, zone = home.sources(), home.sections().timezone
    with Store(home.database) as store:
        for source in config.sources:
            last = store.last_run(source.name)
            if as_json:
                click.echo(json.dumps({**dataclasses.asdict(source), "last_run": last}, ensure_ascii=False))
            else:
                click.echo(source_line(source, last, zone))
    if not config.sources and not as_json:
        click.echo("no sources yet; add one with `newsdesk sources add NAME URL --kind feed|listing|sitemap`")


@sources.command("test")
@click.argument("name")
@click.option("--limit", default=20, show_default=True, help="Article pages to fetch at most.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@home_option
def sources_test(name: str, limit: int, as_json: bool) -> None:
    """Fetch a source now and show what would be queued; writes nothing and marks nothing as seen."""
    from crawler.crawl.runner import run_crawl, select_sources, summary_lines
    from newsdesk.render import preview_lines

    home = current_home()
    [result] = run_crawl(home, select_sources(home, [name], include_disabled=True), dry_run=True,
                         max_items=limit)
    if as_json:
        for item in result.tally.previews:
            click.echo(json.dumps(item, ensure_ascii=False))
        return
    click.echo(f"{name}: {len(result.tally.previews)} articles (nothing was written)")
    for line in preview_lines(result.tally.previews, home.sections().timezone) + [""] + summary_lines([result]):
        click.echo(line)


@sources.command("disable")
@click.argument("name")
@home_option
def sources_disable(name: str) -> None:
    """Stop crawling a source (kept in sources.yaml with enabled: false)."""
    from crawler.configuration.sources import set_enabled

    set_enabled(current_home().require().sources_file, name, False)
    click.echo(f"disabled {name}")


@sources.command("enable")
@click.argument("name")
@home_option
def sources_enable(name: str) -> None:
    """Crawl a disabled source again."""
    from crawler.configuration.sources import set_enabled

    set_enabled(current_home().require().sources_file, name, True)
    click.echo(f"enabled {name}")


@sources.command("health")
@home_option
def sources_health() -> None:
    """Each source's recent runs: failing or empty sources first."""
    from newsdesk.render import health_lines

    home = current_home()
    config = home.sources()
    with Store(home.database) as store:
        runs = {s.name: store.runs(s.name, limit=20) for s in config.sources}
        backoffs = store.backoffs()
    for line in health_lines(config.sources, runs, backoffs, home.sections().timezone):
        click.echo(line)


# -- crawling and extraction -------------------------------------------------------------------


@main.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@home_option
def crawl(names: tuple[str, ...], verbose: bool) -> None:
    """Collect now from every enabled source (or those named) and print a summary per source."""
    from crawler.crawl.runner import (
        configure_progress,
        exit_code,
        run_crawl,
        select_sources,
        summary_lines,
    )

    home = current_home()
    results = run_crawl(home, select_sources(home, list(names)), progress=configure_progress(),
                        log_level="INFO" if verbose else "CRITICAL")
    for line in summary_lines(results):
        click.echo(line)
    sys.exit(exit_code(results))


@main.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--encoding", help="Override the page's charset (e.g. gbk).")
@home_option
def extract(target: str, as_json: bool, encoding: str | None) -> None:
    """What extraction finds in one page (FILE or URL): title, date, author, text. Writes nothing."""
    from crawler.extraction import extract_bytes

    path = Path(target)
    if path.is_file():
        body, content_type, url = path.read_bytes(), None, None
    elif urlsplit(target).scheme:
        from crawler.crawl.one_page import (
            fetch_page,  # Scrapy: only for a URL, so a saved page answers at once
        )

        home = current_home()
        settings = home.sources().settings if home.exists() else None
        body, content_type, url = fetch_page(target, settings)  # the crawl's rules: other schemes are refused
    else:
        raise NewsdeskError(f"{target}: no such file; give a saved page or an http(s) URL")
    article = extract_bytes(body, url, content_type, encoding)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(article), ensure_ascii=False))
        return
    for label, value in (("title", article.title), ("published_at", article.published_at),
                         ("author", article.author), ("outlet", article.outlet),
                         ("canonical_url", article.canonical_url)):
        click.echo(f"{label}: {value or '-'}")
    click.echo("")
    click.echo(article.text)


# -- the queue and editors' decisions --------------------------------------------------------


@main.command()
@click.option("--status", type=click.Choice(STATUSES), default="pending", show_default=True)
@click.option("--any-status", is_flag=True, help="List every status.")
@click.option("--section", help="Only this section.")
@click.option("--all", "all_copies", is_flag=True, help="Every stored copy, with its story (cluster_id).")
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def queue(status: str, any_status: bool, section: str | None, all_copies: bool, limit: int | None,
          as_json: bool) -> None:
    """The review queue: one row per story (newest first), or every copy with --all."""
    from newsdesk.render import queue_json, queue_line

    newsletter = current_home().sections()
    with open_store() as store:
        rows = store.queue(status=None if any_status else status, section=section,
                           all_copies=all_copies, limit=limit)
    for row in rows:
        click.echo(queue_json(row) if as_json else
                   queue_line(row, all_copies=all_copies, low_confidence=newsletter.classifier["low_confidence"],
                              zone=newsletter.timezone))
    if not rows and not as_json:
        click.echo(f"nothing {'' if any_status else status + ' '}in the queue", err=True)


@main.command()
@click.argument("terms", nargs=-1, required=True)
@click.option("--limit", default=50, show_default=True, help="At most this many articles.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@home_option
def search(terms: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Stored articles whose title or text contains every term (Chinese words of any length), newest first."""
    from newsdesk.render import queue_json, queue_line

    zone = current_home().sections().timezone
    with open_store() as store:
        rows = store.search(" ".join(terms), limit=limit)
    for row in rows:
        click.echo(queue_json(row) if as_json else queue_line(row, all_copies=True, zone=zone))
    if not rows and not as_json:
        click.echo("no article contains all of: " + " ".join(terms), err=True)


@main.command()
@click.argument("candidate_id", type=int)
@click.option("--section", help="Approve into this section.")
@home_option
def approve(candidate_id: int, section: str | None) -> None:
    """Approve a story for the next issue."""
    with open_store() as store:
        row = store.set_status(candidate_id, "approved", section=section)
    click.echo(f"approved #{row['id']} {row['title']}")


@main.command()
@click.argument("candidate_id", type=int)
@home_option
def reject(candidate_id: int) -> None:
    """Reject a story (kept, and restorable by approving it)."""
    with open_store() as store:
        row = store.set_status(candidate_id, "rejected")
    click.echo(f"rejected #{row['id']} {row['title']}")


@main.command()
@click.argument("candidate_id", type=int)
@click.argument("section")
@home_option
def move(candidate_id: int, section: str) -> None:
    """Put a story into another section."""
    names = current_home().sections().section_names()
    if section not in names:
        raise NewsdeskError(f"no section '{section}' in sections.yaml; choose one of: {', '.join(names)}")
    with open_store() as store:
        row = store.move(candidate_id, section)
    click.echo(f"moved #{row['id']} to {section}")


# -- the demo --------------------------------------------------------------------------------


@main.command()
@click.option("--no-serve", is_flag=True, help="Print the queue summary and exit.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the demo news site.")
@home_option
def demo(no_serve: bool, port: int) -> None:
    """Crawl the bundled demo news site into a fresh home and show the queue."""
    from newsdesk.demo.run import run_demo

    chosen = chosen_home() or os.environ.get("NEWSDESK_HOME")
    run_demo(Path(chosen) if chosen else None, port=port, serve=not no_serve, echo=click.echo)


main.add_command(story)
add_classify_commands(main)

if __name__ == "__main__":
    main()
