"""Views: generate (start, watch, cancel a solve)."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from .. import solving
from ..access import MANAGERS, program_page
from ..extensions import db
from ..links import edit_link
from ..models import Schedule, SolveJob
from ..views import owned
from . import bp
from .forms import GenerateForm


def latest_published(program) -> Schedule | None:
    return db.session.scalar(select(Schedule).where(
        Schedule.program_id == program.id, Schedule.state == "published"
    ).order_by(Schedule.version.desc()).limit(1))


@bp.route("/generate", methods=["GET", "POST"])
@program_page(*MANAGERS)
def generate(program):
    settings = current_app.config["SOLVER_SETTINGS"]
    form = GenerateForm(time_limit=int(min(max(settings.solver.time_limit, 5), 600)))
    published = latest_published(program)
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
            db.session.rollback()
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
    return jsonify(
        id=row.id, state=row.state, solver_status=row.solver_status,
        progress=row.progress, time_limit=row.time_limit,
        objective=row.objective, best_bound=row.best_bound, message=row.message,
        explanation=row.explanation,
        conflicts=[{**c, "link": edit_link(program, c["source"])} for c in row.conflicts],
        schedule_url=url_for("schedules.grid", program_id=program.id,
                             schedule_id=row.schedule_id) if row.schedule_id else None)


@bp.post("/jobs/<int:job_id>/cancel")
@program_page(*MANAGERS)
def cancel(program, job_id: int):
    row = owned(SolveJob, program, job_id)
    solving.cancel(row)
    db.session.commit()
    flash("Cancelling: the best schedule found so far is kept as a draft.", "info")
    return redirect(url_for("schedules.job", program_id=program.id, job_id=row.id))


@bp.get("/schedules/<int:schedule_id>")
@program_page(*MANAGERS)
def grid(program, schedule_id: int):
    row = owned(Schedule, program, schedule_id)
    return render_template("schedules/grid.html", program=program, schedule=row)
