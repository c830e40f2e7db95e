"""How the editors' side shows a story's section, in the terminal and on the desk alike."""

from __future__ import annotations

from typing import Any


def classifier_confidence(row: dict[str, Any]) -> float | None:
    """The classifier's confidence in the row's section, while no editor has chosen it; None once one has (the
    section is then theirs) or when the classifier gave none."""
    return row.get("section_confidence") if row.get("decided_by") is None else None
