"""A program's overview, its year settings, and its program file (import and export)."""

from flask import Blueprint

bp = Blueprint("programs", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
