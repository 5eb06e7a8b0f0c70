"""Case logs in the browser: residents log cases (phone first), attendings verify them,
residents see their progress against the program's targets and keep favourite cases; program
managers edit the catalogue and targets."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/programs/<int:program_id>")

# The views register themselves on bp.
from . import catalogue_routes, favourite_routes, routes, unverified_routes  # noqa: E402,F401
