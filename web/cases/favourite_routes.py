"""Views: a resident saves a case as a favourite, or deletes one (logging from a favourite is
`my_cases?favourite=<id>`)."""

from __future__ import annotations

from flask import flash, redirect, url_for

from ..access import program_page
from . import bp, favourites
from .forms import FavouriteForm
from .routes import _resident


def _mine(program, **args):
    return redirect(url_for("cases.my_cases", program_id=program.id, **args))


def _refused(program, errors: dict):
    for messages in errors.values():
        for message in messages:
            flash(f"Not saved as a favourite: {message}", "error")
    return _mine(program)


@bp.post("/my/favourites")
@program_page("resident")
def save_favourite(program):
    """Save the case form's procedures, role, attending and site (or the last case's) under
    a name."""
    resident = _resident(program)
    if resident is None:
        return _mine(program)
    form = FavouriteForm()
    if not form.validate_on_submit():
        return _refused(program, form.errors)
    favourite, outcome = favourites.save(program, resident, form.data)
    if not outcome.ok:
        return _refused(program, outcome.field_errors)
    flash(f"Saved as favourite “{favourite.name}”.", "info")
    return _mine(program)


@bp.post("/my/favourites/<int:favourite_id>/delete")
@program_page("resident")
def delete_favourite(program, favourite_id: int):
    resident = _resident(program)
    if resident is None:
        return _mine(program)
    favourite = favourites.owned(resident, favourite_id)
    name = favourite.name
    favourites.delete(favourite)
    flash(f"Favourite “{name}” deleted.", "info")
    return _mine(program)
