"""The demo site's articles: stories and reprint specs from the package's YAML, dated relative to a day."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from db import clock

logger = logging.getLogger(__name__)

# The demo's outlets are fictional Chinese ones: their pages print China's time (+08:00), whatever zone the
# newsletter reading them is made in. China has had no daylight saving since 1991: a fixed offset will do.
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
SECTIONS = ("政策要闻", "区域实践", "会议论坛", "科技前沿")
DATELINE = "{月日}"


@dataclass(frozen=True)
class Outlet:
    """A fictional publisher of the demo site, served under /<key>/."""

    key: str
    name: str
    kind: str
    editor: str
    path: str
    date_format: str
    listing_date: str
    nav: tuple[tuple[str, str], ...]
    host: str
    icp: str
    item_html: str
    per_page: int = 0

    @property
    def prefix(self) -> str:
        return f"/{self.key}/"


@dataclass(frozen=True)
class ArticlePage:
    """One article page of the demo site, as served and as the ground truth tests compare with."""

    path: str
    outlet: Outlet
    title: str
    published_at: dt.datetime
    story_id: str
    copy_of: str | None
    section: str | None
    paragraphs: tuple[str, ...]
    exact_copy_of: str | None
    author: str
    credit: str

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def catalogue_entry(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "outlet": self.outlet.name,
            "title": self.title,
            "published_at": self.published_at.isoformat(),
            "story_id": self.story_id,
            "copy_of": self.copy_of,
            "section": self.section,
            "text": self.text,
            "exact_copy_of": self.exact_copy_of,
            "credit": self.credit,
        }


def china_today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the machine's zone."""
    return clock.today(CHINA)


def _load(name: str) -> Any:
    return YAML(typ="safe").load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def outlets() -> dict[str, Outlet]:
    """The outlets by key, in the order outlets.yaml lists them."""
    found = {}
    for raw in _load("outlets.yaml")["outlets"]:
        raw = dict(raw, nav=tuple(tuple(pair) for pair in raw["nav"]))
        found[raw["key"]] = Outlet(**raw)
    return found


STORY_KEYS = {"id", "section", "outlet", "days_ago", "time", "author", "credit", "title", "paragraphs", "quotes"}
COPY_KEYS = {"story", "outlet", "hours", "exact", "title", "replace", "reorder", "excerpt", "trim_last",
             "lead_in", "byline", "note", "credit"}


@lru_cache(maxsize=1)
def _specs() -> tuple[list[dict], list[dict]]:
    stories, copies = _load("stories.yaml")["stories"], _load("copies.yaml")["copies"]
    _check_specs(stories, copies)
    return stories, copies


def _check_specs(stories: list[dict], copies: list[dict]) -> None:
    """A typo in the content files fails loudly here rather than silently dropping an edit."""
    ids = {story["id"] for story in stories}
    for story in stories:
        unknown = set(story) - STORY_KEYS
        if unknown or story["section"] not in (*SECTIONS, None) or story["outlet"] not in outlets():
            raise ValueError(f"stories.yaml: {story['id']}: bad section/outlet or unknown keys {sorted(unknown)}")
    for copy in copies:
        unknown = set(copy) - COPY_KEYS
        if unknown or copy["story"] not in ids or copy["outlet"] not in outlets():
            raise ValueError(f"copies.yaml: {copy['story']}@{copy['outlet']}: unknown story/outlet or keys "
                             f"{sorted(unknown)}")


def _number(key: str) -> int:
    """A stable six-digit number for a page's URL, so URLs survive restarts and look like a CMS's ids."""
    return 100000 + int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 900000


def _path(outlet: Outlet, key: str, published: dt.datetime) -> str:
    return outlet.path.format(d=published.date(), num=_number(key))


def _with_dateline(paragraphs: list[str], published: dt.datetime) -> list[str]:
    month_day = f"{published.month}月{published.day}日"
    return [p.replace(DATELINE, month_day) for p in paragraphs]


def _edited(paragraphs: list[str], spec: dict) -> list[str]:
    """A reprint's paragraphs: the original's with the spec's edits, in the order copies.yaml documents."""
    if spec.get("exact"):
        return list(paragraphs)
    edited = list(paragraphs)
    for old, new in spec.get("replace", []):
        edited = [p.replace(old, new) for p in edited]
    if "reorder" in spec:
        edited = [edited[i] for i in spec["reorder"]]
    if "excerpt" in spec:
        edited = edited[:max(1, round(len(edited) * spec["excerpt"]))]
    if spec.get("trim_last"):
        edited = edited[:-spec["trim_last"]]
    if "lead_in" in spec:
        edited[0] = spec["lead_in"] + edited[0]
    if "byline" in spec:
        edited.insert(0, spec["byline"])
    if "note" in spec:
        edited.insert(0, spec["note"])
    return edited


def build_pages(today: dt.date | None = None) -> list[ArticlePage]:
    """Every article page of the demo site for the given day (default: today in Shanghai), oldest first."""
    today = today or china_today()
    by_key = outlets()
    story_specs, copy_specs = _specs()
    originals: dict[str, ArticlePage] = {}
    for spec in story_specs:
        outlet = by_key[spec["outlet"]]
        clock = dt.time.fromisoformat(spec["time"])
        published = dt.datetime.combine(today - dt.timedelta(days=spec["days_ago"]), clock, CHINA)
        originals[spec["id"]] = ArticlePage(
            path=_path(outlet, spec["id"], published), outlet=outlet, title=spec["title"],
            published_at=published, story_id=spec["id"], copy_of=None, section=spec["section"],
            paragraphs=tuple(_with_dateline(spec["paragraphs"], published)), exact_copy_of=None,
            author=spec.get("author", ""), credit=spec.get("credit", outlet.name),
        )
    # Quotes come after every original is dated, so a quoted wire dateline reads as it was published.
    for spec in story_specs:
        for quote in spec.get("quotes", []):
            page = originals[spec["id"]]
            paragraphs = list(page.paragraphs)
            paragraphs.insert(quote["at"], originals[quote["story"]].paragraphs[quote["paragraph"]])
            originals[spec["id"]] = replace(page, paragraphs=tuple(paragraphs))
    pages = list(originals.values())
    for spec in copy_specs:
        original = originals[spec["story"]]
        outlet = by_key[spec["outlet"]]
        key = f"{spec['story']}@{spec['outlet']}"
        published = original.published_at + dt.timedelta(hours=spec["hours"])
        own_credit = spec.get("credit") == "own"
        pages.append(ArticlePage(
            path=_path(outlet, key, published), outlet=outlet, title=spec.get("title", original.title),
            published_at=published, story_id=original.story_id, copy_of=original.story_id,
            section=original.section, paragraphs=tuple(_edited(list(original.paragraphs), spec)),
            exact_copy_of=original.path if spec.get("exact") else None,
            author=_byline_name(spec) or original.author,
            credit=outlet.name if own_credit else original.credit,
        ))
    _check_unique_paths(pages)
    return sorted(pages, key=lambda page: (page.published_at, page.path))


def _byline_name(spec: dict) -> str:
    """The reporter a reprint's byline names ("本报记者 许文博" -> 许文博), if it adds one."""
    for field in ("byline", "lead_in"):
        if "记者" in spec.get(field, ""):
            return spec[field].split("记者", 1)[1].strip(" ）)")
    return ""


def _check_unique_paths(pages: list[ArticlePage]) -> None:
    seen: dict[str, str] = {}
    for page in pages:
        if page.path in seen:
            raise ValueError(f"demo content: {page.path} is both {seen[page.path]} and {page.story_id}")
        seen[page.path] = page.story_id


def demo_catalogue(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every article page: path, outlet, title, published_at (ISO, +08:00), story_id, copy_of, section,
    text (body paragraphs joined by "\\n"), exact_copy_of, credit (what the page's 来源 line names).

    story_id is the story the page tells, shared by an original and its reprints (group by it for the
    true clusters); copy_of is that same id on a reprint and None on the original; exact_copy_of is the
    original's path for the one reprint whose text is identical to it."""
    return [page.catalogue_entry() for page in build_pages(today)]
