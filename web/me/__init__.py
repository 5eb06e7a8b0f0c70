"""A resident's own pages: their schedule (made for a phone), and its calendar feed."""

from flask import Blueprint

bp = Blueprint("me", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
