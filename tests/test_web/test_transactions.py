"""One request, one transaction: a request that fails after writing leaves nothing behind, a
refused edit undoes only itself, and no page that is only looked at (GET) writes anything."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from test_access import ALLOWED, _requests, department  # noqa: F401 - the fixture
from web_support import csrf_token, post_form, program_id, sign_in

from web.access import program_page
from web.extensions import db
from web.models import ROLES, Program, Rotation
from web.setup import rotations

SETTINGS = {"year_start": "2027-07-01", "calendar": "months", "levels": "R1, R2",
            "tracks": "IR", "vacation_weeks": "0", "max_vacation_weeks_per_block": "1",
            "change_weight": "1", "name": "Tiny IR"}


class Broke(RuntimeError):
    """What the test view raises after it has written."""


def _weight_then_raise(program):
    program.change_weight = 9
    db.session.add(Rotation(program=program, code="LOST"))
    db.session.flush()
    raise Broke("after flushing")


def _weight_then_refused_rotation(program):
    program.change_weight = 7
    db.session.flush()
    outcome = rotations.save_rotation(program, None, {
        "code": "BAD", "name": "", "site": "", "groups": "", "min": 3, "max": 1,
        "min_present": 0, "vacation": True})
    return "refused" if not outcome.ok else "kept"


@pytest.fixture
def chief(app, client, make_user):
    """Test-only views under the page guard, a chief of 'Tiny IR' signed in; its id."""
    for name, view in (("raise", _weight_then_raise),
                       ("refuse", _weight_then_refused_rotation)):
        app.add_url_rule(f"/programs/<int:program_id>/test-{name}", f"test_{name}",
                         program_page("chief")(view), methods=["POST"])
    make_user("chief@example.org", "Tiny IR", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Tiny IR")
    assert post_form(client, f"/programs/{pid}/settings", **SETTINGS).status_code == 302
    return pid


def _state(app, pid: int) -> tuple[int, list[str]]:
    with app.app_context():
        program = db.session.get(Program, pid)
        codes = db.session.scalars(select(Rotation.code).where(Rotation.program_id == pid))
        return program.change_weight, list(codes)


def test_a_request_that_fails_after_writing_leaves_nothing(app, client, chief):
    with pytest.raises(Broke):
        post_form(client, f"/programs/{chief}/test-raise", f"/programs/{chief}/settings")
    assert _state(app, chief) == (1, [])


def test_a_refused_edit_keeps_the_requests_other_changes(app, client, chief):
    answer = post_form(client, f"/programs/{chief}/test-refuse", f"/programs/{chief}/settings")
    assert answer.get_data(as_text=True) == "refused"
    assert _state(app, chief) == (7, [])


def test_looking_at_any_page_writes_nothing(app, client, department):  # noqa: F811
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for role in ROLES:
            sign_in(client, f"{role}@example.org")
            for method, url, endpoint in _requests(app, department, ROLES.index(role)):
                if method == "GET" and role in ALLOWED[endpoint]:
                    before = len(writes)
                    assert client.get(url).status_code in (200, 302), url
                    assert writes[before:] == [], f"{role} GET {url} wrote"
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    finally:
        event.remove(engine, "before_cursor_execute", record)



def test_a_refused_change_that_failed_in_the_database_leaves_the_request_usable(app):
    """A flush the database refuses (a duplicate name) inside a refusable change undoes that
    change alone: the request goes on, and what it did before is committed."""
    from sqlalchemy.exc import IntegrityError

    from web.transaction import refusable

    with app.app_context():
        db.session.add(Program(name="Kept IR"))
        db.session.flush()
        with pytest.raises(IntegrityError):
            with refusable():
                db.session.add(Program(name="kept ir"))   # the same name, another case
                db.session.flush()
        db.session.add(Program(name="Also Kept"))
        db.session.commit()
        names = set(db.session.scalars(select(Program.name)))
    assert names == {"Kept IR", "Also Kept"}
