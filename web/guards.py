"""Input no page can store, refused before any view runs: a NUL character in a form field or
in the query string. PostgreSQL refuses NUL in text (a server error if it got that far) and
SQLite would keep it; either way it is never what a person typed. Uploaded files are read by
their importers, which say which row holds one."""

from __future__ import annotations

from flask import Flask, abort, request


def refuse_nul() -> None:
    fields = [*request.args.values(), *request.form.values()] if request.method != "GET" \
        else list(request.args.values())
    if any("\x00" in value for value in fields) or "\x00" in request.path:
        abort(400, description="The request holds a NUL character, which no field can take.")


def register(app: Flask) -> None:
    app.before_request(refuse_nul)
