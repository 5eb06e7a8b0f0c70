"""Browser libraries served from installed Python packages (no CDN: the app works offline
and on closed hospital networks)."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, Response

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


PLOTLY = "plotly-cartesian-4.1.1.min.js"   # vendor/README.md: where it comes from


@functools.cache
def _vendored(name: str) -> bytes:
    return (Path(__file__).parent / "vendor" / name).read_bytes()


@bp.get(f"/{PLOTLY}")
def plotly_js():
    """Plotly's cartesian bundle (line, bar, heatmap: every chart the app draws; a third of
    the full bundle), for the charts. Its address names its version, so browsers keep it a
    year; the app compresses it (web/extensions.py)."""
    response = Response(_vendored(PLOTLY), mimetype="text/javascript")
    response.cache_control.public, response.cache_control.max_age = True, 365 * 86400
    response.cache_control.immutable = True
    return response
