"""The web app: `create_app()` builds a Flask app from config.toml and the environment
(web/app.py says how).

The package itself loads nothing: the `residency` command (web/cli.py) lives here, and its
engine commands (`solve`, `check`) start without the web stack (Flask, SQLAlchemy and the
rest are imported when an app is made).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The Flask app, configured from config.toml, the environment and `test_config`."""
    from .app import create_app as build

    return build(test_config)
