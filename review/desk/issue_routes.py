"""The desk's issue pages: every issue with a form to start one, a draft to order, edit and export, a published one
to export again. Each route reads its form, calls one function of review/issues.py and renders or redirects."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from crawler.errors import NewsdeskError
from db import StoreError
from review import issues
from review.desk import context
from review.desk.routes import actor, back, form_int, refused

issue_pages = Blueprint("issues", __name__)
issue_pages.register_error_handler(StoreError, refused)
issue_pages.register_error_handler(NewsdeskError, refused)

PUBLISH_UNCONFIRMED = ("tick “publish” to publish the issue (it is then recorded as printed and cannot change); "
                       "nothing was exported")


def optional_int(name: str) -> int | None:
    """A number field the editor may leave blank (blank: the default)."""
    return form_int(name) if request.form.get(name, "").strip() else None


def optional_text(name: str) -> str | None:
    """A text field of the form, None when the form has no such field (that field is left as it is)."""
    return request.form.get(name)


@issue_pages.get("/issues")
def issue_list():
    store, newsletter = context.store(), context.desk().newsletter()
    return render_template("issues.html", issues=issues.list_issues(store), zone=newsletter.timezone,
                           defaults=issues.new_issue_defaults(store, newsletter))


@issue_pages.post("/issues/new")
def new():
    started = issues.new_issue(context.store(), context.desk().newsletter(), actor=actor(),
                               **{name: optional_int(name) for name in ("year", "number", "total", "month")})
    flash(f"started issue {started.total} {started.issue_line} with {len(started.stories)} stories")
    return redirect(url_for("issues.issue", ref=started.total), 303)


@issue_pages.get("/issues/<ref>")
def issue(ref: str):
    newsletter = context.desk().newsletter()
    return render_template("issue.html", page=issues.issue_page(context.store(), newsletter, ref),
                           sections=newsletter.section_names())


@issue_pages.post("/issues/<ref>/add")
def add(ref: str):
    story_id = form_int("story")
    changed = issues.add_story(context.store(), context.desk().newsletter(), ref, story_id, actor=actor(),
                               version=form_int("version"))
    flash(f"added story {story_id} to issue {changed.total}")
    return back()


@issue_pages.post("/issues/<ref>/remove")
def remove(ref: str):
    story_id = form_int("story")
    changed = issues.remove_story(context.store(), context.desk().newsletter(), ref, story_id, actor=actor(),
                                  version=form_int("version"))
    flash(f"removed story {story_id} from issue {changed.total}; it is offered for an issue again")
    return back()


@issue_pages.post("/issues/<ref>/move")
def move(ref: str):
    """Up, down (their buttons send the position above or below), a position and/or a section, or a drag."""
    story_id = form_int("story")
    changed = issues.move_story(context.store(), context.desk().newsletter(), ref, story_id, actor=actor(),
                                position=optional_int("position"), section=request.form.get("section") or None,
                                version=form_int("version"), story_version=optional_int("story_version"))
    flash(f"moved story {story_id} in issue {changed.total}")
    return back()


@issue_pages.post("/issues/<ref>/edit")
def edit(ref: str):
    """The title and summary (one form), or the outlet and date printed (another): a field not sent is kept."""
    story_id = form_int("story")
    issues.edit_story(context.store(), context.desk().newsletter(), ref, story_id, actor=actor(),
                      title=optional_text("title"), summary=optional_text("summary"),
                      outlet=optional_text("outlet"), ran_on=optional_text("ran_on"),
                      version=form_int("version"), story_version=optional_int("story_version"))
    flash(f"saved story {story_id} in issue {ref}")
    return back()


@issue_pages.post("/issues/<ref>/export")
def export(ref: str):
    """The file as a download. mode=publish (with confirm) publishes a draft; anything else records nothing."""
    publish = request.form.get("mode") == "publish"
    if publish and request.form.get("confirm") != "yes":
        flash(PUBLISH_UNCONFIRMED, "error")
        return back()
    exported = issues.export_issue(context.store(), context.desk().newsletter(), ref, request.form.get("format", ""),
                                   actor=actor(), allow_missing=request.form.get("allow_missing") == "yes",
                                   preview=not publish, version=optional_int("version"))
    if exported.published_now:
        flash(f"published issue {exported.issue.total} {exported.issue.issue_line}: its stories are not offered "
              "again, and it exports the same later")
    return download(exported)


def download(exported: issues.Exported) -> Response:
    """The file as an attachment under its Chinese name (RFC 5987 `filename*`), with an ASCII name for old clients."""
    extension = exported.filename.rsplit(".", 1)[-1]
    disposition = (f'attachment; filename="issue-{exported.issue.total}.{extension}"; '
                   f"filename*=UTF-8''{quote(exported.filename, safe='')}")
    return Response(exported.data, headers={"Content-Type": exported.content_type,
                                            "Content-Disposition": disposition, "Cache-Control": "no-store"})
