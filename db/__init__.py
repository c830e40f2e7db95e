"""The SQLite store of Newsdesk; imports nothing else of the project."""

from . import clock
from .candidates import CANDIDATE_FIELDS
from .clusters import site_name
from .errors import NotFound, StoreError
from .fingerprint_index import Fingerprints, story_day
from .issues import label as issue_label
from .locks import Claim, site_lock, source_lock
from .runs import RUN_STATUSES, process_alive, process_identity, run_failed, run_status
from .store import Store
from .stories import STATUSES, Conflict

__all__ = ["CANDIDATE_FIELDS", "Claim", "Conflict", "Fingerprints", "NotFound", "RUN_STATUSES", "STATUSES", "Store",
           "StoreError", "clock", "issue_label", "process_alive", "process_identity", "run_failed", "run_status", "site_lock", "site_name",
           "source_lock", "story_day"]
