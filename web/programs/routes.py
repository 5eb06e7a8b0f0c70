"""Views: program overview, year settings, program file import and export."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import program_file
from ..access import EVERYONE, MANAGERS, STAFF, program_page
from ..downloads import attachment, safe_stem
from ..views import show_errors
from . import bp, settings
from .forms import ImportForm, SettingsForm


@bp.get("/")
@program_page(*EVERYONE)
def overview(program):
    return render_template("programs/overview.html", program=program,
                           check=program_file.validate(program))


@bp.route("/settings", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_settings(program):
    form = SettingsForm(obj=settings.form_values(program))
    if form.validate_on_submit():
        outcome = settings.save(program, form.data, current_user)
        if outcome.ok:
            flash("Settings saved.", "info")
            return redirect(url_for("programs.overview", program_id=program.id))
        show_errors(form, outcome)
    return render_template("programs/settings.html", program=program, form=form)


@bp.get("/program.toml")
@program_page(*STAFF)
def export(program):
    check = program_file.validate(program)
    if not check.ok:
        flash("The program cannot be exported until these are fixed: "
              + "; ".join(f"{e.path}: {e.message}" for e in check.errors), "error")
        return redirect(url_for("programs.overview", program_id=program.id))
    name = f"{safe_stem(program.name, 'program')}.toml"
    return Response(program_file.export_toml(program), mimetype="application/toml",
                    headers={"Content-Disposition": attachment(name)})


@bp.route("/import", methods=["GET", "POST"])
@program_page(*MANAGERS)
def import_file(program):
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors.append("The file is not UTF-8 text.")
        else:
            result = program_file.import_text(
                program, text, current_app.config["PROGRAM_FILE_MAX_BYTES"], current_user)
            if result.ok:
                year = result.program
                flash(f"Imported {len(year.rotations)} rotations, {len(year.residents)} "
                      f"residents, {len(year.requirements)} requirements, {len(year.rules)} "
                      f"rules and {len(year.requests)} requests.", "info")
                return redirect(url_for("programs.overview", program_id=program.id))
            errors = result.errors
    return render_template("programs/import.html", program=program, form=form, errors=errors)
