"""sections.yaml: the newsletter, its topic and its sections, validated when loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import read_yaml
from crawler.errors import ConfigError


@dataclass(frozen=True)
class Section:
    name: str
    description: str = ""
    keywords: dict[str, float] = field(default_factory=dict)
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Newsletter:
    title: str
    sections: tuple[Section, ...]
    topic: dict[str, Any] = field(default_factory=dict)
    closing: dict[str, Any] = field(default_factory=dict)
    frequency: str = "monthly"
    first_issue_year: int | None = None

    def section_names(self) -> list[str]:
        return [s.name for s in self.sections]


def _keywords(raw: Any, where: str) -> dict[str, float]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {str(word): 1.0 for word in raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: keywords: must be a mapping of word: weight or a list of words")
    weights = {}
    for word, weight in raw.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise ConfigError(f"{where}: keywords: weight of '{word}' must be a number")
        weights[str(word)] = float(weight)
    return weights


def parse_sections(document: Any, path: Path) -> Newsletter:
    """Validate a parsed sections.yaml; ConfigError names the file, the section and the field."""
    name = path.name
    if not isinstance(document, dict):
        raise ConfigError(f"{name}: must be a mapping with 'newsletter:' and 'sections:'")
    newsletter = document.get("newsletter") or {}
    if not isinstance(newsletter, dict) or not newsletter.get("title"):
        raise ConfigError(f"{name}: newsletter: title: missing; give the newsletter a title")
    entries = document.get("sections")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{name}: sections: must be a non-empty list of entries starting with '- name:'")
    sections, seen = [], set()
    for index, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise ConfigError(f"{name}: section #{index}: name: missing")
        where = f"{name}: section '{raw['name']}'"
        if raw["name"] in seen:
            raise ConfigError(f"{where}: name: duplicate; each section needs its own name")
        seen.add(raw["name"])
        examples = raw.get("examples") or []
        if not isinstance(examples, list):
            raise ConfigError(f"{where}: examples: must be a list of titles")
        sections.append(Section(
            name=str(raw["name"]),
            description=str(raw.get("description") or ""),
            keywords=_keywords(raw.get("keywords"), where),
            examples=tuple(str(e) for e in examples),
        ))
    for key in ("topic", "closing"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise ConfigError(f"{name}: {key}: must be a mapping")
    return Newsletter(
        title=str(newsletter["title"]),
        sections=tuple(sections),
        topic=dict(document.get("topic") or {}),
        closing=dict(document.get("closing") or {}),
        frequency=str(newsletter.get("frequency") or "monthly"),
        first_issue_year=newsletter.get("first_issue_year"),
    )


def load_sections(path: Path) -> Newsletter:
    return parse_sections(read_yaml(path), path)
