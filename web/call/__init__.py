"""The call schedule: generate it on a published block version, read it as a month
calendar with each resident's weekly hours, publish it."""

from flask import Blueprint

bp = Blueprint("call", __name__, url_prefix="/programs/<int:program_id>/call")

from . import routes  # noqa: E402,F401  (registers the views on bp)
