"""Views: the program's procedure catalogue and case-log targets (staff see them; managers add,
change and delete categories, procedure types and targets)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from caselog import Target

from ..access import MANAGERS, STAFF, can, program_page
from ..extensions import db
from ..models import CaseTarget, ProcedureCategory, ProcedureType
from ..views import owned, show_errors, whole
from . import bp, catalogue_edit, services
from .forms import CategoryForm, ProcedureTypeForm, TargetForm


def _back(program):
    return redirect(url_for("cases.catalogue", program_id=program.id))


def _saved(form, outcome, message: str, program):
    """After a save: commit and go back to the catalogue, or put the errors on the form."""
    if outcome.ok:
        flash(message, "info")
        return _back(program)
    show_errors(form, outcome)
    return None


def _deleted(outcome, message: str, program):
    """After a delete: commit, or say why the entry stays; back to the catalogue."""
    if outcome.ok:
        flash(message, "info")
    else:
        show_errors(None, outcome)
    return _back(program)


def _form_page(program, form, what: str, row=None, delete_url: str | None = None):
    return render_template("cases/catalogue_form.html", program=program, form=form, what=what,
                           row=row, delete_url=delete_url)


@bp.get("/case-logs/catalogue")
@program_page(*STAFF)
def catalogue(program):
    """The categories with their procedure types, and the targets in words."""
    cats = services.categories(program)
    names = {c.code: c.name for c in cats}
    rows = db.session.scalars(select(CaseTarget).where(
        CaseTarget.program_id == program.id).order_by(CaseTarget.position, CaseTarget.id))
    targets = []
    for row in rows:
        target = Target.model_validate(row.entry)
        targets.append({"row": row, "target": target,
                        "words": catalogue_edit.target_words(target, names)})
    return render_template("cases/catalogue.html", program=program, categories=cats,
                           targets=targets, used=catalogue_edit.cases_per_type(program),
                           editable=can(*MANAGERS))


# --- categories ---------------------------------------------------------------------------

@bp.route("/case-logs/catalogue/categories/new", methods=["GET", "POST"])
@bp.route("/case-logs/catalogue/categories/<int:category_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_category(program, category_id: int | None = None):
    row = owned(ProcedureCategory, program, category_id) if category_id else None
    form = CategoryForm(obj=row)
    if form.validate_on_submit():
        done = _saved(form, catalogue_edit.save_category(program, row, form.data),
                      f"Category {form.code.data.strip()} saved.", program)
        if done is not None:
            return done
    return _form_page(program, form, f"category {row.code}" if row else "new category", row,
                      url_for("cases.delete_category", program_id=program.id,
                              category_id=row.id) if row else None)


@bp.post("/case-logs/catalogue/categories/<int:category_id>/delete")
@program_page(*MANAGERS)
def delete_category(program, category_id: int):
    row = owned(ProcedureCategory, program, category_id)
    code = row.code
    return _deleted(catalogue_edit.delete_category(program, row),
                    f"Category {code} deleted.", program)


# --- procedure types ----------------------------------------------------------------------

@bp.route("/case-logs/catalogue/types/new", methods=["GET", "POST"])
@bp.route("/case-logs/catalogue/types/<int:type_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_type(program, type_id: int | None = None):
    row = owned(ProcedureType, program, type_id) if type_id else None
    form = ProcedureTypeForm(obj=row).for_program(services.categories(program))
    if not form.is_submitted():
        if row is not None:
            form.category.data, form.cpt.data = row.category_id, ", ".join(row.cpt)
        else:
            form.category.data = request.args.get("category", type=whole)
    if form.validate_on_submit():
        done = _saved(form, catalogue_edit.save_type(program, row, form.data),
                      f"Procedure type {form.code.data.strip()} saved.", program)
        if done is not None:
            return done
    return _form_page(program, form, f"procedure type {row.code}" if row
                      else "new procedure type", row,
                      url_for("cases.delete_type", program_id=program.id, type_id=row.id)
                      if row else None)


@bp.post("/case-logs/catalogue/types/<int:type_id>/delete")
@program_page(*MANAGERS)
def delete_type(program, type_id: int):
    row = owned(ProcedureType, program, type_id)
    code = row.code
    return _deleted(catalogue_edit.delete_type(program, row),
                    f"Procedure type {code} deleted.", program)


# --- targets ------------------------------------------------------------------------------

@bp.route("/case-logs/catalogue/targets/new", methods=["GET", "POST"])
@bp.route("/case-logs/catalogue/targets/<int:target_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_target(program, target_id: int | None = None):
    row = owned(CaseTarget, program, target_id) if target_id else None
    data = None
    if row is not None:
        data = dict(row.entry)
        data["tracks"] = ", ".join(data.get("tracks") or [])
    form = TargetForm(data=data).for_program(services.categories(program))
    if form.validate_on_submit():
        done = _saved(form, catalogue_edit.save_target(program, row, form.data),
                      f"Target “{form.name.data.strip()}” saved.", program)
        if done is not None:
            return done
    return _form_page(program, form, f"target “{row.entry.get('name')}”" if row
                      else "new target", row,
                      url_for("cases.delete_target", program_id=program.id, target_id=row.id)
                      if row else None)


@bp.post("/case-logs/catalogue/targets/<int:target_id>/delete")
@program_page(*MANAGERS)
def delete_target(program, target_id: int):
    row = owned(CaseTarget, program, target_id)
    name = row.entry.get("name", "")
    return _deleted(catalogue_edit.delete_target(program, row),
                    f"Target “{name}” deleted.", program)
