"""The queue's address: its parameters (q, section, status, source, since, until, low, sort, cursor) read into a
QueueFilter, and the links of its tabs, filters and pages made from the same parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from crawler.errors import NewsdeskError
from db import STATUSES
from review.queue import QueueFilter

SORTS = ("date", "relevance", "outlets")
ANY_STATUS = "any"
# The parameters a link keeps, in the order they appear in an address (the cursor belongs to one page only).
KEPT = ("q", "status", "section", "source", "since", "until", "low", "sort")
MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class QueueQuery:
    """What the queue's address asks for: the filter, the page's cursor, and the parameters as given."""

    filter: QueueFilter
    cursor: str | None
    params: dict[str, str]

    def link(self, **changes: Any) -> dict[str, str]:
        """The parameters of a link to this queue with some changed (None or "" drops one); back to page one."""
        merged = {**self.params, **{key: "" if value is None else str(value) for key, value in changes.items()}}
        return {key: merged[key] for key in KEPT if merged.get(key)}


def _date(args: MultiDict, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NewsdeskError(f"{name}: '{value}' is not a date like 2026-11-03") from None


def read_query(args: MultiDict, section_names: list[str]) -> QueueQuery:
    """The queue's parameters, checked: an unknown status, section, sort or a bad date is one clear line."""
    params = {key: (args.get(key) or "").strip() for key in KEPT}
    status = params["status"] or "pending"
    if status not in (*STATUSES, ANY_STATUS):
        raise NewsdeskError(f"status: '{status}' is not one of {', '.join((*STATUSES, ANY_STATUS))}")
    section = params["section"] or None
    if section is not None and section not in section_names:
        raise NewsdeskError(f"section: no section '{section}' in sections.yaml; choose one of: "
                            f"{', '.join(section_names)}")
    sort = params["sort"] or "date"
    if sort not in SORTS:
        raise NewsdeskError(f"sort: '{sort}' is not one of {', '.join(SORTS)}")
    if len(params["q"]) > MAX_QUERY_CHARS:
        raise NewsdeskError(f"q: the search is longer than {MAX_QUERY_CHARS} characters; shorten it")
    since, until = _date(args, "since"), _date(args, "until")
    if since and until and since > until:
        raise NewsdeskError(f"since ({since}) is after until ({until}); swap them")
    query = QueueFilter(status=None if status == ANY_STATUS else status, section=section,
                        source=params["source"] or None, low_confidence=params["low"] in ("1", "on", "true"),
                        since=since, until=until, q=params["q"] or None, sort=sort)
    return QueueQuery(query, (args.get("cursor") or "").strip() or None, params)
