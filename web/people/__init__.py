"""People: who holds which role in a program (directors give and take roles), and the
program's audit log."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
