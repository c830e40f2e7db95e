"""`newsdesk review`: serve the desk, the editors' web UI, for the home."""

from __future__ import annotations

import click

from newsdesk.home_option import current_home, home_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine wants a TLS proxy in front.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--behind-tls-proxy", is_flag=True,
              help="A TLS proxy is in front: the session cookie is Secure, client addresses come from X-Forwarded-For.")
@home_option
def review(host: str, port: int, behind_tls_proxy: bool) -> None:
    """Serve the desk (the editors' web UI) until Ctrl-C; add editors with `newsdesk users add`."""
    from review.desk.serve import serve_desk   # Flask and waitress load for this command only

    serve_desk(current_home().require(), host=host, port=port, behind_tls_proxy=behind_tls_proxy, echo=click.echo)
