"""Views: rotations, residents (also from CSV), requirements and rules: list, add, edit,
delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import entry_forms
from .. import residents as roster
from .. import rotations as services
from ..access import MANAGERS, STAFF, can, program_page
from ..entries import format_counts
from ..extensions import db
from ..models import Requirement, Resident, Rotation, Rule
from ..program_file import validate
from ..views import owned, show_errors
from . import bp
from .forms import CsvImportForm, RequirementForm, ResidentForm, RotationForm, RuleForm

# --- rotations ---------------------------------------------------------------------------

@bp.get("/rotations")
@program_page(*STAFF)
def rotations(program):
    return render_template("setup/rotations.html", program=program,
                           editable=can(*MANAGERS))


@bp.route("/rotations/new", methods=["GET", "POST"])
@bp.route("/rotations/<int:rotation_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_rotation(program, rotation_id: int | None = None):
    rotation = owned(Rotation, program, rotation_id) if rotation_id else None
    form = RotationForm(obj=rotation).for_program(program)
    if rotation is not None and not form.is_submitted():
        form.groups.data = ", ".join(rotation.groups)
        form.levels.data, form.tracks.data = rotation.levels or [], rotation.tracks or []
    if form.validate_on_submit():
        outcome = services.save_rotation(program, rotation, form.data)
        if outcome.ok:
            db.session.commit()
            flash(f"Rotation {form.code.data} saved.", "info")
            return redirect(url_for("setup.rotations", program_id=program.id))
        show_errors(form, outcome)
    return render_template("setup/rotation_form.html", program=program, form=form,
                           rotation=rotation)


@bp.post("/rotations/<int:rotation_id>/delete")
@program_page(*MANAGERS)
def delete_rotation(program, rotation_id: int):
    rotation = owned(Rotation, program, rotation_id)
    code = rotation.code
    outcome = services.delete_rotation(program, rotation)
    if outcome.ok:
        db.session.commit()
        flash(f"Rotation {code} deleted.", "info")
    else:
        flash(f"Rotation {code} is still needed:", "error")
        show_errors(None, outcome)
    return redirect(url_for("setup.rotations", program_id=program.id))


# --- residents ---------------------------------------------------------------------------

@bp.get("/residents")
@program_page(*STAFF)
def residents(program):
    return render_template("setup/residents.html", program=program,
                           editable=can(*MANAGERS), form=CsvImportForm())


@bp.route("/residents/new", methods=["GET", "POST"])
@bp.route("/residents/<int:resident_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_resident(program, resident_id: int | None = None):
    resident = owned(Resident, program, resident_id) if resident_id else None
    form = ResidentForm(obj=resident).for_program(program)
    if resident is not None and not form.is_submitted():
        form.history.data = format_counts(resident.history)
        form.account.data = resident.user.email if resident.user else ""
    if form.validate_on_submit():
        outcome = roster.save_resident(program, resident, form.data)
        if outcome.ok:
            db.session.commit()
            flash(f"Resident {form.key.data} saved.", "info")
            return redirect(url_for("setup.residents", program_id=program.id))
        show_errors(form, outcome)
    return render_template("setup/resident_form.html", program=program, form=form,
                           resident=resident)


@bp.post("/residents/<int:resident_id>/delete")
@program_page(*MANAGERS)
def delete_resident(program, resident_id: int):
    resident = owned(Resident, program, resident_id)
    key = resident.key
    outcome = roster.delete_resident(program, resident)
    if outcome.ok:
        db.session.commit()
        flash(f"Resident {key} deleted.", "info")
    else:
        show_errors(None, outcome)
    return redirect(url_for("setup.residents", program_id=program.id))


@bp.post("/residents/import")
@program_page(*MANAGERS)
def import_residents(program):
    form = CsvImportForm()
    if not form.validate_on_submit():
        for message in form.file.errors:
            flash(message, "error")
        return redirect(url_for("setup.residents", program_id=program.id))
    try:
        text = form.file.data.read().decode("utf-8")
    except UnicodeDecodeError:
        flash("The file is not UTF-8 text.", "error")
        return redirect(url_for("setup.residents", program_id=program.id))
    result = roster.import_csv(program, text)
    if result.ok:
        db.session.commit()
        flash(f"Imported residents: {result.added} added, {result.updated} updated.", "info")
        return redirect(url_for("setup.residents", program_id=program.id))
    return render_template("setup/residents.html", program=program, editable=True,
                           form=form, import_errors=result.errors), 422


# --- requirements and rules ---------------------------------------------------------------

def _described(program, section: str) -> list[tuple[object, str]]:
    """(row, the entry in words) for a section's rows; plain when the program is invalid."""
    from solver import describe

    rows = program.requirements if section == "requirement" else program.rules
    loaded = validate(program)
    if loaded.program is None:
        return [(row, "") for row in rows]
    return [(row, describe.entry(loaded.program, f"{section}[{i}]"))
            for i, row in enumerate(rows)]


@bp.get("/requirements")
@program_page(*STAFF)
def requirements(program):
    return render_template("setup/entries.html", program=program, section="requirement",
                           rows=_described(program, "requirement"), editable=can(*MANAGERS))


@bp.route("/requirements/new", methods=["GET", "POST"])
@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_requirement(program, requirement_id: int | None = None):
    row = owned(Requirement, program, requirement_id) if requirement_id else None
    form = RequirementForm(data=entry_forms.form_data(row.entry) if row else None
                           ).for_program(program)
    if form.validate_on_submit():
        outcome = entry_forms.save_requirement(program, row, form.data)
        if outcome.ok:
            db.session.commit()
            flash("Requirement saved.", "info")
            return redirect(url_for("setup.requirements", program_id=program.id))
        show_errors(form, outcome)
    return render_template("setup/entry_form.html", program=program, form=form, row=row,
                           section="requirement")


@bp.post("/requirements/<int:requirement_id>/delete")
@program_page(*MANAGERS)
def delete_requirement(program, requirement_id: int):
    row = owned(Requirement, program, requirement_id)
    outcome = entry_forms.delete_requirement(program, row)
    if outcome.ok:
        db.session.commit()
        flash("Requirement deleted.", "info")
    else:
        show_errors(None, outcome)
    return redirect(url_for("setup.requirements", program_id=program.id))


@bp.get("/rules")
@program_page(*STAFF)
def rules(program):
    return render_template("setup/entries.html", program=program, section="rule",
                           rows=_described(program, "rule"), editable=can(*MANAGERS))


@bp.route("/rules/new", methods=["GET", "POST"])
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_rule(program, rule_id: int | None = None):
    row = owned(Rule, program, rule_id) if rule_id else None
    blocks = 13 if program.calendar == "4-week" else 12
    form = RuleForm(data=entry_forms.form_data(row.entry) if row else None
                    ).for_program(program, blocks)
    if form.validate_on_submit():
        outcome = entry_forms.save_rule(program, row, form.data)
        if outcome.ok:
            db.session.commit()
            flash("Rule saved.", "info")
            return redirect(url_for("setup.rules", program_id=program.id))
        show_errors(form, outcome)
    return render_template("setup/entry_form.html", program=program, form=form, row=row,
                           section="rule")


@bp.post("/rules/<int:rule_id>/delete")
@program_page(*MANAGERS)
def delete_rule(program, rule_id: int):
    row = owned(Rule, program, rule_id)
    outcome = entry_forms.delete_rule(program, row)
    if outcome.ok:
        db.session.commit()
        flash("Rule deleted.", "info")
    else:
        show_errors(None, outcome)
    return redirect(url_for("setup.rules", program_id=program.id))
