"""The desk: the editors' web UI (Flask, server-rendered, usable without JavaScript), served by waitress."""

from review.desk.app import create_app

__all__ = ["create_app"]
