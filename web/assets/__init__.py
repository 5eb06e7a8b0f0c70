"""Browser libraries served from installed Python packages (no CDN: the app works offline
and on closed hospital networks)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_file

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.get("/plotly.min.js")
def plotly_js():
    """Plotly's browser bundle from the plotly package, for the charts."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return send_file(path, mimetype="text/javascript", max_age=7 * 86400)
