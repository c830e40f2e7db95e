"""The SQLite store of Newsdesk; imports nothing else of the project."""

from .errors import NotFound, StoreError
from .runs import RUN_STATUSES
from .store import Store
from .stories import STATUSES, Conflict

__all__ = ["Conflict", "NotFound", "RUN_STATUSES", "STATUSES", "Store", "StoreError"]
