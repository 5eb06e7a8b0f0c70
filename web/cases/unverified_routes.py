"""Views: a resident edits or deletes their own case until it is verified (a returned case,
fixed, goes back to its attending); an attending verifies the cases ticked on their queue."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.calendar import day_in_words

from ..access import STAFF, program_page
from ..views import show_errors
from . import bp, services, unverified
from .forms import CaseEditForm
from .routes import _resident


@bp.route("/my/cases/<int:case_id>", methods=["GET", "POST"])
@program_page("resident")
def edit_case(program, case_id: int):
    """The resident's own case in the case form, with the attending's comment when it was
    returned; a verified case is shown as final, with no form."""
    resident = _resident(program) or abort(404)
    case = unverified.owned(program, resident, case_id, lock=request.method == "POST")
    form = CaseEditForm(data=unverified.form_data(case)).for_program(
        services.categories(program), services.attendings(program, resident))
    returned = case.comment if case.state == "returned" else ""
    if form.validate_on_submit():
        outcome = unverified.edit_case(case, resident, form.data, current_user)
        if outcome.ok:
            attending = (case.attending.name or case.attending.email) if case.attending else ""
            flash(f"Case saved and sent to {attending} to verify." if returned and attending
                  else "Case saved.", "info")
            if services.duplicates(case):
                flash("Another case that day carries the same reference: logged twice?",
                      "error")
            return redirect(url_for("cases.my_cases", program_id=program.id))
        show_errors(form, outcome)
    status = 409 if request.method == "POST" and not case.correctable else 200
    return render_template("cases/edit.html", program=program, case=case, form=form,
                           returned=returned), status


@bp.post("/my/cases/<int:case_id>/delete")
@program_page("resident")
def delete_case(program, case_id: int):
    """Delete the resident's own case (asked first, in the browser), unless verified."""
    resident = _resident(program) or abort(404)
    case = unverified.owned(program, resident, case_id, lock=True)
    day = day_in_words(case.day)
    outcome = unverified.delete_case(case, resident, current_user)
    if not outcome.ok:
        show_errors(None, outcome)
        return redirect(url_for("cases.edit_case", program_id=program.id, case_id=case_id))
    flash(f"The case of {day} is deleted.", "info")
    return redirect(url_for("cases.my_cases", program_id=program.id))


@bp.post("/verify/selected")
@program_page(*STAFF)
def verify_selected(program):
    """Verify every case ticked on the queue, or none of them."""
    ids = request.form.getlist("case")
    if not all(re.fullmatch(r"[0-9]{1,9}", i) for i in ids):
        abort(400)
    # the stamp of each case as the queue showed it (a page drawn before one changed)
    seen = {int(i): request.form[f"seen-{i}"] for i in ids if f"seen-{i}" in request.form}
    count, outcome = unverified.verify_many(program, current_user, [int(i) for i in ids],
                                            seen)
    if outcome.ok:
        flash(f"{count} case{'s' if count != 1 else ''} verified.", "info")
    else:
        show_errors(None, outcome)
    return redirect(url_for("cases.queue", program_id=program.id))
