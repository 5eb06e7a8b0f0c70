"""Browser libraries served from installed Python packages (no CDN: the app works offline
and on closed hospital networks)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_file

bp = Blueprint("assets", __name__, url_prefix="/assets")

# The tab icon: a calendar page with a block marked, in the header's blue.
ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="2" y="4" width="28" height="26" rx="4" fill="#1d3b5c"/>
<rect x="5" y="11" width="22" height="16" rx="2" fill="#fff"/>
<rect x="8" y="14" width="7" height="5" fill="#3b82c4"/>
<rect x="9" y="1" width="3" height="7" rx="1" fill="#1d3b5c"/>
<rect x="20" y="1" width="3" height="7" rx="1" fill="#1d3b5c"/>
</svg>
"""


@bp.get("/icon.svg")
def icon():
    """The tab icon (also answered at /favicon.ico, where browsers look without being told)."""
    response = Response(ICON, mimetype="image/svg+xml")
    response.cache_control.public, response.cache_control.max_age = True, 7 * 86400
    return response


@bp.get("/plotly.min.js")
def plotly_js():
    """Plotly's browser bundle from the plotly package, for the charts."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return send_file(path, mimetype="text/javascript", max_age=7 * 86400)
