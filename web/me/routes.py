"""Views: my schedule, my calendar file, and the private calendar feed (by secret token)."""

from __future__ import annotations

import secrets

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from scheduler.calendar import span_in_words
from scheduler.schedule import as_file, stints

from .. import clock
from ..access import program_page
from ..accounts import feed_owner_may_read, resident_of
from ..call.services import outdated, pool_names, published_calls, shift_title
from ..call.week_swaps import offered_weeks, offers
from ..downloads import attachment, safe_stem
from ..extensions import csrf, db, limiter
from ..links import public_link
from ..models import CallSwap, Resident
from ..models.schedules import OPEN_SWAP_STATES
from ..schedules.grid import build
from ..schedules.services import ScheduleError, latest_published, program_year, year_of
from . import bp
from .calendar_feed import resident_calendar


def _year_of(resident: Resident):
    """(program year, the resident's assignment, published version) from the latest
    published schedule; assignment None when nothing is published yet."""
    program = resident.program
    published = latest_published(program)
    if published is None:
        return program_year(program), None, None
    assignment = as_file(published.data).residents.get(resident.key)
    return year_of(program, published), assignment, published.version


@bp.get("/programs/<int:program_id>/my/schedule")
@program_page("resident")
def my_schedule(program):
    resident = resident_of(current_user, program)
    if resident is None:
        return render_template("me/schedule.html", program=program, resident=None)
    try:
        year, assignment, version = _year_of(resident)
    except ScheduleError as exc:
        flash(f"The schedule cannot be shown: {exc}.", "error")
        return render_template("me/schedule.html", program=program, resident=None)
    blocks = []
    if assignment is not None:
        calendar = year.calendar
        # One entry per block (two for a split block); each week is listed once, under the
        # entry that holds its Monday.
        away = set(assignment.vacation_weeks)
        for stint in stints(calendar, assignment):
            code = stint.code
            rotation = year.rotation_by_code.get(code)
            here = [w.index for w in calendar.weeks if stint.start <= w.start <= stint.end]
            services = []
            for service, weeks in sorted(assignment.services.items()):
                entry = year.service_by_code.get(service)
                label = entry.name if entry is not None and entry.name else service
                services += [{"label": label, "code": service, "week": w,
                              "start": calendar.week_start(w), "end": calendar.week_end(w),
                              "offers": [(last, span_in_words(calendar.week_start(w),
                                                              calendar.week_end(last)))
                                         for last in offers(year, resident.key, assignment,
                                                            service, w)]}
                             for w in here if w in weeks]
            blocks.append({"stint": stint, "code": code, "rotation": rotation,
                           "vacation": [(w, calendar.week_start(w), calendar.week_end(w))
                                        for w in here if w in away],
                           "services": services})
    feed = public_link("me.feed", token=resident.calendar_token) \
        if resident.calendar_token else None
    call_version, calls = published_calls(program, resident.key)
    newer = outdated(program, call_version) if call_version is not None else None
    upcoming = [c for c in calls if c.end.date() >= clock.today()]
    offered = {(s.pool, s.start) for s in db.session.scalars(select(CallSwap).where(
        CallSwap.giver_id == resident.id, CallSwap.kind == "call",
        CallSwap.state.in_(OPEN_SWAP_STATES)))}
    return render_template("me/schedule.html", program=program, resident=resident,
                           blocks=blocks, version=version, feed=feed, today=clock.today(),
                           now=clock.now(),
                           call_version=call_version, calls=upcoming, offered=offered,
                           pool_names=pool_names(call_version), shift_title=shift_title,
                           newer_blocks=newer,
                           weeks_offered=offered_weeks(resident))


@bp.get("/programs/<int:program_id>/my/program-schedule")
@program_page("resident")
def program_schedule(program):
    """The published version, read-only: who is on which rotation when, the resident's own
    row first and marked. Only rotations and weeks away: no one else's requests."""
    resident = resident_of(current_user, program)
    published = latest_published(program)
    if resident is None or published is None:
        return render_template("me/program_grid.html", program=program, grid=None,
                               resident=resident)
    try:
        view = build(year_of(program, published), published.data)
    except ScheduleError as exc:
        flash(f"The schedule cannot be shown: {exc}.", "error")
        return render_template("me/program_grid.html", program=program, grid=None,
                               resident=resident)
    rows = sorted(view.rows, key=lambda row: row.key != resident.key)
    return render_template("me/program_grid.html", program=program, grid=view, rows=rows,
                           resident=resident, version=published.version)


@bp.get("/programs/<int:program_id>/my/schedule.ics")
@program_page("resident")
def my_calendar(program):
    resident = resident_of(current_user, program)
    if resident is None:
        abort(404)
    return _ics(resident, download=True)


@bp.post("/programs/<int:program_id>/my/calendar-feed")
@program_page("resident")
def new_feed(program):
    """Create the private feed address, or replace it (the old one stops working)."""
    resident = resident_of(current_user, program)
    if resident is None:
        abort(404)
    renewed = resident.calendar_token is not None
    resident.calendar_token = secrets.token_urlsafe(32)
    flash("A new calendar address was made; the old one no longer works." if renewed else
          "Your private calendar address is ready: add it to your calendar app.", "info")
    return redirect(url_for("me.my_schedule", program_id=program.id))


@bp.get("/calendar/<token>.ics")
@csrf.exempt
@limiter.limit("60 per minute")
def feed(token: str):
    """The private feed: no sign-in (calendar apps cannot), the secret address is the key."""
    resident = db.session.scalar(select(Resident).where(Resident.calendar_token == token)) \
        if len(token) >= 32 else None
    if resident is None or not feed_owner_may_read(resident):
        abort(404)
    return _ics(resident, download=False)


def _ics(resident: Resident, download: bool) -> Response:
    try:
        year, assignment, version = _year_of(resident)
    except ScheduleError:
        abort(503)
    _, calls = published_calls(resident.program, resident.key)
    body = resident_calendar(resident.program_id, year, resident.key, assignment, version,
                             [(c.start, c.end, c.pool, c.at_home) for c in calls],
                             clock.zone(resident.program) if clock.zone_is_set(
                                 resident.program) else None)
    headers = {"Cache-Control": "private, max-age=300"}
    if download:
        headers["Content-Disposition"] = attachment(f"{safe_stem(resident.key)}-schedule.ics")
    return Response(body, mimetype="text/calendar", headers=headers)
