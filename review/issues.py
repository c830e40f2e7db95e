"""Issues of the newsletter: compile a draft from approved stories, change it, export it (recording it) as printed.

What a page or a command needs, one function each: list_issues, drafts, show_issue (an issue with its stories in
order under their sections), offered_stories (approved, in no issue yet), issue_page (both), new_issue (and
new_issue_defaults, what it takes when not told), add_story, remove_story, move_story, edit_story, export_issue
(bytes, a file name and a content type). An issue is named by its running number (39, as in 总第39期) or by its
year and number (2026-11). Every change to a draft takes the issue's version the editor saw when one is given
(db.Conflict when it changed since); the CLI gives none.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crawler.configuration.sections import Closing, Newsletter
from crawler.errors import NewsdeskError
from db import Conflict, Store, clock, issue_label
from review import export
from review.actions import check_section
from review.actions import edit_story as edit_title_and_summary
from review.issue_layout import NO_DATE, NO_OUTLET, Issue, IssueSection, IssueStory

# -- reading -----------------------------------------------------------------------------------------------------

def list_issues(store: Store) -> list[dict]:
    """Every issue, the latest first: total, year, number, month, status, version, stories (how many),
    created_by/at, published_by/at (UTC ISO 8601; None for a draft)."""
    return store.issues()


def drafts(store: Store) -> list[dict]:
    """The issues not published yet, the latest first (rows as list_issues')."""
    return [row for row in store.issues() if row["status"] == "draft"]


def show_issue(store: Store, newsletter: Newsletter, ref: int | str) -> Issue:
    """The issue with its stories in order under their sections. A draft reads its stories as they are now, in
    sections.yaml's order of sections, and marks what is missing or wrong; a published one is what was printed."""
    row = store.issue(**issue_ref(ref))
    entries = store.issue_entries(row["id"])
    if row["status"] == "published":
        return _issue(row, row["masthead"], _closing(row["closing"]),
                      _by_section([_printed_story(entry) for entry in entries], ()))
    stories = [_live_story(entry, newsletter) for entry in entries]
    return _issue(row, newsletter.title, newsletter.closing, _by_section(stories, newsletter.section_names()))


@dataclass(frozen=True)
class IssuePage:
    """What a page (or `newsdesk issue show`) shows of an issue: the issue, and for a draft the stories that
    could join it."""

    issue: Issue
    offered: tuple[IssueSection, ...]   # approved stories in no issue yet (none for a published issue)
    zone: str                           # the newsletter's time zone: times are shown there


def issue_page(store: Store, newsletter: Newsletter, ref: int | str) -> IssuePage:
    """The issue with its stories under their sections and, for a draft, the approved stories on offer."""
    issue = show_issue(store, newsletter, ref)
    offered = offered_stories(store, newsletter) if issue.status == "draft" else ()
    return IssuePage(issue, offered, newsletter.timezone)


def offered_stories(store: Store, newsletter: Newsletter) -> tuple[IssueSection, ...]:
    """The approved stories in no issue yet, by section in sections.yaml's order, newest first in each."""
    return _by_section([_live_story(row, newsletter) for row in store.offered_stories()],
                       newsletter.section_names())


def issue_ref(ref: int | str) -> dict[str, int]:
    """39 (the running number, 总第39期) or 2026-11 (year and number) as the store's keywords."""
    text = str(ref).strip()
    if re.fullmatch(r"\d{1,6}", text):
        return {"total": int(text)}
    found = re.fullmatch(r"(\d{4})[-/](\d{1,3})", text)
    if found:
        return {"year": int(found[1]), "number": int(found[2])}
    raise NewsdeskError(f"'{ref}' names no issue: give its running number (39, as in 总第39期) or its year and "
                        "number (2026-11)")


# -- a new draft --------------------------------------------------------------------------------------------------

def new_issue(store: Store, newsletter: Newsletter, *, actor: str, year: int | None = None, number: int | None = None,
              total: int | None = None, month: int | None = None) -> Issue:
    """A draft of every approved story in no issue yet, by section in sections.yaml's order, newest first in each.
    Year and month default to today's in the newsletter's zone; number and total to the previous issue's plus one
    (the number starting again at 1 in a new year)."""
    today = clock.today(newsletter.timezone)
    year, month = year or today.year, month or today.month
    number, total = _numbers(store.latest_issue(), newsletter, year, number, total)
    if not 1 <= month <= 12:
        raise NewsdeskError(f"month {month} is not a month: give 1 to 12")
    if newsletter.first_issue_year and year < newsletter.first_issue_year:
        raise NewsdeskError(f"year {year} is before the newsletter's first issue ({newsletter.first_issue_year}, "
                            "newsletter: first_issue_year in sections.yaml)")
    story_ids = [story.story_id for section in offered_stories(store, newsletter) for story in section.stories]
    if not story_ids:
        raise NewsdeskError("no approved story is waiting for an issue: approve stories first "
                            "(`newsdesk approve ID`, or on the desk), then start the issue")
    row = store.create_issue(year=year, number=number, total=total, month=month, story_ids=story_ids, actor=actor)
    return show_issue(store, newsletter, row["total"])


def new_issue_defaults(store: Store, newsletter: Newsletter) -> dict[str, int | None]:
    """What new_issue takes for what is not given, for a form to show: year, month, number and total (None where
    they must be given: no earlier issue and the newsletter started in another year)."""
    today = clock.today(newsletter.timezone)
    try:
        number, total = _numbers(store.latest_issue(), newsletter, today.year, None, None)
    except NewsdeskError:
        number = total = None
    return {"year": today.year, "month": today.month, "number": number, "total": total}


def _numbers(previous: dict | None, newsletter: Newsletter, year: int, number: int | None,
             total: int | None) -> tuple[int, int]:
    """(number within the year, running number): the ones given, else the previous issue's plus one."""
    if total is None:
        if previous is None and newsletter.first_issue_year not in (None, year):
            raise NewsdeskError(f"no earlier issue is recorded and the newsletter started in "
                                f"{newsletter.first_issue_year}: give this issue's --number and --total")
        total = previous["total"] + 1 if previous else 1
    if number is None:
        if previous is not None and previous["year"] > year:
            raise NewsdeskError(f"the latest issue is of {previous['year']}, after {year}: give this issue's --number")
        number = previous["number"] + 1 if previous and previous["year"] == year else 1
    if number < 1 or total < 1:
        raise NewsdeskError(f"issue numbers start at 1, not {min(number, total)}")
    return number, total


# -- changing a draft -----------------------------------------------------------------------------------------------

def add_story(store: Store, newsletter: Newsletter, ref: int | str, story_id: int, *, actor: str,
              version: int | None = None) -> Issue:
    """Put an approved story in no issue yet at the end of its section in a draft."""
    issue = _draft(show_issue(store, newsletter, ref), version)
    store.add_to_issue(issue.id, story_id, actor=actor, version=issue.version)
    return show_issue(store, newsletter, issue.total)


def remove_story(store: Store, newsletter: Newsletter, ref: int | str, story_id: int, *, actor: str,
                 version: int | None = None) -> Issue:
    """Take a story out of a draft; it is offered for an issue again."""
    issue = _draft(show_issue(store, newsletter, ref), version)
    store.remove_from_issue(issue.id, story_id, actor=actor, version=issue.version)
    return show_issue(store, newsletter, issue.total)


def move_story(store: Store, newsletter: Newsletter, ref: int | str, story_id: int, *, actor: str,
               position: int | None = None, section: str | None = None, version: int | None = None,
               story_version: int | None = None) -> Issue:
    """Put a story of a draft at `position` in its section (1: first) and/or into another section (which is the
    story's own section, changed as `newsdesk move` does, logged; it goes last there unless a position is given)."""
    if position is None and section is None:
        raise NewsdeskError("say where to: a position in its section (--to 1 is first) or a section (--section NAME)")
    issue = _draft(show_issue(store, newsletter, ref), version)
    story = _story_in(issue, story_id)
    if section is not None and section != story.section:
        check_section(newsletter, section)
        store.decide_story(story_id, section=section, actor=actor,
                           version=story.story_version if story_version is None else story_version)
        issue = show_issue(store, newsletter, issue.total)
    order = _placed(issue, story_id, position)
    store.reorder_issue(issue.id, order, actor=actor, version=issue.version)
    return show_issue(store, newsletter, issue.total)


def edit_story(store: Store, newsletter: Newsletter, ref: int | str, story_id: int, *, actor: str,
               title: str | None = None, summary: str | None = None, outlet: str | None = None,
               ran_on: str | date | None = None, version: int | None = None,
               story_version: int | None = None) -> Issue:
    """Change what a draft prints for a story; None leaves a field as it is, "" goes back to the story's own.
    title and summary are the story's (the editor's words, logged; the summary is printed instead of the text,
    its lines as paragraphs); outlet and ran_on (a date, 2026-11-03) are this issue's corrections of the copy's."""
    if title is None and summary is None and outlet is None and ran_on is None:
        raise NewsdeskError("nothing to change: give a title, a summary, an outlet or a date")
    issue = _draft(show_issue(store, newsletter, ref), version)
    story = _story_in(issue, story_id)
    if title is not None and title.strip() == story.title:
        title = None      # the title the draft prints already (a form sends it back unchanged): not an edit
    if title is not None or summary is not None:
        row = store.story(story_id)
        edit_title_and_summary(store, story_id, title=row["title"] if title is None else title,
                               summary=row["summary"] if summary is None else summary, actor=actor,
                               version=story.story_version if story_version is None else story_version)
    if outlet is not None or ran_on is not None:
        held = next(entry for entry in store.issue_entries(issue.id) if entry["story_id"] == story_id)
        day = held["printed_ran_on"] if ran_on is None else _day_given(ran_on)
        store.correct_issue_story(issue.id, story_id, outlet=held["printed_outlet"] if outlet is None
                                  else outlet.strip() or None, ran_on=day, actor=actor, version=issue.version)
    return show_issue(store, newsletter, issue.total)


# -- export ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    """An exported issue: the file's bytes, the name to save it under, its content type, the issue as printed."""

    data: bytes
    filename: str
    content_type: str
    issue: Issue
    published_now: bool      # this export recorded the issue as published


def export_issue(store: Store, newsletter: Newsletter, ref: int | str, format: str, *, actor: str,
                 allow_missing: bool = False, preview: bool = False, version: int | None = None) -> Exported:
    """The issue as a file (format: md, html, docx or pdf, export.FORMATS). Exporting a draft publishes it: what is
    printed is recorded, its stories are never offered again, and it exports again identically later; with
    preview, a draft is exported as it stands and nothing is recorded. A story missing its date or outlet stops
    the export (one line naming it) unless allow_missing; a story no longer approved always does."""
    chosen = export.format_named(format)
    issue = show_issue(store, newsletter, ref)
    if issue.status == "published":
        return Exported(chosen.render(issue), _filename(issue, chosen.extension), chosen.content_type, issue, False)
    _printable(_draft(issue, version), allow_missing)
    if preview:
        return Exported(chosen.render(issue), _filename(issue, chosen.extension, draft=True), chosen.content_type,
                        issue, False)
    printed = _as_printed(issue, published_at=clock.utc_now(), published_by=actor)
    data = chosen.render(printed)      # rendered before anything is recorded: a failed render records nothing
    store.publish_issue(issue.id, version=issue.version, masthead=printed.masthead,
                        closing=dataclasses.asdict(printed.closing), printed=_printed_rows(printed), actor=actor,
                        at=printed.published_at)
    return Exported(data, _filename(printed, chosen.extension), chosen.content_type,
                    show_issue(store, newsletter, issue.total), True)


def _printable(issue: Issue, allow_missing: bool) -> None:
    if not issue.stories:
        raise NewsdeskError(f"{_label(issue)} has no stories: add some before exporting it")
    stopped = [(story, story.faults + (() if allow_missing else story.missing)) for story in issue.stories]
    stopped = [(story, problems) for story, problems in stopped if problems]
    if not stopped:
        return
    story, problems = stopped[0]
    others = f" (and {len(stopped) - 1} more stories)" if len(stopped) > 1 else ""
    if story.faults:
        fix = f"remove it (`newsdesk issue remove {issue.total} {story.story_id}`)"
    else:
        fix = (f"give it (`newsdesk issue edit {issue.total} {story.story_id} --date YYYY-MM-DD --outlet NAME`), "
               "remove it, or export with --allow-missing")
    raise NewsdeskError(f"cannot export {_label(issue)}: story {story.story_id} ({story.title or 'no title'}) has "
                        f"{', '.join(problems)}{others}; {fix}")


def _as_printed(issue: Issue, *, published_at: str, published_by: str) -> Issue:
    """The issue exactly as reading it back once published gives it (so the first export and every later one
    render the same thing)."""
    stories = [_printed_story(row) for row in _printed_rows(issue)]
    return dataclasses.replace(issue, status="published", sections=_by_section(stories, ()),
                               published_at=published_at, published_by=published_by)


def _printed_rows(issue: Issue) -> list[dict]:
    """What the store keeps of each printed story (db/issues.py PRINTED_FIELDS), in printed order."""
    return [{"story_id": story.story_id, "position": position, "section": story.section, "title": story.title,
             "body": "\n".join(story.paragraphs), "outlet": story.outlet,
             "ran_on": story.ran_on.isoformat() if story.ran_on else None}
            for position, story in enumerate(issue.stories, start=1)]


def _filename(issue: Issue, extension: str, *, draft: bool = False) -> str:
    """`长三角数字经济-2026年第11期.pdf` (`-草稿` before the extension for a draft's preview)."""
    name = re.sub(r'[\s/\\:*?"<>|]+', "-", f"{issue.masthead}-{issue.year}年第{issue.number}期").strip("-.")
    return f"{name}{'-草稿' if draft else ''}.{extension}"


# -- compiling ------------------------------------------------------------------------------------------------------

def _issue(row: dict, masthead: str, closing: Closing, sections: tuple[IssueSection, ...]) -> Issue:
    return Issue(id=row["id"], year=row["year"], number=row["number"], total=row["total"], month=row["month"],
                 status=row["status"], version=row["version"], masthead=masthead, closing=closing, sections=sections,
                 created_by=row["created_by"], created_at=row["created_at"], updated_by=row["updated_by"],
                 published_at=row["published_at"], published_by=row["published_by"])


def _live_story(row: dict, newsletter: Newsletter) -> IssueStory:
    """A story of a draft (or on offer) as it stands: the editor's words over the representative copy's."""
    outlet = row.get("printed_outlet") or row["outlet"]
    ran_on = _day(row.get("printed_ran_on")) or _ran_on(row["published_at"], newsletter.timezone)
    title = (row["edited_title"] or row["title"] or "").strip()
    paragraphs = _paragraphs(row["edited_summary"] or row["text"])
    faults = ([f"been merged into story {row['merged_into']}"] if row["merged_into"] else
              [f"been {row['status']} (not approved)"] if row["status"] != "approved" else [])
    faults += [fault for fault, lacking in (("no title", not title), ("no text", not paragraphs)) if lacking]
    missing = tuple(name for name, lacking in ((NO_DATE, ran_on is None), (NO_OUTLET, not outlet)) if lacking)
    return IssueStory(story_id=row["story_id"], section=row["section"] or newsletter.default_section().name,
                      title=title, paragraphs=paragraphs, outlet=outlet or None, ran_on=ran_on, url=row["url"],
                      story_version=row["story_version"],
                      edited=bool(row["edited_title"] or row["edited_summary"]), summary=row["edited_summary"] or "",
                      missing=missing, faults=tuple(faults))


def _printed_story(row: dict) -> IssueStory:
    """A story as it was printed (a published issue's entry, or _printed_rows' dict)."""
    def printed(name: str):
        return row[f"printed_{name}"] if f"printed_{name}" in row else row[name]
    return IssueStory(story_id=row["story_id"], section=printed("section"), title=printed("title"),
                      paragraphs=_paragraphs(printed("body")), outlet=printed("outlet"), ran_on=_day(printed("ran_on")),
                      url=row.get("url"))


def _by_section(stories: list[IssueStory], section_order: tuple[str, ...] | list[str]) -> tuple[IssueSection, ...]:
    """Stories grouped by section: sections in this order, any other after them as they first come; the
    stories' order kept within each."""
    grouped: dict[str, list[IssueStory]] = {}
    for story in stories:
        grouped.setdefault(story.section, []).append(story)
    place = {name: index for index, name in enumerate(section_order)}
    names = sorted(grouped, key=lambda name: place.get(name, len(place)))
    return tuple(IssueSection(name, tuple(grouped[name])) for name in names)


def _closing(stored: dict) -> Closing:
    return Closing(editors=tuple(stored.get("editors") or ()), contact=tuple(stored.get("contact") or ()),
                   disclaimer=stored.get("disclaimer") or "")


def _paragraphs(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").split("\n") if line.strip())


def _ran_on(published_at: str | None, zone: str) -> date | None:
    """The day a story ran, in the newsletter's zone."""
    if not published_at:
        return None
    try:
        moment = datetime.fromisoformat(published_at)
    except ValueError:
        return None
    return clock.in_zone(moment, zone).astimezone(ZoneInfo(zone)).date()


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _day_given(value: str | date) -> str | None:
    """An editor's date for a story as stored (2026-11-03), None for "" (the copy's own again)."""
    if isinstance(value, date):
        return value.isoformat()
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise NewsdeskError(f"'{value}' is not a date like 2026-11-03") from None


# -- helpers -------------------------------------------------------------------------------------------------------

def _label(issue: Issue) -> str:
    return issue_label({"total": issue.total, "year": issue.year, "number": issue.number})


def _draft(issue: Issue, version: int | None) -> Issue:
    """The issue, when it can still change (and is at the version the editor saw, when given)."""
    if issue.status != "draft":
        raise NewsdeskError(f"{_label(issue)} is published and cannot change; start a new issue for more stories")
    if version is not None and version != issue.version:
        raise Conflict(f"{_label(issue)} changed since you read it (version {version}, now {issue.version}, last "
                       f"by {issue.updated_by or issue.created_by}); reload it and try again")
    return issue


def _story_in(issue: Issue, story_id: int) -> IssueStory:
    found = next((story for story in issue.stories if story.story_id == story_id), None)
    if found is None:
        raise NewsdeskError(f"story {story_id} is not in {_label(issue)}")
    return found


def _placed(issue: Issue, story_id: int, position: int | None) -> list[int]:
    """The issue's story ids in order with story_id moved to `position` in its section (None: last there)."""
    sections = [[story.story_id for story in section.stories] for section in issue.sections]
    mine = next(ids for ids in sections if story_id in ids)
    mine.remove(story_id)
    if position is None:
        position = len(mine) + 1
    if not 1 <= position <= len(mine) + 1:
        raise NewsdeskError(f"position {position} is not in its section: give 1 to {len(mine) + 1}")
    mine.insert(position - 1, story_id)
    return [id for ids in sections for id in ids]
