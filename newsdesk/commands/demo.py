"""`newsdesk demo`: crawl the bundled demo news site into a fresh home and show the queue."""

from __future__ import annotations

import click

from newsdesk.home_option import home_option, named_home


@click.command()
@click.option("--no-serve", is_flag=True, help="Print the queue summary and exit (no desk).")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the demo news site.")
@click.option("--desk-port", type=int, default=8000, show_default=True,
              help="Port of the desk (any free one when it is taken).")
@home_option
def demo(no_serve: bool, port: int, desk_port: int) -> None:
    """Crawl the bundled demo news site into a fresh home, show the queue and serve the desk until Ctrl-C."""
    from newsdesk.demo.run import run_demo  # the crawl: Scrapy loads only for the demo

    run_demo(named_home(), port=port, serve=not no_serve, echo=click.echo, desk_port=desk_port)
