"""Views: my cases (log, repeat the last), the attending's queue, my progress."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scheduler.calendar import day_in_words

from .. import clock
from ..access import MANAGERS, STAFF, can, program_page
from ..accounts import resident_of
from ..downloads import attachment
from ..extensions import db
from ..models import Case, CaseProcedure, Resident
from ..views import owned, row_ids, show_errors, whole
from . import bp, dashboard, favourites, imports, services, unverified
from .forms import CaseForm, CaseImportForm, FavouriteForm, VerifyForm


def _resident(program):
    resident = resident_of(current_user, program)
    if resident is None:
        flash("Your account is not linked to a resident of this program yet.", "error")
    return resident


# What a list of cases shows of each: its resident and procedures, loaded in three queries
# for the whole list rather than three per case.
CASE_ROWS = (selectinload(Case.resident),
             selectinload(Case.procedures).selectinload(CaseProcedure.type))


@bp.route("/my/cases", methods=["GET", "POST"])
@program_page("resident")
def my_cases(program):
    resident = _resident(program)
    if resident is None:
        return render_template("cases/mine.html", program=program, resident=None)
    form = CaseForm().for_program(services.categories(program),
                                  services.attendings(program, resident))
    last = services.last_case(resident)
    if request.method == "GET" and request.args.get("favourite"):
        chosen = favourites.owned(resident, request.args.get("favourite", 0, type=whole))
        favourites.fill(form, chosen)   # another resident's favourite: 404
    elif request.method == "GET" and request.args.get("repeat") and last is not None:
        form.primary.data = next((p.type_id for p in last.procedures if p.primary), 0)
        form.others.data = [p.type_id for p in last.procedures if not p.primary]
        form.role.data, form.attending.data = last.role, last.attending_id or 0
        form.site.data, form.day.data = last.site, clock.today()
    if form.validate_on_submit():
        case, outcome = services.log_case(program, resident, form.data)
        if outcome.ok:
            twins = services.duplicates(case)
            flash(f"Case logged{f' on {case.rotation}' if case.rotation else ''}.", "info")
            if twins:
                flash("Another case that day carries the same reference: logged twice?"
                      if twins == 1 else f"{twins} other cases that day carry the same "
                      "reference: logged twice?", "error")
            # the page then offers to delete the case just logged, asking first
            return redirect(url_for("cases.my_cases", program_id=program.id,
                                    twin=case.id if twins else None))
        show_errors(form, outcome)
    cases = db.session.scalars(select(Case).where(Case.resident_id == resident.id)
                               .options(*CASE_ROWS)
                               .order_by(Case.day.desc(), Case.id.desc()).limit(50)).all()
    returned = db.session.scalars(select(Case).where(
        Case.resident_id == resident.id, Case.state == "returned")
        .options(*CASE_ROWS).order_by(Case.day, Case.id)).all()
    asked = request.args.get("twin", type=whole)
    twin = next((c for c in cases if c.id == asked and c.state == "pending"), None)
    return render_template("cases/mine.html", program=program, resident=resident, form=form,
                           cases=cases, returned=returned, last=last, twin=twin,
                           favourites=favourites.of(resident),
                           favourite_form=FavouriteForm(formdata=None))


@bp.get("/my/progress")
@program_page("resident")
def my_progress(program):
    resident = _resident(program)
    if resident is None:
        return render_template("cases/progress.html", program=program, measures=[])
    return render_template("cases/progress.html", program=program, resident=resident,
                           **services.resident_view(program, resident))


@bp.get("/verify")
@program_page(*STAFF)
def queue(program):
    """Cases waiting for the signed-in attending."""
    return _queue_page(program)


def _queue_page(program, kept: tuple[int, str] | None = None, status: int = 200):
    """The queue; `kept`: (case id, the return comment refused) to show again in its row."""
    cases = db.session.scalars(select(Case).where(
        Case.program_id == program.id, Case.attending_id == current_user.id,
        Case.state == "pending").options(*CASE_ROWS).order_by(Case.day, Case.id)).all()
    return render_template("cases/queue.html", program=program, cases=cases,
                           form=VerifyForm(), seen_stamp=unverified.seen_stamp,
                           kept=kept), status


@bp.post("/cases/<int:case_id>/verify")
@program_page(*STAFF)
def verify(program, case_id: int):
    form = VerifyForm()
    if not form.validate_on_submit():
        abort(400)
    # locked until the request ends (PostgreSQL): the resident's change in flight is
    # waited for and then seen by the stamp check below, never verified unseen
    case = db.session.scalar(select(Case).where(Case.id == case_id,
                                                Case.program_id == program.id).with_for_update())
    if case is None:   # ids are never given twice: deleted since the queue was drawn (one
        # of another program's reads the same: nothing is said of other programs)
        flash("That case is no longer there: its resident deleted it after your page was "
              "loaded.", "error")
        return redirect(url_for("cases.queue", program_id=program.id))
    verifying = request.form.get("action") == "verify"
    changed = unverified.changed_since(case, request.form.get("seen"))
    if changed is not None:
        flash(f"{changed}: it was not {'verified' if verifying else 'returned'}. Read it "
              "again below.", "error")
        return redirect(url_for("cases.queue", program_id=program.id))
    if verifying and (form.comment.data or "").strip():
        # a comment only goes with a return: never verify and drop what was written
        flash("A comment goes back with a returned case: press Return to send it, or clear "
              "it to verify.", "error")
        return redirect(url_for("cases.queue", program_id=program.id))
    outcome = services.verify(case, current_user, verifying, form.comment.data or "")
    if outcome.ok:
        flash("Case verified." if case.state == "verified" else "Case returned.", "info")
        return redirect(url_for("cases.queue", program_id=program.id))
    if verifying or case.state != "pending":
        show_errors(None, outcome)
        return redirect(url_for("cases.queue", program_id=program.id))
    # a comment refused (empty, or holding patient information): said against its case,
    # and kept in its box to reword
    for messages in outcome.field_errors.values():
        for message in messages:
            flash(f"The case of {day_in_words(case.day)} by {case.resident.label} was not "
                  f"returned: {message}", "error")
    return _queue_page(program, kept=(case.id, form.comment.data or ""), status=422)


@bp.get("/case-logs")
@program_page(*STAFF)
def overview(program):
    """The program director's dashboard: who logged what, and who is off pace; sorted and
    filtered by the query string."""
    query = dashboard.BoardQuery.read(request.args, program.levels)
    return render_template("cases/dashboard.html", program=program,
                           board=dashboard.board(program, query))


@bp.get("/case-logs/residents/<int:resident_id>")
@program_page(*STAFF)
def resident_progress(program, resident_id: int):
    """One resident's progress page as the program's staff see it, opened from the
    dashboard (whose sorting and filters the way back keeps)."""
    resident = owned(Resident, program, resident_id)
    query = dashboard.BoardQuery.read(request.args, program.levels)
    return render_template("cases/progress.html", program=program, resident=resident,
                           heading=f"Progress: {resident.label}", board_args=query.args(),
                           **services.resident_view(program, resident))


# --- import and the ACGME export ----------------------------------------------------------

VERIFYING_IMPORTERS = ("admin", "program_director", "coordinator")


def _import_page(program, resident, form, result=None, status=200):
    return render_template("cases/import.html", program=program, resident=resident,
                           form=form, result=result, columns=imports.COLUMNS), status


def _run_import(program, resident, form):
    """Import the uploaded file: a summary on success, every bad row (422) otherwise."""
    upload = form.file.data
    result = imports.import_cases(program, upload.filename or "", upload.read(),
                                  resident=resident,
                                  may_verify=resident is None and can(*VERIFYING_IMPORTERS),
                                  actor=current_user)
    if not result.ok:
        return _import_page(program, resident, form, result, 422)
    flash(f"Imported {result.added} case(s)" + (
        f"; {result.already} row(s) were already imported and were skipped"
        if result.already else "") + ".", "info")
    return _import_page(program, resident, form, result)


@bp.route("/my/cases/import", methods=["GET", "POST"])
@program_page("resident")
def import_mine(program):
    """A resident imports their own spreadsheet of cases."""
    resident = _resident(program)
    form = CaseImportForm()
    if resident is not None and form.validate_on_submit():
        return _run_import(program, resident, form)
    return _import_page(program, resident, form, status=422 if form.errors else 200)


@bp.route("/case-logs/import", methods=["GET", "POST"])
@program_page(*MANAGERS)
def import_program(program):
    """Program staff import cases for many residents (a `resident` column says whose)."""
    form = CaseImportForm()
    if form.validate_on_submit():
        return _run_import(program, None, form)
    return _import_page(program, None, form, status=422 if form.errors else 200)


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": attachment(name)})


@bp.get("/my/cases/acgme.csv")
@program_page("resident")
def export_mine(program):
    """My cases in the ACGME Case Log form's fields (only those not yet entered, unless
    ?all=1)."""
    resident = _resident(program) or abort(404)
    text = imports.acgme_csv(program, resident, only_not_entered=not request.args.get("all"))
    return _csv(text, f"case-log-{resident.key}.csv")


@bp.get("/case-logs/acgme.csv")
@program_page(*MANAGERS)
def export_program(program):
    """Every resident's cases in the ACGME Case Log form's fields."""
    return _csv(imports.acgme_csv(program), f"case-logs-{program.id}.csv")


@bp.post("/my/cases/acgme")
@program_page("resident")
def mark_entered(program):
    """Tick cases as entered in ACGME (or untick them), so none is typed in twice."""
    resident = _resident(program) or abort(404)
    ids = row_ids(request.form.getlist("case"))
    entered = request.form.get("action") != "unmark"
    marked = imports.mark_entered(program, resident, ids, entered)
    flash(f"{marked} case(s) marked as {'entered' if entered else 'not entered'} in ACGME.",
          "info")
    return redirect(url_for("cases.my_cases", program_id=program.id))


# --- deficits into wishes for the next solve ----------------------------------------------

@bp.route("/case-logs/wishes", methods=["GET", "POST"])
@program_page(*MANAGERS)
def deficit_wishes(program):
    """Residents off pace get wishes for blocks on the rotation that supplies their cases;
    the chief picks which, and their weight, before solving."""
    from . import wishes

    if request.method == "POST":
        picks = []
        for value in request.form.getlist("pick"):
            parts = value.split(":")
            try:
                if len(parts) == 3:
                    picks.append((whole(parts[0]), parts[1], whole(parts[2], 1000)))
            except ValueError:
                continue
        try:
            weight = whole(request.form.get("weight", ""), 1_000_000)
        except ValueError:
            weight = 0
        outcome = wishes.add_wishes(program, picks, weight, current_user)
        if outcome.ok:
            flash(f"{len(picks)} wish(es) added; edit or decline them on the requests page "
                  "before solving.", "info")
            return redirect(url_for("requests.all_requests", program_id=program.id))
        show_errors(None, outcome)
    return render_template("cases/wishes.html", program=program,
                           proposals=wishes.proposals(program))
