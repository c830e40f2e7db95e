"""sections.yaml: the newsletter, its topic, its sections and the classifier's settings, validated when loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.configuration.yaml_files import read_yaml
from crawler.errors import ConfigError
from db import clock

# The classifier's settings under `classifier:` in sections.yaml: (name, default, help).
# Declared once; a test checks that the README documents each one.
CLASSIFIER_SETTINGS: tuple[tuple[str, float | str, str], ...] = (
    ("relevance_threshold", 0.25, "Stories whose relevance to the topic is below this are marked filtered "
                                 "(kept, listed by `queue --status filtered`, restorable)."),
    ("low_confidence", 0.5, "A section chosen with less confidence than this is marked low in the queue."),
    ("retrain_after", 20, "Editor decisions since the last model that make the next crawl retrain it first "
                          "(0: only `newsdesk classify train`)."),
    ("rules_weight_labels", 50, "How many labels the learned model needs to weigh as much as the rules "
                                "(used until there are enough labels to cross-validate the blend)."),
    ("encoder", "m3e-small", "The pretrained sentence encoder the learned model reads stories with: an installed "
                             "name, a folder with a BERT model, or none (words alone). Mind its licence (README)."),
)
CLASSIFIER_DEFAULTS: dict[str, float | str] = {name: default for name, default, _ in CLASSIFIER_SETTINGS}


@dataclass(frozen=True)
class Section:
    name: str
    description: str = ""
    keywords: dict[str, float] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    patterns: dict[str, float] = field(default_factory=dict)   # regular expression: weight
    url_hints: tuple[str, ...] = ()                            # words in an article's URL path, e.g. zcwj
    default: bool = False                                      # the section a story with no evidence goes to


@dataclass(frozen=True)
class Topic:
    """What the newsletter is about at all: stories far from it are filtered."""

    description: str = ""
    themes: dict[str, float] = field(default_factory=dict)
    regions: tuple[str, ...] = ()
    exclude: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Closing:
    """The block that ends every issue: who edits it, how to reach the publisher, the disclaimer."""

    editors: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()     # the publisher's contact lines, each printed on its own line
    disclaimer: str = ""


@dataclass(frozen=True)
class Newsletter:
    title: str
    sections: tuple[Section, ...]
    topic: Topic = field(default_factory=Topic)
    closing: Closing = field(default_factory=Closing)
    frequency: str = "monthly"
    first_issue_year: int | None = None
    # Where the newsletter is made: its dates and times are shown there, and a date that names no offset
    # (a feed's, a sitemap's, a page's) is read there.
    timezone: str = clock.DEFAULT_ZONE
    classifier: dict[str, float | str] = field(default_factory=lambda: dict(CLASSIFIER_DEFAULTS))

    def section_names(self) -> list[str]:
        return [s.name for s in self.sections]

    def default_section(self) -> Section:
        """The catch-all section (`default: true`), else the first."""
        return next((s for s in self.sections if s.default), self.sections[0])


def _weights(raw: Any, where: str, what: str = "keywords") -> dict[str, float]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {str(word): 1.0 for word in raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {what}: must be a mapping of word: weight or a list of words")
    weights = {}
    for word, weight in raw.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise ConfigError(f"{where}: {what}: weight of '{word}' must be a number")
        if not str(word).strip():
            raise ConfigError(f"{where}: {what}: an empty word")
        weights[str(word)] = float(weight)
    return weights


def _patterns(raw: Any, where: str) -> dict[str, float]:
    patterns = _weights(raw, where, "patterns")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: patterns: '{pattern}' is not a regular expression ({exc})") from None
    return patterns


def _words(raw: Any, where: str, what: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: {what}: must be a list")
    return tuple(str(word) for word in raw if str(word).strip())


def _section(raw: Any, index: int, name: str) -> Section:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ConfigError(f"{name}: section #{index}: name: missing")
    where = f"{name}: section '{raw['name']}'"
    unknown = sorted(set(raw) - {"name", "description", "keywords", "examples", "patterns", "url_hints", "default"})
    if unknown:
        raise ConfigError(f"{where}: {unknown[0]}: unknown field; allowed: name, description, keywords, "
                          "patterns, examples, url_hints, default")
    examples = raw.get("examples") or []
    if not isinstance(examples, list):
        raise ConfigError(f"{where}: examples: must be a list of titles")
    if not isinstance(raw.get("default", False), bool):
        raise ConfigError(f"{where}: default: must be true or false")
    return Section(
        name=str(raw["name"]),
        description=str(raw.get("description") or ""),
        keywords=_weights(raw.get("keywords"), where),
        examples=tuple(str(e) for e in examples),
        patterns=_patterns(raw.get("patterns"), where),
        url_hints=_words(raw.get("url_hints"), where, "url_hints"),
        default=bool(raw.get("default", False)),
    )


def _topic(raw: Any, name: str) -> Topic:
    if raw is None:
        return Topic()
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: topic: must be a mapping")
    where = f"{name}: topic"
    return Topic(
        description=str(raw.get("description") or ""),
        themes=_weights(raw.get("themes"), where, "themes"),
        regions=_words(raw.get("regions"), where, "regions"),
        exclude=_weights(raw.get("exclude"), where, "exclude"),
    )


def _classifier(raw: Any, name: str) -> dict[str, float | str]:
    settings = dict(CLASSIFIER_DEFAULTS)
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: classifier: must be a mapping of setting: value")
    for key, value in raw.items():
        if key not in CLASSIFIER_DEFAULTS:
            raise ConfigError(f"{name}: classifier: '{key}' is not a setting; known: {', '.join(CLASSIFIER_DEFAULTS)}")
        if isinstance(CLASSIFIER_DEFAULTS[key], str):
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{name}: classifier: {key}: must be a name or a folder, not {value!r}")
            settings[key] = value.strip()
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{name}: classifier: {key}: must be a number >= 0, not {value!r}")
        if key in ("relevance_threshold", "low_confidence") and value > 1:
            raise ConfigError(f"{name}: classifier: {key}: must be between 0 and 1, not {value!r}")
        settings[key] = value
    return settings


CLOSING_FIELDS = ("editors", "contact", "disclaimer")


def _closing(raw: Any, name: str) -> Closing:
    if raw is None:
        return Closing()
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: closing: must be a mapping with editors, contact and disclaimer")
    unknown = sorted(set(raw) - set(CLOSING_FIELDS))
    if unknown:
        raise ConfigError(f"{name}: closing: {unknown[0]}: unknown field; allowed: {', '.join(CLOSING_FIELDS)}")
    for key in ("editors", "contact"):
        value = raw.get(key)
        lines = [value] if isinstance(value, str) else value
        if value is not None and (not isinstance(lines, list) or any(isinstance(line, (dict, list)) for line in lines)):
            raise ConfigError(f"{name}: closing: {key}: must be a list of lines (or one line)")
    if isinstance(raw.get("disclaimer"), (dict, list)):
        raise ConfigError(f"{name}: closing: disclaimer: must be one line of text")
    return Closing(editors=_words(raw.get("editors"), f"{name}: closing", "editors"),
                   contact=_words(raw.get("contact"), f"{name}: closing", "contact"),
                   disclaimer=str(raw.get("disclaimer") or "").strip())


def _first_issue_year(raw: Any, name: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1900 <= raw <= 9999:
        raise ConfigError(f"{name}: newsletter: first_issue_year: must be a year like 2026, not {raw!r}")
    return raw


def _timezone(raw: Any, name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = str(raw or clock.DEFAULT_ZONE).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}: newsletter: timezone: '{zone}' is not a time zone name like Asia/Shanghai "
                          "or Europe/Berlin") from None
    return zone


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
    sections: list[Section] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries, start=1):
        section = _section(raw, index, name)
        if section.name in seen:
            raise ConfigError(f"{name}: section '{section.name}': name: duplicate; each section needs its own name")
        seen.add(section.name)
        sections.append(section)
    defaults = [s.name for s in sections if s.default]
    if len(defaults) > 1:
        raise ConfigError(f"{name}: section '{defaults[1]}': default: only one section can be the default")
    return Newsletter(
        title=str(newsletter["title"]),
        sections=tuple(sections),
        topic=_topic(document.get("topic"), name),
        closing=_closing(document.get("closing"), name),
        frequency=str(newsletter.get("frequency") or "monthly"),
        first_issue_year=_first_issue_year(newsletter.get("first_issue_year"), name),
        timezone=_timezone(newsletter.get("timezone"), name),
        classifier=_classifier(document.get("classifier"), name),
    )


def load_sections(path: Path) -> Newsletter:
    return parse_sections(read_yaml(path), path)
