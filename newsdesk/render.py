"""How queue rows, sources, runs, crawl summaries and extracted pages look on a terminal and as JSON lines.

The library returns data (crawler/, review/, db/); this is the one place that turns it into lines.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.configuration.sections import CLASSIFIER_DEFAULTS, Newsletter
from crawler.configuration.source_status import WELL, SourcesReport, SourceStatus
from db import CANDIDATE_FIELDS, clock, site_name
from review.issue_layout import Issue, IssueSection, IssueStory
from review.queue import Listing
from review.showing import classifier_confidence

if TYPE_CHECKING:   # the crawl loads Scrapy, extraction lxml: a command that shows neither need not wait for them
    from pathlib import Path

    from crawler.classify.training import Training
    from crawler.crawl.runner import SourceResult
    from crawler.extraction import Article
    from review.issues import Exported, IssuePage
    from scheduler.status import ScheduleStatus

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
    confidence = classifier_confidence(row)
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


def queue_lines(listing: Listing, *, all_copies: bool = False, as_json: bool = False) -> list[str]:
    if as_json:
        return [queue_json(row) for row in listing.rows]
    return [queue_line(row, all_copies=all_copies, low_confidence=listing.low_confidence, zone=listing.zone)
            for row in listing.rows]


def source_line(status: SourceStatus, zone: str = DEFAULT_ZONE) -> str:
    """`wire  feed  https://x.cn/rss.xml  (every 30m; last run 2026-11-03 09:30 CST ok, 3 new)`."""
    source, last_run = status.source, status.last_run
    state = "" if source.enabled else " [disabled]"
    schedule = source.every and f"every {source.every}" or source.cron and f"cron {source.cron}" or "default schedule"
    if source.quiet:
        schedule += f", quiet {source.quiet}"
    run = "never run"
    if last_run:
        run = f"last run {clock.local_time(last_run['started_at'], zone)} {last_run['status']}, {last_run['new']} new"
    return f"{source.name}{state}  {source.kind}  {source.url}  ({schedule}; {run})"


def source_lines(report: SourcesReport, *, as_json: bool = False) -> list[str]:
    if as_json:
        return [json.dumps({**dataclasses.asdict(status.source), "last_run": status.last_run}, ensure_ascii=False)
                for status in report.statuses]
    if not report.statuses:
        return ["no sources yet; add one with `newsdesk sources add NAME URL --kind feed|listing|sitemap`"]
    return [source_line(status, report.zone) for status in report.statuses]


def health_line(status: SourceStatus, zone: str = DEFAULT_ZONE, now: datetime | None = None) -> str:
    """`!! wire: failed; failing since 2026-11-18 09:00 CST (3 failed runs in a row); next try ...; last success
    never; HTTP 404...`: `!!` when it needs an operator."""
    from crawler.crawl.retry_after import (
        backing_off_note,  # Scrapy's package: only when a health is shown
    )

    now = now or clock.now()
    parts = [f"{'!!' if status.rank(now) != WELL else 'ok'} {status.source.name}: {status.status}"]
    if status.failing_since:
        failed = status.failing_in_a_row
        parts.append(f"failing since {clock.local_time(status.failing_since, zone)} "
                     f"({failed} failed run{'s' if failed != 1 else ''} in a row)")
        if status.retry:
            parts.append(f"next try {clock.local_time(status.retry[0], zone)}")
    quiet_since = status.quiet_since(now)
    if quiet_since:
        usual = status.usual_gap
        parts.append(f"quiet: nothing new since {clock.local_time(quiet_since, zone)} (usually every "
                     f"{_duration(usual)})")
    last_ok = clock.local_time(status.last_success, zone) if status.last_success else "never"
    parts.append(f"last success {last_ok}")
    if status.backoff:
        parts.append(backing_off_note(*status.backoff, zone))
    if status.newest_error:
        parts.append(status.newest_error)
    return "; ".join(parts) + ("" if status.source.enabled else " [disabled]")


def _duration(span: timedelta) -> str:
    """`45 min`, `6 h`, `3 days`: a gap as people say it."""
    minutes = span.total_seconds() / 60
    if minutes < 90:
        return f"{max(1, round(minutes))} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{round(minutes / 1440)} days"


def health_lines(report: SourcesReport) -> list[str]:
    return [health_line(status, report.zone, report.now) for status in report.statuses]


def preview_lines(previews: list[dict[str, Any]], zone: str = DEFAULT_ZONE) -> list[str]:
    lines = []
    for item in previews:
        date = clock.local_time(item.get("published_at"), zone)
        lines.append(f"  [{item['state']}] {date}  {item.get('outlet') or '-'} | {item.get('title') or '(no title)'}")
        lines.append(f"      {item['url']}  ({item['chars']} characters)")
    return lines


def trial_lines(result: SourceResult, zone: str = DEFAULT_ZONE, *, as_json: bool = False) -> list[str]:
    """`sources test`: what the source would queue, then its summary."""
    previews = result.tally.previews
    if as_json:
        return [json.dumps(item, ensure_ascii=False) for item in previews]
    return ([f"{result.source.name}: {len(previews)} articles (nothing was written)"]
            + preview_lines(previews, zone) + [""] + summary_lines([result]))


# Past this many sources the summary lists only those with something to say (a cron mail of 10,000 lines
# helps nobody); `newsdesk sources health` lists every source.
SUMMARY_SOURCES_IN_FULL = 100
QUIET_STATUSES = ("ok", "empty")


def summary_lines(results: list[SourceResult]) -> list[str]:
    """One line per source, then its errors (!) and notes (-) indented beneath it; past
    SUMMARY_SOURCES_IN_FULL sources, only those that failed or have errors or notes. A total line ends a
    crawl of several sources."""
    if not results:
        return ["no sources to crawl; add one with `newsdesk sources add`"]
    fold = len(results) > SUMMARY_SOURCES_IN_FULL
    shown = [r for r in results if not (fold and _quiet(r))]
    width = max(len("source"), *(len(r.source.name) for r in shown)) if shown else len("source")
    lines = [f"{'source':<{width}}  {'kind':<8} {'status':<11} {'pages':>5} {'new':>5} {'dup':>5} {'errors':>6}"]
    for result in shown:
        t = result.tally
        if result.not_run:
            lines.append(f"{result.source.name:<{width}}  {result.source.kind:<8} {result.not_run}")
            continue
        lines.append(f"{result.source.name:<{width}}  {result.source.kind:<8} {result.status:<11} "
                     f"{t.pages:>5} {t.new:>5} {t.duplicates:>5} {len(t.errors):>6}")
        for url, message in t.errors[:10]:
            lines.append(f"    ! {url + ': ' if url else ''}{message}")
        if len(t.errors) > 10:
            lines.append(f"    ! ... and {len(t.errors) - 10} more (see `newsdesk sources health`)")
        for url, message in t.notes[:5]:
            lines.append(f"    - {url + ': ' if url else ''}{message}")
    if len(results) > 1:
        lines.append(total_line(results))
    if len(shown) < len(results):
        lines.append(f"({len(results) - len(shown):,} sources that ran without errors or notes are not listed; "
                     "`newsdesk sources health` shows every source)")
    return lines


def _quiet(result: SourceResult) -> bool:
    return (not result.not_run and result.status in QUIET_STATUSES and not result.tally.errors
            and not result.tally.notes)


def total_line(results: list[SourceResult]) -> str:
    """'total: 44 sources (40 ok, 2 empty, 2 failed), 393 new, 0 duplicates, 2 errors'."""
    statuses: dict[str, int] = {}
    for result in results:
        statuses[result.status] = statuses.get(result.status, 0) + 1
    counts = ", ".join(f"{n:,} {status}" for status, n in sorted(statuses.items(), key=lambda kv: -kv[1]))
    return (f"total: {len(results):,} sources ({counts}), {sum(r.tally.new for r in results):,} new, "
            f"{sum(r.tally.duplicates for r in results):,} duplicates, "
            f"{sum(len(r.tally.errors) for r in results):,} errors")


def article_lines(article: Article, *, as_json: bool = False) -> list[str]:
    """`extract`: the fields found, a blank line, then the text."""
    if as_json:
        return [json.dumps(dataclasses.asdict(article), ensure_ascii=False)]
    fields = (("title", article.title), ("published_at", article.published_at), ("author", article.author),
              ("outlet", article.outlet), ("canonical_url", article.canonical_url))
    text = f"(no text: {article.note})" if article.note and not article.text else article.text
    return [f"{label}: {value or '-'}" for label, value in fields] + ["", text]


def training_lines(training: Training) -> list[str]:
    """`classify train`: the new model version, what it learned from, and how much it counts."""
    manifest = training.model.manifest
    reads = f"words and the encoder {manifest['encoder'].split(':')[0]}" if manifest["encoder"] else "words alone"
    return [f"trained {training.model.version} ({training.path}): {training.section_labels} stories with a "
            f"section, {training.relevance_labels} kept or rejected",
            f"model share in the blend with the rules: sections {manifest['section_share']:.2f}, "
            f"relevance {manifest['relevance_share']:.2f}; it reads {reads}; the next crawl uses it"]


def user_lines(users: list[dict[str, Any]], zone: str = DEFAULT_ZONE) -> list[str]:
    """`users list`: `alice  enabled  last signed in 2026-11-03 09:30 CST`."""
    if not users:
        return ["no editors yet; add one with `newsdesk users add NAME`"]
    width = max(len(user["name"]) for user in users)
    return [f"{user['name']:<{width}}  {'enabled ' if user['enabled'] else 'disabled'}  "
            + (f"last signed in {clock.local_time(user['last_login_at'], zone)}" if user["last_login_at"]
               else "never signed in")
            for user in users]


# -- issues of the newsletter ------------------------------------------------------------------------------------


def issue_heading(issue: Issue, zone: str = DEFAULT_ZONE) -> str:
    """`issue 39  长三角数字经济 (2026年第11期·总第39期) 2026年11月  draft, 12 stories`."""
    if issue.status == "published":
        state = f"published {clock.local_time(issue.published_at, zone)} by {issue.published_by}"
    else:
        state = f"draft, version {issue.version}"
    count = len(issue.stories)
    return (f"issue {issue.total}  {issue.masthead} {issue.issue_line} {issue.month_line}  "
            f"{state}, {count} stor{'y' if count == 1 else 'ies'}")


def issue_story_line(place: int, story: IssueStory) -> str:
    """`  2. story 12  江苏发布智能制造标准体系建设指南  (江海通讯社 2026年11月4日)  !! no date`."""
    line = f"  {place}. story {story.story_id}  {story.title or '(no title)'}"
    line += f"  ({story.source_line})" if story.source_line else ""
    line += "  [edited]" if story.edited else ""
    problems = story.faults + story.missing
    return line + (f"  !! {', '.join(problems)}" if problems else "")


def section_lines(sections: tuple[IssueSection, ...]) -> list[str]:
    lines = []
    for section in sections:
        lines.append(f"【{section.name}】")
        lines.extend(issue_story_line(place, story) for place, story in enumerate(section.stories, start=1))
    return lines


def issue_lines(issue: Issue, zone: str = DEFAULT_ZONE) -> list[str]:
    """The issue's heading, its sections with their stories in order, its closing block."""
    lines = [issue_heading(issue, zone), *section_lines(issue.sections)]
    return lines + [f"  {line}" for line in issue.closing_lines]


def issue_page_lines(page: IssuePage) -> list[str]:
    """`issue show`: the issue, then (a draft) the approved stories that could join it."""
    lines = issue_lines(page.issue, page.zone)
    if page.issue.status == "draft":
        waiting = sum(len(section.stories) for section in page.offered)
        lines += ["", f"approved, in no issue yet: {waiting} (add one with `newsdesk issue add {page.issue.total} "
                      "STORY`)" if waiting else "approved, in no issue yet: none"]
        lines += section_lines(page.offered)
    return lines


def issue_list_lines(rows: list[dict[str, Any]], zone: str = DEFAULT_ZONE) -> list[str]:
    """`issue list`: `39  2026年第11期  2026年11月  published 2026-11-20 10:00 CST by alice  12 stories`."""
    if not rows:
        return ["no issues yet; start one with `newsdesk issue new`"]
    lines = []
    for row in rows:
        name = f"{row['year']}年第{row['number']}期"
        if row["status"] == "published":
            state = f"published {clock.local_time(row['published_at'], zone)} by {row['published_by']}"
        else:
            state = f"draft since {clock.local_time(row['created_at'], zone)} by {row['created_by']}"
        lines.append(f"{row['total']:>4}  {name:<12} {row['year']}年{row['month']}月  {state}  "
                     f"{row['stories']} stor{'y' if row['stories'] == 1 else 'ies'}")
    return lines


def exported_line(exported: Exported, target: Path) -> str:
    """`wrote 长三角数字经济-2026年第11期.pdf (412,345 bytes, 12 stories); issue 39 is published now: ...`."""
    issue = exported.issue
    line = f"wrote {target} ({len(exported.data):,} bytes, {len(issue.stories)} stories)"
    if exported.published_now:
        return line + (f"; issue {issue.total} is published now: its stories are not offered again, and it "
                       "exports the same later")
    return line + ("; a preview: nothing was recorded" if issue.status == "draft" else "")


def schedule_lines(status: ScheduleStatus) -> list[str]:
    """`schedule status`: the daemon's state, then each source's next due time, soonest first."""
    daemon, zone = status.scheduler, status.zone
    if daemon is None:
        lines = ["scheduler: never run for this home; start it with `newsdesk schedule`, or run "
                 "`newsdesk crawl --due` from cron"]
    elif daemon["running"]:
        lines = [f"scheduler: running (pid {daemon['pid']}) since {clock.local_time(daemon['started_at'], zone)}; "
                 f"last heartbeat {clock.local_time(daemon['beat_at'], zone)}; {daemon['note']}"]
    else:
        ended = daemon["stopped_at"] or daemon["beat_at"]
        how = "stopped" if daemon["stopped_at"] else "gone without stopping (killed?); last heartbeat"
        lines = [f"scheduler: not running ({how} {clock.local_time(ended, zone)}); start it with `newsdesk schedule`"]
    if not status.sources:
        return lines + ["no enabled sources; add one with `newsdesk sources add`"]
    width = max(len(row.name) for row in status.sources)
    for row in status.sources:
        when = "due now" if row.due_at <= status.now else f"next {clock.local_time(row.due_at, zone)}"
        line = f"  {row.name:<{width}}  {when:<26} {row.schedule}"
        if row.crawling:
            line += f"; crawling now (pid {row.crawling})"
        if row.backoff:
            line += f"; backing off until {clock.local_time(row.backoff[0], zone)}: {row.backoff[1]}"
        lines.append(line)
    return lines
