"""The SQLite store of Newsdesk; imports nothing else of the project."""

from .errors import NotFound, StoreError
from .runs import RUN_STATUSES
from .store import STATUSES, Store

__all__ = ["NotFound", "RUN_STATUSES", "STATUSES", "Store", "StoreError"]
