"""What the desk says after a decision, and the one decision `u` (the Undo button) takes back."""

from __future__ import annotations

from flask import flash, session

PAST = {"approve": "approved", "reject": "rejected", "move": "moved", "restore": "restored"}


def _where(row: dict) -> str:
    return f" in {row['section']}" if row.get("section") else ""


def remember_for_undo(row: dict | None, action: str = "") -> None:
    """The story and version the Undo button acts on, and what was done (None: nothing to undo)."""
    if row is None:
        session.pop("undo", None)
    else:
        session["undo"] = {"story": row["id"], "version": row["version"], "what": f"{PAST[action]} story {row['id']}"}


def decided(action: str, row: dict) -> None:
    flash(f"{PAST[action]} story {row['id']}: now {row['status']}{_where(row)}")
    remember_for_undo(row, action)


def bulk(action: str, rows: list[dict]) -> None:
    if rows:
        flash(f"{PAST[action]} {len(rows)} stor{'y' if len(rows) == 1 else 'ies'}: "
              + ", ".join(str(row["id"]) for row in rows))
    # Undo takes back one story's decision: the last one of the selection.
    remember_for_undo(rows[-1] if rows else None, action)


def undone(what: str) -> None:
    flash(f"undone: {what}")
    remember_for_undo(None)
