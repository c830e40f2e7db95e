"""Serving the desk with waitress (a production WSGI server) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Callable
from contextlib import contextmanager

from waitress.server import create_server

from crawler.configuration.home import Home
from crawler.errors import NewsdeskError
from crawler.stop_signals import stop_signals_handled
from review.desk.app import create_app

THREADS = 8    # requests served at once: a desk of editors, and a source test or two waiting on their crawl


class PortInUse(NewsdeskError):
    """Another program listens on the port asked for."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plain_http_warning(host: str, behind_tls_proxy: bool) -> str | None:
    """One line when the desk listens beyond this machine without a TLS proxy in front of it."""
    if is_loopback(host) or behind_tls_proxy:
        return None
    return (f"warning: the desk listens on {host} over plain HTTP: passwords and sessions cross the network "
            "unencrypted; put a TLS proxy in front of it and pass --behind-tls-proxy")


@contextmanager
def stop_signals_as_interrupt():
    """SIGTERM (a service manager stopping a server) ends it as Ctrl-C does, and so does SIGINT even when the
    server was started with it ignored (crawler.stop_signals)."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt
    with stop_signals_handled(interrupt):
        yield


def serve_desk(home: Home, *, host: str = "127.0.0.1", port: int = 8000, behind_tls_proxy: bool = False,
               echo: Callable[[str], None] = print, before: Callable[[str], None] | None = None) -> None:
    """Serve the home's desk until Ctrl-C or SIGTERM; echo says where (and warns about plain HTTP).
    before(address) is called once the desk listens, before serving starts."""
    app = create_app(home, behind_tls_proxy=behind_tls_proxy)
    try:
        server = create_server(app, host=host, port=port, threads=THREADS, ident="newsdesk")
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is in use; choose another with --port") from None
        raise NewsdeskError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    # Several sockets (localhost: IPv4 and IPv6) or one.
    bound_host, bound_port = (server.effective_listen[0] if hasattr(server, "effective_listen")
                              else (server.effective_host, server.effective_port))
    shown_host = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    address = f"http://{shown_host}:{bound_port}/"
    warning = plain_http_warning(host, behind_tls_proxy)
    with stop_signals_as_interrupt():
        try:   # from here on, Ctrl-C is the way to stop: the address printed means it can be used
            if warning:
                echo(warning)
            if before:
                before(address)
            echo(f"the desk is at {address} (Ctrl-C stops it)")
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    echo("the desk stopped")
