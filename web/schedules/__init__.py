"""Generating schedules (solve jobs with live progress) and working with them: the grid,
cell edits checked at once, publishing versions, diffs and mid-year re-solving."""

from flask import Blueprint

bp = Blueprint("schedules", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
