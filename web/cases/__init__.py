"""Case logs in the browser: residents log cases (phone first), attendings verify them,
residents see their progress against the program's targets."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
