"""What a user sees when something goes wrong. A page's error (not found, not allowed, a bad
request) is a page saying so in words, while the API answers in JSON. When the database does
not answer (restarting, unreachable, busy): a 503 saying that nothing from the request was
saved and to try again, never a crash page. The
request's transaction is rolled back whole, so no partial rows are left; the connection pool
checks connections before use (`pool_pre_ping`), so the app recovers by itself once the
database is back."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .api import api
from .extensions import db

MESSAGE = ("The database did not answer, so nothing from this request was saved. "
           "Please try again in a moment.")


def database_unavailable(error: DBAPIError):
    """A 503 page (or JSON body for the API), after dropping the failed transaction. Other
    database errors (a broken constraint the code did not expect) stay server errors."""
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        raise error
    try:
        db.session.rollback()
    except DBAPIError:          # the connection is gone: the pool has already discarded it
        pass
    headers = {"Retry-After": "5"}
    if request.path.startswith("/api/"):
        return {"code": 503, "status": "Service Unavailable", "message": MESSAGE}, 503, headers
    # Rendered without the context processors: they would ask the database who is signed in.
    page = current_app.jinja_env.get_template("unavailable.html")
    return page.render(message=MESSAGE, path=request.path), 503, headers


def http_error(error: HTTPException):
    """Pages get an HTML page with the error's words; the API keeps its JSON answers."""
    if request.path.startswith("/api/"):
        return api.handle_http_exception(error)
    return render_template("error.html", error=error), error.code or 500


def register(app: Flask) -> None:
    """After the API's own handlers: this one decides, by path, which answer an error gets."""
    app.register_error_handler(DBAPIError, database_unavailable)
    app.register_error_handler(HTTPException, http_error)
