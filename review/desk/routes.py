"""The desk's pages and forms: each route reads its request, calls one function of review/ and renders or
redirects. Every form posts with a CSRF token and is answered by a 303 back to where the editor was, with a
flashed message; a domain error is mapped once, below."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug import exceptions as http

from crawler.errors import NewsdeskError
from db import NotFound, StoreError
from review import accounts, actions, source_operations
from review import queue as review_queue
from review import stories as review_stories
from review.desk import context, flashes
from review.desk.queue_args import read_query
from review.desk.security import local_path

desk_pages = Blueprint("desk", __name__)

DECISIONS = actions.DESK_ACTIONS      # approve, reject, move, restore: one route, one bulk form


def back():
    """303 to where the form was (its `next` field, a path on the desk), else the queue."""
    return redirect(local_path(request.form.get("next"), url_for("desk.queue")), 303)


def actor() -> str:
    return context.editor().name


def form_int(name: str) -> int:
    value = request.form.get(name, "").strip()
    if not value.lstrip("-").isdigit():
        abort(400, f"the form's {name} is missing or not a number ('{value}'); reload the page and try again")
    return int(value)


@desk_pages.errorhandler(StoreError)
@desk_pages.errorhandler(NewsdeskError)
def refused(error: Exception):
    """A domain error: 404 for what does not exist; on a form, flashed beside the page it came from (a conflict
    says what changed, by whom and what it is now); on a page, a 400 with the one line."""
    if isinstance(error, NotFound):
        return error_page(http.NotFound(str(error)))
    if request.method == "POST":
        flash(str(error), "error")
        return back()
    return error_page(http.BadRequest(str(error)))


def error_page(error: http.HTTPException):
    """Every error the desk answers with: its status and its one line, in the desk's page."""
    return render_template("error.html", error=error), error.code


# -- signing in and out ---------------------------------------------------------------------------------


@desk_pages.route("/login", methods=["GET", "POST"])
def login():
    target = local_path(request.values.get("next"))
    if request.method == "GET":
        return redirect(target, 303) if context.editor() else render_template("login.html", next=target)
    name = request.form.get("username", "").strip()
    try:
        signed = accounts.sign_in(context.store(), name, request.form.get("password", ""),
                                  request.remote_addr or "unknown")
    except accounts.SignInRefused as error:
        status = 429 if isinstance(error, accounts.TooManyFailures) else 401
        return render_template("login.html", next=target, username=name, refusal=str(error)), status
    context.sign_in_session(signed)
    flash(f"signed in as {signed.name}")
    return redirect(target, 303)


@desk_pages.post("/logout")
def logout():
    session.clear()
    flash("signed out")
    return redirect(url_for("desk.login"), 303)


# -- the queue and the story page -----------------------------------------------------------------------


@desk_pages.get("/")
def queue():
    newsletter = context.desk().newsletter()
    query = read_query(request.args, newsletter.section_names())
    page = review_queue.page(context.store(), newsletter, query.filter, cursor=query.cursor)
    return render_template("queue.html", page=page, query=query, counts=review_queue.counts(context.store()),
                           sections=newsletter.section_names(), sources=context.desk().source_names())


@desk_pages.get("/stories/<int:story_id>")
def story(story_id: int):
    desk, newsletter = context.desk(), context.desk().newsletter()
    view = review_stories.story(context.store(), newsletter, desk.home.path, story_id, classifier=desk.classifier())
    return render_template("story.html", view=view, sections=newsletter.section_names(),
                           low_mark=float(newsletter.classifier["low_confidence"]))


# -- decisions ------------------------------------------------------------------------------------------


@desk_pages.post(f"/stories/<int:story_id>/<any({', '.join(DECISIONS)}):action>")
def decide(story_id: int, action: str):
    row = actions.decide_story(context.store(), context.desk().newsletter(), story_id, action,
                               section=request.form.get("section") or None, actor=actor(),
                               version=form_int("version"))
    flashes.decided(action, row)
    return back()


@desk_pages.post("/stories/bulk")
def bulk():
    """One decision on the stories checked in the queue (each `story` value is ID:VERSION, as the editor saw it);
    each is its own transaction: the ones that changed meanwhile are refused and named, the others done."""
    action = request.form.get("action", "")
    if action not in DECISIONS:
        abort(400, f"the action '{action}' is not one of {', '.join(DECISIONS)}")
    chosen = [value.partition(":") for value in request.form.getlist("story")]
    if not chosen:
        flash("no story was selected; tick the stories first (x on the keyboard)", "error")
        return back()
    done = []
    for story_id, _, version in chosen:
        if not (story_id.isdigit() and version.isdigit()):
            abort(400, f"the selection '{story_id}:{version}' is not STORY:VERSION; reload the page")
        try:
            done.append(actions.decide_story(context.store(), context.desk().newsletter(), int(story_id), action,
                                             section=request.form.get("section") or None, actor=actor(),
                                             version=int(version)))
        except StoreError as error:
            flash(str(error), "error")
    flashes.bulk(action, done)
    return back()


@desk_pages.post("/stories/<int:story_id>/undo")
def undo(story_id: int):
    flashes.undone(actions.undo(context.store(), story_id, actor=actor(), version=form_int("version")))
    return back()


@desk_pages.post("/stories/<int:story_id>/edit")
def edit(story_id: int):
    title, summary = (request.form.get(name, "").strip() or None for name in ("title", "summary"))
    actions.edit_story(context.store(), story_id, title=title, summary=summary, actor=actor(),
                       version=form_int("version"))
    flash(f"saved the title and summary of story {story_id}")
    return back()


@desk_pages.post("/stories/<int:story_id>/note")
def note(story_id: int):
    actions.add_note(context.store(), story_id, request.form.get("text", ""), actor=actor())
    flash(f"added a note to story {story_id}")
    return back()


@desk_pages.post("/stories/<int:story_id>/split")
def split(story_id: int):
    done = actions.split_copy(context.store(), form_int("copy"), actor=actor())
    flash(f"copy #{done['candidate_id']} is now story {done['story']} of its own; "
          f"{done['copies_left']} cop{'y' if done['copies_left'] == 1 else 'ies'} left in story {story_id}")
    return back()


@desk_pages.post("/stories/<int:story_id>/merge")
def merge(story_id: int):
    done = actions.merge_stories(context.store(), story_id, form_int("other"), actor=actor())
    flash(f"merged story {request.form['other']} into story {done['story']}: {done['copies']} copies now")
    return back()


# -- sources, for operators -----------------------------------------------------------------------------


@desk_pages.get("/sources")
def sources():
    return render_template("sources.html", report=source_operations.source_statuses(context.desk().home))


@desk_pages.post("/sources/<name>/<any(enable, disable):switch>")
def switch_source(name: str, switch: str):
    source_operations.switch(context.desk().home, name, enabled=switch == "enable")
    flash(f"{switch}d {name}")
    return back()


@desk_pages.post("/sources/<name>/test")
def try_source(name: str):
    """The dry run's findings, shown at once (nothing was written, so there is nothing to go back to)."""
    trial = source_operations.dry_run(context.desk().home, name)
    return render_template("source_test.html", trial=trial, zone=context.desk().newsletter().timezone)


@desk_pages.post("/sources/<name>/crawl")
def crawl_source(name: str):
    flash(source_operations.crawl_now(context.desk().home, name))
    return back()
