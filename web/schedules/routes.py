"""Views: generate (start, watch, cancel a solve); the schedule grid, cell edits,
publishing, drafts from versions, and diffs."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from scheduler.schedule import as_file
from scheduler.words import plural

from .. import clock
from ..access import MANAGERS, STAFF, can, program_page
from ..downloads import attachment, safe_stem
from ..entries import plainly
from ..extensions import db
from ..links import edit_link
from ..models import Schedule, SolveJob
from ..views import owned, whole
from ..words import status_in_words
from . import bp, exports, services, solving
from .forms import CellForm, GenerateForm
from .grid import build

# The session's record of the chief's latest cell changes (newest last), to put them back
# one at a time; at most UNDO_STEPS, so that the session cookie stays small.
UNDO_KEY = "undo_cells"
UNDO_STEPS = 10


def _undo_steps(row: Schedule) -> list[dict]:
    """The changes that may be put back on this draft as it stands: the session's record,
    while the draft is as the latest of them left it (no one changed it another way)."""
    steps = session.get(UNDO_KEY) or []
    if not isinstance(steps, list) or not steps \
            or (steps[-1].get("schedule"), steps[-1].get("revision")) != (row.id, row.revision):
        return []
    return steps


@bp.route("/generate", methods=["GET", "POST"])
@program_page(*MANAGERS)
def generate(program):
    settings = current_app.config["SOLVER_SETTINGS"]
    form = GenerateForm(time_limit=int(min(max(settings.solver.time_limit, 5), 600)))
    published = services.latest_published(program)
    active = solving.active_job(program)
    if form.validate_on_submit():
        freeze = form.freeze_through.data or 0
        try:
            if freeze and published is None:
                raise solving.SolveError("re-solving mid-year needs a published schedule")
            job = solving.start(program, current_user, float(form.time_limit.data),
                                previous=published if freeze else None,
                                freeze_through=freeze)
        except solving.SolveError as exc:
            flash(f"Cannot start: {exc}.", "error")
        else:
            return redirect(url_for("schedules.job", program_id=program.id, job_id=job.id))
    recent = db.session.scalars(select(SolveJob).where(SolveJob.program_id == program.id)
                                .order_by(SolveJob.id.desc()).limit(10)).all()
    return render_template("schedules/generate.html", program=program, form=form,
                           active=active, recent=recent, published=published)


@bp.get("/jobs/<int:job_id>")
@program_page(*MANAGERS)
def job(program, job_id: int):
    row = owned(SolveJob, program, job_id)
    return render_template("schedules/job.html", program=program, job=row)


@bp.get("/jobs/<int:job_id>/status")
@program_page(*MANAGERS)
def job_status(program, job_id: int):
    """The job as JSON, for the live page: state, progress points, and the answer."""
    row = owned(SolveJob, program, job_id)
    solving.reap(row)
    waiting = row.state == "queued" and row.dispatched_at is None
    if waiting:
        # The queue moves even when the process that should start the next solve is gone.
        solving.move_queue()
    return jsonify(
        id=row.id, state=row.state, kind=row.kind, solver_status=row.solver_status,
        solver_status_words=status_in_words(row.solver_status),
        waiting=row.state == "queued" and row.dispatched_at is None,
        queue_position=solving.queue_position(row),
        progress=row.progress, time_limit=row.time_limit,
        objective=row.objective, best_bound=row.best_bound, message=row.message,
        explanation=plainly(row.explanation or "", program),
        conflicts=[{**c, "message": plainly(c.get("message", ""), program),
                    "link": edit_link(program, c["source"])} for c in row.conflicts],
        schedule_url=_answer_url(program, row))


def _answer_url(program, job: SolveJob) -> str | None:
    """Where a finished job's answer is: the block draft, or the call draft."""
    if job.schedule_id:
        return url_for("schedules.grid", program_id=program.id, schedule_id=job.schedule_id)
    if job.call_schedule_id:
        return url_for("call.view", program_id=program.id, call_id=job.call_schedule_id)
    return None


@bp.post("/jobs/<int:job_id>/cancel")
@program_page(*MANAGERS)
def cancel(program, job_id: int):
    row = owned(SolveJob, program, job_id)
    solving.cancel(row)
    flash("Cancelling: the search stops within a second. The best schedule it has found, "
          "if any, is kept as a draft.", "info")
    return redirect(url_for("schedules.job", program_id=program.id, job_id=row.id))


@bp.get("/schedules")
@program_page(*STAFF)
def schedules(program):
    """Published versions (everyone on staff) and drafts and recent solves (those who can
    publish)."""
    solves = db.session.scalars(select(SolveJob).where(SolveJob.program_id == program.id)
                                .order_by(SolveJob.id.desc()).limit(10)).all() \
        if can(*MANAGERS) else []
    return render_template("schedules/list.html", program=program, rows=_listed(program),
                           solves=solves)


def _listed(program) -> list[Schedule]:
    """The schedules the person may see: versions newest first, then drafts (managers)."""
    query = select(Schedule).where(Schedule.program_id == program.id)
    if not can(*MANAGERS):
        query = query.where(Schedule.state == "published")
    return list(db.session.scalars(query.order_by(Schedule.version.desc().nulls_last(),
                                                  Schedule.id.desc())))


def _visible(program, schedule_id: int) -> Schedule:
    row = owned(Schedule, program, schedule_id)
    if row.state == "draft" and not can(*MANAGERS):
        abort(403)
    return row


@bp.get("/schedules/<int:schedule_id>")
@program_page(*STAFF)
def grid(program, schedule_id: int):
    row = _visible(program, schedule_id)
    try:
        year = services.year_of(program, row)
    except services.ScheduleError as exc:
        flash(f"The grid cannot be shown: {exc}.", "error")
        return redirect(url_for("programs.overview", program_id=program.id))
    level, track = request.args.get("level", ""), request.args.get("track", "")
    published = services.latest_published(program)
    compare = published if published is not None and published.id != row.id else None
    view = build(year, row.data, level, track, compare.data if compare else None,
                 services.resolved_from(program, row.data))
    steps = _undo_steps(row)
    publishing = services.what_publishing_changes(year, row, compare, clock.today()) \
        if row.state == "draft" else None
    return render_template("schedules/grid.html", program=program, schedule=row, grid=view,
                           level=level, track=track, compare=compare,
                           undo=steps[-1] if steps else None, undo_count=len(steps),
                           publishing=publishing,
                           editable=row.state == "draft" and can(*MANAGERS),
                           rotations=year.rotations,
                           split_rotations=[r for r in year.rotations
                                            if r.code in year.split_codes])


@bp.post("/schedules/<int:schedule_id>/cell")
@program_page(*MANAGERS)
def change_cell(program, schedule_id: int):
    row = owned(Schedule, program, schedule_id)
    form = CellForm()
    if not form.validate_on_submit():
        flash("Not changed: " + "; ".join(f"{getattr(form, name).label.text}: {errors[0]}"
                                          for name, errors in form.errors.items()) + ".",
              "error")
        return redirect(url_for("schedules.grid", program_id=program.id, schedule_id=row.id))
    back = url_for("schedules.grid", program_id=program.id, schedule_id=row.id,
                   level=form.level.data or "", track=form.track.data or "")
    resident, block, code = form.resident.data, form.block.data, form.rotation.data
    revision = form.revision.data
    second = form.second.data or code
    steps = _undo_steps(row)
    try:
        change = services.change_cell(program, row, resident, block, code, revision, second)
    except services.ScheduleError as exc:
        flash(f"Not changed: {exc}.", "error")
        return redirect(back)
    now = code if second == code else f"{code} / {second}"
    # The steps back are offered on the grid while the draft stays as this change left it;
    # an undo takes its step off the record instead of adding one.
    name = next((r.label for r in program.residents if r.key == resident), resident)
    if form.undo.data and steps:
        steps = steps[:-1]
        if steps:
            steps[-1] = {**steps[-1], "revision": row.revision}
    else:
        steps = [*steps, {"schedule": row.id, "revision": row.revision, "resident": resident,
                          "name": name, "block": block, "rotation": change.was[0],
                          "second": change.was[1], "now": now}][-UNDO_STEPS:]
    session[UNDO_KEY] = steps
    flash(f"{name}, block {block}: now {now}. Soft-rule penalty {change.penalty_before} "
          f"→ {change.penalty_after}; hard rules broken {change.hard_before} → "
          f"{change.hard_after}.", "info")
    for finding in change.broken:
        flash(f"Breaks: {plainly(finding.message, program)}", "error")
    for finding in change.fixed:
        flash(f"Fixed: {plainly(finding.message, program)}", "info")
    if not change.broken:
        still = f" ({plural(change.hard_after, 'hard rule')} of the draft still broken: "\
            "listed above the grid)" if change.hard_after else ""
        flash(f"No hard rule is broken by this change.{still}", "info")
    return redirect(back)


@bp.post("/schedules/<int:schedule_id>/publish")
@program_page(*MANAGERS)
def publish(program, schedule_id: int):
    row = owned(Schedule, program, schedule_id)
    try:
        services.publish(program, row, current_user)
    except services.ScheduleError as exc:
        flash(f"Not published: {exc}.", "error")
    else:
        flash(f"Published as version {row.version}. Residents now see it.", "info")
    return redirect(url_for("schedules.grid", program_id=program.id, schedule_id=row.id))


@bp.post("/schedules/<int:schedule_id>/draft")
@program_page(*MANAGERS)
def new_draft(program, schedule_id: int):
    row = owned(Schedule, program, schedule_id)
    draft = services.draft_from(program, row, current_user)
    flash(f"New draft from {row.label}: change cells, then publish it.", "info")
    return redirect(url_for("schedules.grid", program_id=program.id, schedule_id=draft.id))


@bp.get("/schedules/<int:schedule_id>/diff")
@program_page(*STAFF)
def diff(program, schedule_id: int):
    row = _visible(program, schedule_id)
    against_id = request.args.get("against", type=whole)
    other = _visible(program, against_id) if against_id else \
        services.replaced(program, row)
    if other is None:
        flash("There is no earlier published version to compare with.", "info")
        return redirect(url_for("schedules.grid", program_id=program.id, schedule_id=row.id))
    cells, weeks = services.diff(other.data, row.data)
    names = {r.key: r.label for r in program.residents + program.archived_residents}
    calendar = program.year_calendar
    mondays = {w: calendar.week_start(w) for w in range(1, calendar.num_weeks + 1)}
    return render_template("schedules/diff.html", program=program, schedule=row,
                           other=other, cells=cells, weeks=weeks, names=names,
                           mondays=mondays, moved={c.resident for c in weeks},
                           choices=[s for s in _listed(program) if s.id != row.id])


def _export_name(program, row, extension: str) -> str:
    return f"{safe_stem(program.name, 'program')}-{safe_stem(row.label)}.{extension}"


@bp.get("/schedules/<int:schedule_id>/schedule.csv")
@program_page(*STAFF)
def export_csv(program, schedule_id: int):
    row = _visible(program, schedule_id)
    text = exports.csv_text(services.year_of(program, row), as_file(row.data))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": attachment(_export_name(program, row, "csv"))})


@bp.get("/schedules/<int:schedule_id>/schedule.xlsx")
@program_page(*STAFF)
def export_xlsx(program, schedule_id: int):
    row = _visible(program, schedule_id)
    body = exports.xlsx_bytes(services.year_of(program, row), as_file(row.data),
                              f"{program.name}: {row.label}")
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet", headers={
        "Content-Disposition": attachment(_export_name(program, row, "xlsx"))})


@bp.get("/schedules/<int:schedule_id>/print")
@program_page(*STAFF)
def print_view(program, schedule_id: int):
    row = _visible(program, schedule_id)
    view = build(services.year_of(program, row), row.data,
                 previous=services.resolved_from(program, row.data))
    return render_template("schedules/print.html", program=program, schedule=row, grid=view)


@bp.post("/schedules/<int:schedule_id>/discard")
@program_page(*MANAGERS)
def discard(program, schedule_id: int):
    row = owned(Schedule, program, schedule_id)
    label = row.label
    try:
        services.discard(row)
    except services.ScheduleError as exc:
        flash(f"Not discarded: {exc}.", "error")
        return redirect(url_for("schedules.grid", program_id=program.id, schedule_id=row.id))
    flash(f"{label.capitalize()} discarded.", "info")
    return redirect(url_for("schedules.schedules", program_id=program.id))
