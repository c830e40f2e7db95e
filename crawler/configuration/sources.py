"""sources.yaml: load and validate the configured sources, and write them back as an operator would."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from crawler.configuration.schedules import check_cron, parse_every, parse_quiet
from crawler.configuration.settings import CHECKS, DEFAULTS, MINIMUMS
from crawler.configuration.yaml_files import read_yaml, update_yaml
from crawler.errors import ConfigError
from crawler.formats.canonical import clean_url

KINDS = ("feed", "listing", "sitemap")
NAME_PATTERN = re.compile(r"^[\w][\w.-]*$")
HOST_PATTERN = re.compile(r"[\w.-]+")     # \w: internationalised names (例子.中国) are hosts too
# Fields that mean something for one kind of source only: elsewhere they would be silently ignored.
KIND_ONLY_FIELDS = {"links": "listing", "depth": "listing", "max_age_days": "sitemap"}
SOURCE_FIELDS = {
    "name", "kind", "url", "every", "cron", "quiet", "links", "encoding", "enabled",
    "depth", "max_age_days", "authority",
}


@dataclass(frozen=True)
class Source:
    """One configured place to collect from."""

    name: str
    kind: str
    url: str
    every: str | None = None
    cron: str | None = None
    quiet: str | None = None    # "22:00-07:00": hours (the newsletter's time zone) when it is not crawled on schedule
    links: str | None = None
    encoding: str | None = None
    enabled: bool = True
    depth: int = 2              # listing: pagination pages followed beyond the first
    max_age_days: float = 7     # sitemap: only URLs newer than this
    authority: float = 1.0      # how authoritative the outlet is when copies compete

    def as_yaml(self) -> dict[str, Any]:
        """The entry as an operator writes it: required fields, then only what differs from the defaults."""
        entry: dict[str, Any] = {"name": self.name, "kind": self.kind, "url": self.url}
        for name in ("every", "cron", "quiet", "links", "encoding"):
            if getattr(self, name):
                entry[name] = getattr(self, name)
        for name, default in (("enabled", True), ("depth", 2), ("max_age_days", 7), ("authority", 1.0)):
            if getattr(self, name) != default:
                entry[name] = getattr(self, name)
        return entry


@dataclass
class SourcesConfig:
    sources: list[Source] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"no source named '{name}' in sources.yaml (known: {known}); see `newsdesk sources list`")


def check_url(url: Any) -> str:
    """Return the URL if it is an absolute http(s) URL a fetcher can use as written, else raise ValueError saying why."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("must be an http:// or https:// URL")
    url = url.strip()
    # urlsplit quietly drops tabs and newlines and keeps spaces: a typo would become another address.
    if any(character.isspace() or not character.isprintable() for character in url):
        raise ValueError(f"'{url}' has a space or another blank in it; a URL has none (write a space in a "
                         "path as %20)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{url}' is not an http:// or https:// URL with a host")
    if ":" not in parts.hostname and not HOST_PATTERN.fullmatch(parts.hostname):
        raise ValueError(f"'{url}': '{parts.hostname}' is not a host name (letters, digits, '-' and '.')")
    try:
        parts.port
    except ValueError:
        raise ValueError(f"'{url}' has a port that is not a number from 0 to 65535") from None
    return url


def _check_css(selector: str) -> None:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"'{selector}' is not a valid CSS selector ({exc})") from None


def _number(value: Any, *, minimum: float, integer: bool = False) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"must be {kind} >= {minimum:g}, not {value!r}")
    if integer and int(value) != value:
        raise ValueError(f"must be a whole number, not {value!r}")
    return int(value) if integer else float(value)


def validate_source(raw: Any) -> Source:
    """Build a Source from one YAML entry; ValueError names the field (as 'field: problem')."""
    if not isinstance(raw, dict):
        raise ValueError("entry: must be a mapping with name, kind and url")
    unknown = sorted(set(raw) - SOURCE_FIELDS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown field; allowed: {', '.join(sorted(SOURCE_FIELDS))}")
    for required in ("name", "kind", "url"):
        if raw.get(required) in (None, ""):
            raise ValueError(f"{required}: missing; every source needs name, kind and url")

    def check(name: str, fn) -> Any:
        try:
            return fn(raw[name])
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None

    name = str(raw["name"])
    if not NAME_PATTERN.match(name):
        raise ValueError("name: use letters, digits, '.', '-' or '_' (no spaces or slashes)")
    if raw["kind"] not in KINDS:
        raise ValueError(f"kind: must be one of {', '.join(KINDS)}, not {raw['kind']!r}")
    for key, kind in KIND_ONLY_FIELDS.items():
        if key in raw and raw["kind"] != kind:
            raise ValueError(f"{key}: only {kind} sources take {key}; remove it from this {raw['kind']}")
    values: dict[str, Any] = {"name": name, "kind": raw["kind"], "url": check("url", check_url)}
    if "every" in raw and "cron" in raw:
        raise ValueError("every: give either every or cron, not both")
    if "every" in raw:
        check("every", parse_every)
        values["every"] = str(raw["every"]).strip()
    if "cron" in raw:
        check("cron", lambda v: check_cron(str(v)))
        values["cron"] = str(raw["cron"])
    if "quiet" in raw:
        check("quiet", lambda v: parse_quiet(str(v)))
        values["quiet"] = str(raw["quiet"]).strip()
    if "links" in raw:
        check("links", lambda v: _check_css(str(v)))
        values["links"] = str(raw["links"])
    if "encoding" in raw:
        def known_codec(v: Any) -> None:
            try:
                codecs.lookup(str(v))
            except LookupError:
                raise ValueError(f"'{v}' is not an encoding Python knows (try gbk, gb18030, utf-8)") from None
        check("encoding", known_codec)
        values["encoding"] = str(raw["encoding"])
    if "enabled" in raw:
        if not isinstance(raw["enabled"], bool):
            raise ValueError("enabled: must be true or false")
        values["enabled"] = raw["enabled"]
    if "depth" in raw:
        values["depth"] = check("depth", lambda v: _number(v, minimum=0, integer=True))
    if "max_age_days" in raw:
        values["max_age_days"] = check("max_age_days", lambda v: _number(v, minimum=0))
    if "authority" in raw:
        values["authority"] = check("authority", lambda v: _number(v, minimum=0))
    return Source(**values)


def _validate_settings(raw: Any, path: Path) -> dict[str, Any]:
    if raw is None:
        return dict(DEFAULTS)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: settings: must be a mapping of name: value")
    settings = dict(DEFAULTS)
    for key, value in raw.items():
        if key not in DEFAULTS:
            raise ConfigError(
                f"{path.name}: settings: '{key}' is not a setting; known: {', '.join(DEFAULTS)}"
            )
        default = DEFAULTS[key]
        if isinstance(default, str):
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ConfigError(f"{path.name}: settings: '{key}' must be text")
        else:
            try:
                value = _number(value, minimum=MINIMUMS[key], integer=isinstance(default, int))
            except ValueError as exc:
                raise ConfigError(f"{path.name}: settings: '{key}' {exc}") from None
        if key in CHECKS:
            try:
                value = CHECKS[key](value)
            except ValueError as exc:
                raise ConfigError(f"{path.name}: settings: '{key}' {exc}") from None
        settings[key] = value
    return settings


def parse_sources(document: Any, path: Path) -> SourcesConfig:
    """Validate a parsed sources.yaml; the first problem raises ConfigError naming file, source and field."""
    if document is None:
        return SourcesConfig()
    if not isinstance(document, dict):
        raise ConfigError(f"{path.name}: must be a mapping with a 'sources:' list")
    unknown = sorted(set(document) - {"sources", "settings"})
    if unknown:
        raise ConfigError(f"{path.name}: unknown top-level key '{unknown[0]}'; allowed: sources, settings")
    entries = document.get("sources") or []
    if not isinstance(entries, list):
        raise ConfigError(f"{path.name}: 'sources' must be a list of entries starting with '- name:'")
    sources: list[Source] = []
    seen: set[str] = set()
    by_url: dict[str, str] = {}     # the page, as clean_url writes it -> the source (and line) collecting it
    for index, raw in enumerate(entries, start=1):
        label = f"source '{raw.get('name')}'" if isinstance(raw, dict) and raw.get("name") else f"source #{index}"
        line = getattr(getattr(raw, "lc", None), "line", None)
        where = f" (line {line + 1})" if line is not None else ""
        try:
            source = validate_source(raw)
        except ValueError as exc:
            raise ConfigError(f"{path.name}: {label}{where}: {exc}") from None
        if source.name in seen:
            raise ConfigError(f"{path.name}: {label}{where}: name: duplicate; each source needs its own name")
        # The URL is the source: two entries for one page would fetch it twice and split its stories between
        # two names. Two blocks of links on one listing page are one selector list: `links: ".a a, .b a"`.
        page = clean_url(source.url)
        if page in by_url:
            raise ConfigError(f"{path.name}: {label}{where}: url: {source.url} is collected by {by_url[page]} "
                              "already; one source per URL (for two blocks of links on one page, give that "
                              "source one links: selector for both, separated by a comma)")
        seen.add(source.name)
        by_url[page] = f"source '{source.name}'{where}"
        sources.append(source)
    return SourcesConfig(sources=sources, settings=_validate_settings(document.get("settings"), path))


def load_sources(path: Path) -> SourcesConfig:
    try:
        return parse_sources(read_yaml(path), path)
    except ConfigError:
        # The fast read knows no line numbers: read again so that the message names the line to fix.
        return parse_sources(read_yaml(path, with_lines=True), path)


def add_source(path: Path, source: Source) -> None:
    """Append a source to sources.yaml, keeping the operator's comments and order."""
    def append(document: Any) -> Any:
        config = parse_sources(document, path)
        if any(s.name == source.name for s in config.sources):
            raise ConfigError(f"{path.name}: a source named '{source.name}' already exists; choose another name")
        if document is None:
            document = CommentedMap()
        if not document.get("sources"):
            document["sources"] = []
        entries = document["sources"]
        entries.append(CommentedMap(source.as_yaml()))
        if len(entries) > 1:
            _move_trailing_comment(entries[-2], entries[-1])
        parse_sources(document, path)  # never write what we could not read back
        return document

    update_yaml(path, append)


def add_new_source(path: Path, **fields: Any) -> Source:
    """Validate a new source given field by field (None: not given, as from `sources add`'s options) and
    append it; ConfigError names the source and the field."""
    try:
        source = validate_source({key: value for key, value in fields.items() if value is not None})
    except ValueError as exc:
        raise ConfigError(f"source '{fields.get('name')}': {exc}") from None
    add_source(path, source)
    return source


def _move_trailing_comment(previous: Any, new: CommentedMap) -> None:
    """Comments below the last entry belong to what follows the list; keep them below the new last entry."""
    if not isinstance(previous, CommentedMap) or not previous:
        return
    tokens = previous.ca.items.get(list(previous)[-1])
    if not tokens or len(tokens) < 3 or tokens[2] is None:
        return
    head, _, tail = tokens[2].value.partition("\n")
    if tail.strip() or tail.count("\n") > 0:
        tokens[2].value = head + "\n"
        new.ca.items[list(new)[-1]] = [None, None, CommentToken("\n" + tail, CommentMark(0), None), None]


def set_enabled(path: Path, name: str, enabled: bool) -> Source:
    """Flip a source's enabled flag in place; returns the updated source."""
    def flip(document: Any) -> Any:
        parse_sources(document, path).get(name)
        for entry in document["sources"]:
            if entry.get("name") == name:
                if enabled:
                    entry.pop("enabled", None)
                else:
                    entry["enabled"] = False
        return document

    return parse_sources(update_yaml(path, flip), path).get(name)
