"""Helpers for web tests: the test password, and signing in as a browser would."""

from __future__ import annotations

import os
import re

PASSWORD = "correct horse battery"
# The PostgreSQL server web tests create their databases on.
POSTGRES = os.environ.get("RESIDENCY_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432")


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path`, as a browser would send it back."""
    page = client.get(path).get_data(as_text=True)
    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError(f"no form with a CSRF token on {path}")


def confirmations(page: str) -> list[str]:
    """The questions the page's forms ask before they are sent (data-confirm), as shown."""
    from html import unescape

    return [unescape(q) for q in re.findall(r'data-confirm="([^"]*)"', page)]


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def upload(client, path: str, field: str, filename: str, content: str | bytes,
           form_page: str | None = None):
    """Post a file as a browser's file input would, with the page's CSRF token."""
    import io

    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(path, data={
        field: (io.BytesIO(data), filename),
        "csrf_token": csrf_token(client, form_page or path),
    }, content_type="multipart/form-data")


def program_id(app, name: str) -> int:
    """The id of the program called `name`."""
    from sqlalchemy import select

    from web.extensions import db
    from web.models import Program

    with app.app_context():
        return db.session.scalar(select(Program.id).where(Program.name == name))


def post_form(client, path: str, form_page: str | None = None, **fields):
    """Post a form as a browser would: with the CSRF token of the page that shows it."""
    return client.post(path, data={**fields, "csrf_token": csrf_token(client,
                                                                      form_page or path)})


def chief_imports(app, client, make_user, text: str, program: str = "Tiny") -> int:
    """A chief of a new program, signed in, imports the program file `text`; the id."""
    make_user("chief@example.org", program, "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, program)
    response = upload(client, f"/programs/{pid}/import", "file", "program.toml", text)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return pid


def type_id(app, code: str) -> int:
    """The id of a procedure type of the catalogue, by code."""
    from sqlalchemy import select

    from web.extensions import db
    from web.models import ProcedureType

    with app.app_context():
        return db.session.scalar(select(ProcedureType.id).where(ProcedureType.code == code))


def log_case(client, pid: int, **fields) -> str:
    """Log a case on the resident's page (today, primary operator, unless fields say)."""
    from datetime import date

    path = f"/programs/{pid}/my/cases"
    data = {"day": date.today().isoformat(), "role": "primary", "attending": "0",
            "complications": "none", **fields, "csrf_token": csrf_token(client, path)}
    return client.post(path, data=data, follow_redirects=True).get_data(as_text=True)


def _past_program() -> str:
    """TINY without its request, in the academic year holding today (cases cannot be in the
    future)."""
    from datetime import date

    from test_solving import TINY

    year = date.today().year - (date.today().month < 7)
    return TINY.split("[[request]]")[0].replace("2027-07-01", f"{year}-07-01")


PAST = _past_program()


def solved_draft(app, pid: int, text: str) -> int:
    """Solve the program file `text` and keep the answer as a draft schedule of program
    `pid`; the draft's id."""
    from scheduler import load_program_text
    from solver.engine import SolveOptions, solve
    from web.extensions import db
    from web.models import Schedule

    answer = solve(load_program_text(text).program, SolveOptions(time_limit=10))
    with app.app_context():
        draft = Schedule(program_id=pid, data=answer.as_dict())
        db.session.add(draft)
        db.session.commit()
        return draft.id


def publish_for_ash(app, pid: int, answer) -> None:
    """Publish `answer` as version 1 of program `pid`, link resident Ash to the account
    ash@example.org (made beforehand) and set up the case-log catalogue."""
    from sqlalchemy import select

    from web.extensions import db
    from web.models import Resident, Schedule, User

    with app.app_context():
        db.session.add(Schedule(program_id=pid, state="published", version=1,
                                data=answer.as_dict()))
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        ash.user = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        db.session.commit()
