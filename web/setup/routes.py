"""Views: rotations and residents (list, add, edit, delete; residents also from CSV)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import residents as roster
from .. import rotations as services
from ..access import MANAGERS, STAFF, can, program_page
from ..entries import format_counts
from ..extensions import db
from ..models import Resident, Rotation
from ..views import owned, show_errors
from . import bp
from .forms import CsvImportForm, ResidentForm, RotationForm

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
