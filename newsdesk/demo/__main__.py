"""`python -m newsdesk.demo [--port N] [--today YYYY-MM-DD]`: serve the demo news site until interrupted."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import threading

from newsdesk.demo.server import DemoSite
from review.desk.serve import stop_signals_as_interrupt

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port (default: 8765)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="the day the articles' dates are relative to (default: today in Asia/Shanghai)")
    args = parser.parse_args(argv)
    site = DemoSite(host=args.host, port=args.port, today=args.today)
    # Ctrl-C or SIGTERM stops it, even started in a script's background, from the moment the address is printed.
    with stop_signals_as_interrupt():
        try:
            print(site.start(), flush=True)
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            site.stop()


if __name__ == "__main__":
    main()
