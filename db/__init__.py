"""The SQLite store of Newsdesk; imports nothing else of the project."""

from . import clock
from .candidates import CANDIDATE_FIELDS
from .clusters import site_name
from .errors import NotFound, StoreError
from .fingerprint_index import Fingerprints, story_day
from .issues import label as issue_label
from .runs import RUN_STATUSES, run_status
from .store import Store
from .stories import STATUSES, Conflict

__all__ = ["CANDIDATE_FIELDS", "Conflict", "Fingerprints", "NotFound", "RUN_STATUSES", "STATUSES", "Store", "StoreError", "clock",
           "issue_label", "run_status", "site_name", "story_day"]
