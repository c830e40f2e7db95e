"""How queue rows, sources and runs look on a terminal and as JSON lines."""

from __future__ import annotations

import json
from typing import Any, Iterable

from crawler.configuration.sections import CLASSIFIER_DEFAULTS, Newsletter
from crawler.configuration.sources import Source
from crawler.crawl.retry_after import backing_off_note
from db import CANDIDATE_FIELDS, clock, site_name

DEFAULT_ZONE = Newsletter.timezone

# The fields every `queue --json` object carries first (DESIGN.md); then the candidate's other stored fields
# (db.CANDIDATE_FIELDS, less how the crawl filed it) and what the queue adds from its story.
QUEUE_FIELDS = ("id", "url", "title", "source", "outlet", "published_at", "section", "status",
                "cluster_id", "text")
CRAWL_BOOKKEEPING = ("text_hash", "authority", "run_id")
STORY_EXTRAS = ("first_seen_at", "copies", "other_outlets", "outlets", "outlet_names", "story_first_seen_at",
                "version", "decided_by", "suggested_section")
QUEUE_KEYS = (QUEUE_FIELDS + tuple(name for name in CANDIDATE_FIELDS if name not in QUEUE_FIELDS + CRAWL_BOOKKEEPING)
              + STORY_EXTRAS)


def queue_json(row: dict[str, Any]) -> str:
    return json.dumps({key: row.get(key) for key in QUEUE_KEYS}, ensure_ascii=False)


def section_label(row: dict[str, Any], low_confidence: float = CLASSIFIER_DEFAULTS["low_confidence"]) -> str:
    """`政策要闻 0.93`, `区域实践 0.41 (low)` when the classifier was unsure; the relevance of a filtered story.
    A section an editor chose carries no classifier confidence: it is theirs."""
    label = row.get("section") or "-"
    confidence = row.get("section_confidence") if row.get("decided_by") is None else None
    if confidence is not None:
        label += f" {confidence:.2f}" + (" (low)" if confidence < low_confidence else "")
    if row.get("status") == "filtered" and row.get("relevance") is not None:
        label += f" relevance {row['relevance']:.2f}"
    return label


def queue_line(row: dict[str, Any], *, all_copies: bool = False,
               low_confidence: float = CLASSIFIER_DEFAULTS["low_confidence"], zone: str = DEFAULT_ZONE) -> str:
    """`#12 [pending] 政策要闻 0.93 2026-11-03 09:30 CST 新华社 | title (also run by 2 outlets)`."""
    section = section_label(row, low_confidence)
    names = row.get("outlet_names") or [row.get("outlet") or site_name(row["url"])]
    line = (f"#{row['id']:<5} [{row['status']}] {section} {clock.local_time(row.get('published_at'), zone)}  "
            f"{names[0]} | {row.get('title') or '(no title)'}")
    others = row.get("other_outlets")
    if all_copies:
        line += f"  (story {row['cluster_id']})"
    elif others:
        line += f"  (also run by {others} outlet{'s' if others != 1 else ''}: {', '.join(names[1:4])}"
        line += ", ...)" if len(names) > 4 else ")"
    return line


def source_line(source: Source, last_run: dict[str, Any] | None, zone: str = DEFAULT_ZONE) -> str:
    state = "" if source.enabled else " [disabled]"
    schedule = source.every and f"every {source.every}" or source.cron and f"cron {source.cron}" or "manual"
    run = "never run"
    if last_run:
        run = f"last run {clock.local_time(last_run['started_at'], zone)} {last_run['status']}, {last_run['new']} new"
    return f"{source.name}{state}  {source.kind}  {source.url}  ({schedule}; {run})"


def health_lines(sources: Iterable[Source], runs_by_source: dict[str, list[dict]],
                 backoffs: dict[str, tuple[str, str]] | None = None, zone: str = DEFAULT_ZONE) -> list[str]:
    """Per source: last status, last success, failures in a row, backing off, newest error; problems first."""
    backoffs = backoffs or {}
    rows = []
    for source in sources:
        runs = runs_by_source.get(source.name, [])
        failing = 0
        for run in runs:
            if run["status"] not in ("failed", "partial"):
                break
            failing += 1
        last_ok = next((clock.local_time(r["started_at"], zone) for r in runs if r["status"] in ("ok",)), "never")
        status = runs[0]["status"] if runs else "never run"
        newest_error = next((e["message"] for r in runs[:1] for e in r["errors"]), "")
        backing_off = backing_off_note(*backoffs[source.name], zone) if source.name in backoffs else ""
        flag = "!!" if failing or backing_off or status in ("empty", "never run") else "ok"
        rows.append((flag != "ok", f"{flag:<2} {source.name}: {status}; last success {last_ok}"
                     f"{f'; failing {failing} runs in a row' if failing else ''}"
                     f"{f'; {backing_off}' if backing_off else ''}"
                     f"{f'; {newest_error}' if newest_error else ''}"
                     f"{'' if source.enabled else ' [disabled]'}"))
    return [line for _, line in sorted(rows, key=lambda r: not r[0])]


def preview_lines(previews: list[dict[str, Any]], zone: str = DEFAULT_ZONE) -> list[str]:
    lines = []
    for item in previews:
        date = clock.local_time(item.get("published_at"), zone)
        lines.append(f"  [{item['state']}] {date}  {item.get('outlet') or '-'} | {item.get('title') or '(no title)'}")
        lines.append(f"      {item['url']}  ({item['chars']} characters)")
    return lines
