"""Views: a resident's own requests; the chief's list of every request and decisions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import MANAGERS, STAFF, can, program_page
from ..accounts import resident_of
from ..models import REQUEST_STATUS_WORDS, REQUEST_STATUSES
from ..models import Request as ResidentRequest
from ..views import owned, show_errors
from . import bp, services
from .forms import DecisionForm, RequestForm


def _budget() -> int:
    return int(current_app.config.get("REQUEST_WEIGHT_BUDGET", services.DEFAULT_BUDGET))


@bp.route("/my/requests", methods=["GET", "POST"])
@program_page("resident")
def my_requests(program):
    resident = resident_of(current_user, program)
    if resident is None or program.year_start is None:
        return render_template("requests/mine.html", program=program, resident=None), 200
    form = RequestForm().for_program(program, resident)
    if form.validate_on_submit():
        outcome = services.submit(program, resident, form.data, _budget())
        if outcome.ok:
            flash("Request sent to the chief residents.", "info")
            return redirect(url_for("requests.my_requests", program_id=program.id))
        show_errors(form, outcome)
    mine = [r for r in program.requests if r.resident_id == resident.id]
    version, granted = services.granted(program, resident)
    return render_template("requests/mine.html", program=program, resident=resident,
                           form=form, requests=mine, describe=services.describe,
                           used=services.weight_used(resident), budget=_budget(),
                           version=version, granted=granted)


@bp.post("/my/requests/<int:request_id>/withdraw")
@program_page("resident")
def withdraw(program, request_id: int):
    row = owned(ResidentRequest, program, request_id)
    resident = resident_of(current_user, program)
    if resident is None or row.resident_id != resident.id:
        abort(404)  # someone else's request: as if it did not exist
    try:
        services.withdraw(row)
    except ValueError as exc:
        flash(f"{exc}.", "error")
    else:
        flash("Request withdrawn.", "info")
    return redirect(url_for("requests.my_requests", program_id=program.id))


@bp.get("/requests")
@program_page(*STAFF)
def all_requests(program):
    status = request.args.get("status", "")
    rows = [r for r in program.requests if not status or r.status == status]
    if status and status not in REQUEST_STATUSES:
        abort(404)
    counts = {s: sum(r.status == s for r in program.requests) for s in REQUEST_STATUSES}
    return render_template("requests/all.html", program=program, rows=rows, status=status,
                           counts=counts, describe=services.describe,
                           form=DecisionForm(), editable=can(*MANAGERS))


@bp.post("/requests/<int:request_id>/decision")
@program_page(*MANAGERS)
def decide(program, request_id: int):
    row = owned(ResidentRequest, program, request_id)
    form = DecisionForm()
    seen = request.form.get("seen")
    if seen is not None and seen != row.stamp:
        flash("That request was withdrawn and another has taken its place since the page was "
              "loaded: nothing was decided. Read it below and decide again.", "error")
    elif not form.validate_on_submit():
        flash("Choose a decision.", "error")
    else:
        outcome = services.decide(program, row, form.decision.data, form.reason.data or "",
                                  current_user)
        if outcome.ok:
            flash(f"Request {REQUEST_STATUS_WORDS[form.decision.data]}.", "info")
        else:
            show_errors(None, outcome)
    return redirect(url_for("requests.all_requests", program_id=program.id,
                            status=request.args.get("status", "")))
