"""Views: rotations, residents (also from CSV), requirements, rules, and the vacation policy
and weekly services (blackouts, away limits, services): list, add, edit, delete."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from scheduler.calendar import BLOCKS_PER_YEAR

from ..access import MANAGERS, STAFF, can, program_page
from ..entries import dates_in_words, entry_label, format_counts
from ..models import Requirement, Resident, Rotation, Rule
from ..program_file import validate
from ..views import owned, show_errors
from . import bp, entry_forms
from . import residents as roster
from . import rotations as services
from .forms import (
    POLICY_FORMS,
    CsvImportForm,
    RequirementForm,
    ResidentForm,
    RotationForm,
    RuleForm,
)
from .policy import SECTIONS


def _saved(form, outcome, message: str, back: str, program, **where):
    """After a save: commit and go back to the list, or put the errors on the form."""
    if outcome.ok:
        flash(message, "info")
        return redirect(url_for(back, program_id=program.id, **where))
    show_errors(form, outcome)
    return None


def _deleted(outcome, message: str, back: str, program, refused: str = "", **where):
    """After a delete: commit, or say what still needs the entry; back to the list."""
    if outcome.ok:
        flash(message, "info")
    else:
        if outcome.needed_by:
            flash(f"{refused} {outcome.needed_by}".strip(), "error")
        elif refused:
            flash(refused, "error")
        show_errors(None, outcome)
    return redirect(url_for(back, program_id=program.id, **where))


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
    # the stored rotation fills the form shown, never a form sent: a field left out of a
    # post would otherwise take the rotation's own value, its groups a list (a 500)
    form = RotationForm(obj=rotation if request.method == "GET" else None).for_program(program)
    if rotation is not None and not form.is_submitted():
        form.groups.data = ", ".join(rotation.groups)
        form.levels.data, form.tracks.data = rotation.levels or [], rotation.tracks or []
    if form.validate_on_submit():
        outcome = services.save_rotation(program, rotation, form.data, current_user)
        done = _saved(form, outcome, f"Rotation {form.code.data} saved.", "setup.rotations",
                      program)
        if done is not None:
            return done
    return render_template("setup/rotation_form.html", program=program, form=form,
                           rotation=rotation)


@bp.post("/rotations/<int:rotation_id>/delete")
@program_page(*MANAGERS)
def delete_rotation(program, rotation_id: int):
    rotation = owned(Rotation, program, rotation_id)
    code = rotation.code
    return _deleted(services.delete_rotation(program, rotation, current_user),
                    f"Rotation {code} deleted.",
                    "setup.rotations", program, refused=f"Rotation {code} is still needed:")


# --- residents ---------------------------------------------------------------------------

def _current(program, resident_id: int) -> Resident:
    """The program's resident with this id, if they are in the program (404 if archived)."""
    resident = owned(Resident, program, resident_id)
    if resident.archived_at is not None:
        abort(404)
    return resident


@bp.get("/residents")
@program_page(*STAFF)
def residents(program):
    return render_template("setup/residents.html", program=program,
                           editable=can(*MANAGERS), form=CsvImportForm())


@bp.route("/residents/new", methods=["GET", "POST"])
@bp.route("/residents/<int:resident_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_resident(program, resident_id: int | None = None):
    resident = _current(program, resident_id) if resident_id else None
    form = ResidentForm(obj=resident if request.method == "GET" else None
                        ).for_program(program)   # as the rotation's form (its history)
    if resident is not None and not form.is_submitted():
        form.history.data = format_counts(resident.history)
        form.account.data = resident.user.email if resident.user else ""
    if form.validate_on_submit():
        outcome = roster.save_resident(program, resident, form.data, current_user)
        done = _saved(form, outcome, f"{form.name.data or form.key.data} saved.",
                      "setup.residents", program)
        if done is not None:
            return done
    return render_template("setup/resident_form.html", program=program, form=form,
                           resident=resident)


@bp.get("/residents/<int:resident_id>/leave")
@program_page(*MANAGERS)
def resident_leaves(program, resident_id: int):
    """Ask before a resident leaves the roster: what archiving keeps, and whether deleting
    is possible at all (only for someone entered by mistake)."""
    resident = _current(program, resident_id)
    return render_template(
        "setup/resident_leave.html", program=program, resident=resident,
        versions=roster.published_in(program, resident),
        cases=roster.logged_cases(resident),
        requests=sum(1 for r in program.requests if r.resident_id == resident.id),
        not_deletable=roster.deletable(program, resident))


@bp.post("/residents/<int:resident_id>/archive")
@program_page(*MANAGERS)
def archive_resident(program, resident_id: int):
    resident = _current(program, resident_id)
    label = resident.label
    return _deleted(roster.archive_resident(program, resident, current_user),
                    f"{label} archived: kept in published versions and case logs, left out "
                    "of new solves. Restore them from the list of archived residents.",
                    "setup.residents", program, refused=f"{label} is still needed:")


@bp.post("/residents/<int:resident_id>/restore")
@program_page(*MANAGERS)
def restore_resident(program, resident_id: int):
    resident = owned(Resident, program, resident_id)
    label = resident.label
    return _deleted(roster.restore_resident(program, resident, current_user),
                    f"{label} is back in the program.", "setup.residents", program,
                    refused=f"{label} cannot come back as they were:")


@bp.post("/residents/<int:resident_id>/delete")
@program_page(*MANAGERS)
def delete_resident(program, resident_id: int):
    resident = _current(program, resident_id)
    key = resident.key
    return _deleted(roster.delete_resident(program, resident, current_user),
                    f"Resident {key} deleted.", "setup.residents", program)


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
    result = roster.import_csv(program, text, current_user)
    if result.ok:
        flash(f"Imported residents: {result.added} added, {result.updated} updated.", "info")
        return redirect(url_for("setup.residents", program_id=program.id))
    return render_template("setup/residents.html", program=program, editable=True,
                           form=form, import_errors=result.errors), 422


# --- requirements and rules ---------------------------------------------------------------

class Listed(NamedTuple):
    """A row of a set-up list: the entry, what it says, and how its Delete button names it."""

    row: Any
    words: str   # the entry in words, its dates as people read them ('1 Jul 2027')
    label: str   # by its name or code ('blackout “R1 orientation”'), else its place in the list
    asked: str   # the question its Delete button asks


def _described(program, section: str, rows: list, noun: str = "") -> list[Listed]:
    """A section's rows (requirements, rules, blackouts...) in words; plain when the program
    is invalid. `noun`: one entry in words, when not the section's name."""
    from solver import describe

    loaded = validate(program)
    listed = []
    for i, row in enumerate(rows):
        path = f"{section}[{i}]"
        words = dates_in_words(describe.entry(loaded.program, path)) if loaded.program else ""
        label = entry_label(program, path)
        asked = _delete_question(row, noun or section, label, words)
        listed.append(Listed(row, words, label, asked))
    return listed


def _delete_question(row, noun: str, label: str, words: str) -> str:
    """'Delete blackout “R1 orientation” — R1 residents take no vacation from ...?': an entry
    by its own name or code, then what it says; one without either by what it says ('Delete
    this rule — ...?'), by its place in the list only when it cannot be said in words."""
    name = row.entry.get("name") or row.entry.get("code")
    if not words:
        return f"Delete {label}?"
    if not name:
        return f"Delete this {noun} — {words}?"
    said = words.removeprefix(f"'{name}': ")   # its name said once
    return f"Delete {label} — {said}?"


@bp.get("/requirements")
@program_page(*STAFF)
def requirements(program):
    return render_template("setup/entries.html", program=program, section="requirement",
                           rows=_described(program, "requirement", program.requirements),
                           editable=can(*MANAGERS))


@bp.route("/requirements/new", methods=["GET", "POST"])
@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_requirement(program, requirement_id: int | None = None):
    row = owned(Requirement, program, requirement_id) if requirement_id else None
    form = RequirementForm(data=entry_forms.form_data(program, row.entry) if row else None
                           ).for_program(program)
    if form.validate_on_submit():
        outcome = entry_forms.save_requirement(program, row, form.data, current_user)
        done = _saved(form, outcome, "Requirement saved.", "setup.requirements", program)
        if done is not None:
            return done
    return render_template("setup/entry_form.html", program=program, form=form, row=row,
                           section="requirement")


@bp.post("/requirements/<int:requirement_id>/delete")
@program_page(*MANAGERS)
def delete_requirement(program, requirement_id: int):
    row = owned(Requirement, program, requirement_id)
    return _deleted(entry_forms.delete_requirement(program, row, current_user),
                    "Requirement deleted.",
                    "setup.requirements", program,
                    refused="This requirement is still needed:")


@bp.get("/rules")
@program_page(*STAFF)
def rules(program):
    return render_template("setup/entries.html", program=program, section="rule",
                           rows=_described(program, "rule", program.rules),
                           editable=can(*MANAGERS))


@bp.route("/rules/new", methods=["GET", "POST"])
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_rule(program, rule_id: int | None = None):
    row = owned(Rule, program, rule_id) if rule_id else None
    blocks = BLOCKS_PER_YEAR[program.calendar]
    form = RuleForm(data=entry_forms.form_data(program, row.entry) if row else None
                    ).for_program(program, blocks)
    if form.validate_on_submit():
        outcome = entry_forms.save_rule(program, row, form.data, current_user)
        done = _saved(form, outcome, "Rule saved.", "setup.rules", program)
        if done is not None:
            return done
    return render_template("setup/entry_form.html", program=program, form=form, row=row,
                           section="rule")


@bp.post("/rules/<int:rule_id>/delete")
@program_page(*MANAGERS)
def delete_rule(program, rule_id: int):
    row = owned(Rule, program, rule_id)
    return _deleted(entry_forms.delete_rule(program, row, current_user),
                    "Rule deleted.",
                    "setup.rules", program)


# --- vacation policy and weekly services ---------------------------------------------------

def _section(name: str):
    section = SECTIONS.get(name)
    if section is None:
        abort(404)
    return section


@bp.get("/policy/<section_name>")
@program_page(*STAFF)
def policy(program, section_name: str):
    section = _section(section_name)
    return render_template("setup/policy.html", program=program, section=section,
                           rows=_described(program, section.name, section.rows(program),
                                          section.noun),
                           editable=can(*MANAGERS))


@bp.route("/policy/<section_name>/new", methods=["GET", "POST"])
@bp.route("/policy/<section_name>/<int:entry_id>", methods=["GET", "POST"])
@program_page(*MANAGERS)
def edit_policy(program, section_name: str, entry_id: int | None = None):
    section = _section(section_name)
    row = owned(section.model, program, entry_id) if entry_id else None
    shown = section.form_data(program, row.entry) if row else None
    form = POLICY_FORMS[section.name](data=shown).for_program(program)
    if form.validate_on_submit():
        outcome = section.save(program, row, form.data, current_user)
        done = _saved(form, outcome, f"{section.noun.capitalize()} saved.", "setup.policy",
                      program, section_name=section.name)
        if done is not None:
            return done
    return render_template("setup/policy_form.html", program=program, form=form, row=row,
                           section=section)


@bp.post("/policy/<section_name>/<int:entry_id>/delete")
@program_page(*MANAGERS)
def delete_policy(program, section_name: str, entry_id: int):
    section = _section(section_name)
    row = owned(section.model, program, entry_id)
    return _deleted(section.delete(program, row, current_user),
                    f"{section.noun.capitalize()} deleted.",
                    "setup.policy", program,
                    refused=f"This {section.noun} is still needed:", section_name=section.name)

