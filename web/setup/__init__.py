"""Program set-up pages: rotations, residents (with CSV import), requirements, rules."""

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
