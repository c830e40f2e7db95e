"""`newsdesk demo`: serve the bundled news site, crawl it into a demo home, show the queue."""

from __future__ import annotations

import errno
import shlex
from pathlib import Path
from typing import Any, Callable

from crawler.configuration.home import Home, init_home
from crawler.configuration.sources import parse_sources
from crawler.configuration.yaml_files import update_yaml
from crawler.crawl.progress import CrawlProgress
from crawler.crawl.runner import run_crawl
from crawler.errors import NewsdeskError
from db import Store
from newsdesk.demo import DemoSite, demo_sources
from newsdesk.invocation import newsdesk_command
from newsdesk.render import queue_line, summary_lines
from review import accounts

DEMO_EDITOR = "demo"
# The demo site is on this machine: no need for a real site's one-second courtesy delay.
DEMO_SETTINGS = {"contact": "https://github.com/newsdesk (demo run)", "per_domain_delay": 0.02,
                 "per_domain_concurrency": 4}


def fresh_demo_folder(base: Path = Path(".")) -> Path:
    """newsdesk-demo, or newsdesk-demo-2, -3... when that is taken."""
    candidate, number = base / "newsdesk-demo", 1
    while candidate.exists() and any(candidate.iterdir()):
        number += 1
        candidate = base / f"newsdesk-demo-{number}"
    return candidate


def prepare_demo_home(path: Path, base_url: str) -> Home:
    """A home whose sources are the demo site's; a home with other sources is refused, not overwritten."""
    home = Home(path)
    init_home(home)
    demo = demo_sources(base_url)
    demo_names = {entry["name"] for entry in demo}

    def use_demo_sources(document: Any) -> Any:
        document = document or {}
        others = [e.get("name") for e in (document.get("sources") or []) if e.get("name") not in demo_names]
        if others:
            raise NewsdeskError(f"{path} has sources of its own ({others[0]}, ...); run the demo in a new folder")
        document["sources"] = demo
        document["settings"] = {**(document.get("settings") or {}), **DEMO_SETTINGS}
        parse_sources(document, home.sources_file)  # never write what we could not read back
        return document

    update_yaml(home.sources_file, use_demo_sources)
    return home


def start_site(port: int) -> DemoSite:
    site = DemoSite(port=port)
    try:
        site.start()
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        site = DemoSite(port=0)
        site.start()
    return site


def run_demo(path: Path | None, *, port: int, serve: bool, echo: Callable[[str], None], desk_port: int = 8000) -> Home:
    site = start_site(port)
    try:
        home = prepare_demo_home(path or fresh_demo_folder(), site.base_url)
        echo(f"demo news site at {site.base_url}; home {home.path}")
        results = run_crawl(home, home.sources().sources, progress=CrawlProgress(echo, articles=False))
        show_queue(home, results, echo)
        if serve:   # the demo site stays up while the desk is served, so that its links to originals open
            serve_demo_desk(home, desk_port, echo)
    finally:
        site.stop()
    return home


def serve_demo_desk(home: Home, port: int, echo: Callable[[str], None]) -> None:
    """The desk on 127.0.0.1 (port, else any free one) with a demo editor whose new password is printed."""
    from review.desk.serve import PortInUse, serve_desk   # Flask and waitress: only when the desk is served

    with Store(home.database) as store:
        password = accounts.new_password()
        accounts.reset_editor(store, DEMO_EDITOR, password)

    def sign_in_hint(address: str) -> None:
        echo("")
        echo(f"review the queue at {address}; sign in as")
        echo(f"  name:     {DEMO_EDITOR}")
        echo(f"  password: {password}")
        echo("then press ? for the keys (j/k move, a approve, r reject, 1-9 move to a section, u undo)")

    try:
        serve_desk(home, port=port, echo=echo, before=sign_in_hint)
    except PortInUse:
        serve_desk(home, port=0, echo=echo, before=sign_in_hint)


def show_queue(home: Home, results: list, echo: Callable[[str], None]) -> None:
    for line in summary_lines(results):
        echo(line)
    with Store(home.database) as store:
        rows = store.queue(status=None)
        counts = store.counts()
    newsdesk = f"{newsdesk_command()} --home {shlex.quote(str(home.path))}"   # works as printed, .venv or not
    echo("")
    echo(f"queue: {len(rows)} stories from {counts.get('candidates', len(rows))} articles "
         f"(one row per story; `{newsdesk} queue --all` lists every copy)")
    for row in rows:
        echo(queue_line(row, zone=home.sections().timezone))
