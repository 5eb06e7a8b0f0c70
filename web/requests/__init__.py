"""Requests: residents ask for vacation weeks and rotations; the chief decides."""

from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/programs/<int:program_id>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
