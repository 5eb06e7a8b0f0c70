"""Helpers shared by the views of several blueprints."""

from __future__ import annotations

from flask import abort, flash

from .entries import Outcome
from .extensions import db
from .models import Program


def owned(model, program: Program, row_id: int):
    """The program's row with this id; 404 for another program's, as for a missing one."""
    row = db.session.get(model, row_id)
    if row is None or row.program_id != program.id:
        abort(404)
    return row


def show_errors(form, outcome: Outcome) -> None:
    """Put an outcome's messages on the form's fields; the rest (other entries the change
    would break) are flashed above the form."""
    for name, messages in outcome.field_errors.items():
        target = getattr(form, name, None) if form is not None and name else None
        if target is None:
            for message in messages:
                flash(message, "error")
        else:
            target.errors = list(target.errors) + messages
    for error in outcome.errors:
        flash(f"{error.path}: {error.message}", "error")
