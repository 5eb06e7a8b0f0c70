"""The entry point for a production WSGI server: `gunicorn web.wsgi:app` (gunicorn.conf.py
names it; docs/deploy.md shows the set-up). Each server worker builds its own app, with its
settings from config.toml and the RESIDENCY_* environment variables."""

from __future__ import annotations

from . import create_app

app = create_app()
