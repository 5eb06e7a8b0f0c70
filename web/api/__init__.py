"""The JSON API under /api/v1, with token authentication (`Authorization: Bearer rsd_...`)
and an OpenAPI document generated from the code by flask-smorest at /api/v1/openapi.json.

The same rules as the pages apply: a token acts as its user, who sees a program only with a
role in it (404 otherwise) and does there only what that role may (403 otherwise).
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

api = Api()

SETTINGS = {
    "API_TITLE": "Residency scheduling API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "An API token (rsd_...): `residency create-token`"}}},
        "info": {"description": "Programs, residents, requests, schedules and solve jobs "
                                "of the residency programs your account has a role in."},
    },
}


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    from ..extensions import csrf
    from .routes import blp

    csrf.exempt(blp)  # tokens, not cookies: no cross-site request can carry one
    api.register_blueprint(blp)
