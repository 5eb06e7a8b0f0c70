"""Every program page, for every role: allowed or forbidden, and never across programs.

The table below names the roles allowed on each route; the test fails when a route under
/programs/ is missing from it, so a new page cannot ship without its access rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from web_support import csrf_token, program_id, sign_in, upload

from web.access import EVERYONE, MANAGERS, STAFF
from web.cases.services import categories
from web.extensions import db
from web.models import (
    ROLES,
    CallSchedule,
    CallSwap,
    Case,
    CaseFavourite,
    CaseProcedure,
    CaseTarget,
    Membership,
    Program,
    Resident,
    Rotation,
    Schedule,
    SolveJob,
    User,
)

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"

# endpoint -> roles allowed
ALLOWED = {
    "programs.overview": EVERYONE,
    "programs.export": STAFF,
    "programs.edit_settings": MANAGERS,
    "programs.import_file": MANAGERS,
    "setup.rotations": STAFF,
    "setup.edit_rotation": MANAGERS,
    "setup.delete_rotation": MANAGERS,
    "setup.residents": STAFF,
    "setup.edit_resident": MANAGERS,
    "setup.delete_resident": MANAGERS,
    "setup.resident_leaves": MANAGERS,
    "setup.archive_resident": MANAGERS,
    "setup.restore_resident": MANAGERS,
    "setup.import_residents": MANAGERS,
    "setup.requirements": STAFF,
    "setup.edit_requirement": MANAGERS,
    "setup.delete_requirement": MANAGERS,
    "setup.rules": STAFF,
    "setup.edit_rule": MANAGERS,
    "setup.delete_rule": MANAGERS,
    "setup.policy": STAFF,
    "setup.edit_policy": MANAGERS,
    "setup.delete_policy": MANAGERS,
    "requests.my_requests": ("resident",),
    "requests.withdraw": ("resident",),
    "requests.all_requests": STAFF,
    "requests.decide": MANAGERS,
    "schedules.generate": MANAGERS,
    "schedules.job": MANAGERS,
    "schedules.job_status": MANAGERS,
    "schedules.cancel": MANAGERS,
    "schedules.schedules": STAFF,
    "schedules.grid": STAFF,
    "schedules.change_cell": MANAGERS,
    "schedules.publish": MANAGERS,
    "schedules.new_draft": MANAGERS,
    "schedules.diff": STAFF,
    "schedules.export_csv": STAFF,
    "schedules.export_xlsx": STAFF,
    "schedules.print_view": STAFF,
    "schedules.discard": MANAGERS,
    "call.overview": EVERYONE,
    "call.generate": MANAGERS,
    "call.view": EVERYONE,
    "call.publish": MANAGERS,
    "call.edit_shift": MANAGERS,
    "call.discard": MANAGERS,
    "call.swaps": EVERYONE,
    "call.offer_swap": ("resident",),
    "call.offer_weeks": ("resident",),
    "call.accept_swap": ("resident",),
    "call.withdraw_swap": ("resident",),
    "call.approve_swap": MANAGERS,
    "call.decline_swap": MANAGERS,
    "me.my_schedule": ("resident",),
    "me.program_schedule": ("resident",),
    "me.my_calendar": ("resident",),
    "me.new_feed": ("resident",),
    "cases.my_cases": ("resident",),
    "cases.my_progress": ("resident",),
    "cases.queue": STAFF,
    "cases.verify": STAFF,
    "cases.overview": STAFF,
    "cases.resident_progress": STAFF,
    "cases.import_mine": ("resident",),
    "cases.import_program": MANAGERS,
    "cases.export_mine": ("resident",),
    "cases.export_program": MANAGERS,
    "cases.mark_entered": ("resident",),
    "cases.edit_case": ("resident",),
    "cases.delete_case": ("resident",),
    "cases.verify_selected": STAFF,
    "cases.catalogue": STAFF,
    "cases.edit_category": MANAGERS,
    "cases.delete_category": MANAGERS,
    "cases.edit_type": MANAGERS,
    "cases.delete_type": MANAGERS,
    "cases.edit_target": MANAGERS,
    "cases.delete_target": MANAGERS,
    "cases.save_favourite": ("resident",),
    "cases.delete_favourite": ("resident",),
    "cases.deficit_wishes": MANAGERS,
    "people.people": ("admin", "program_director"),
    "people.revoke": ("admin", "program_director"),
    "people.change_role": ("admin", "program_director"),
    "people.audit_log": ("admin", "program_director", "coordinator"),
}

# Routes outside a program and outside the API (whose table is in test_api.py): who may open
# them. ANYONE needs no sign-in: signing in, the password-reset pages, the health check,
# assets, and calendar feeds (whose token is the key); SIGNED_IN is any signed-in person,
# for their own account. test_every_route_outside_a_program_says_who_may_open_it fails
# until a new route is here.
ANYONE, SIGNED_IN = "anyone", "signed in"
OUTSIDE_PROGRAMS = {
    "auth.login": ANYONE,
    "auth.forgot_password": ANYONE,
    "auth.reset_password": ANYONE,
    "health.healthz": ANYONE,
    "me.feed": ANYONE,
    "assets.icon": ANYONE,
    "assets.plotly_js": ANYONE,
    "favicon": ANYONE,
    "static": ANYONE,
    "auth.home": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.logout": SIGNED_IN,
    "auth.sign_out_everywhere": SIGNED_IN,
    "auth.revoke_token": SIGNED_IN,
    "auth.stop_feed": SIGNED_IN,
    "auth.notifications": SIGNED_IN,
    "auth.read_notifications": SIGNED_IN,
    "auth.email_notifications": SIGNED_IN,
}


def program_types(program):
    return [t for c in categories(program) for t in c.types]


def _program_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/programs/<int:program_id>")]


def test_every_program_route_has_an_access_rule(app):
    assert {rule.endpoint for rule in _program_rules(app)} == set(ALLOWED)


@pytest.fixture
def department(app, client, make_user):
    """Two programs: the sample program with one user per role, and 'Other IR' with its own
    chief."""
    make_user("setup.chief@example.org", "Duke IR", "chief")
    sign_in(client, "setup.chief@example.org")
    duke = program_id(app, "Duke IR")
    upload(client, f"/programs/{duke}/import", "file", "duke.toml", SAMPLE.read_text())
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():  # the import named the program as its file does
        name = db.session.get(Program, duke).name
    for role in ROLES:
        make_user(f"{role}@example.org", name, role)
    make_user("other.chief@example.org", "Other IR", "chief")
    spares = [make_user(f"spare{i}@example.org", name, "faculty") for i in range(len(ROLES))]
    changing = [make_user(f"changing{i}@example.org", name, "faculty")
                for i in range(len(ROLES))]
    with app.app_context():
        rotation = db.session.scalar(select(Rotation.id).where(
            Rotation.program_id == duke, Rotation.code == "SICU"))
        residents = db.session.scalars(select(Resident.id).where(
            Resident.program_id == duke).order_by(Resident.position)).all()
        # The resident account is linked to the resident who made the first request.
        request = db.session.get(Program, duke).requests[0]
        request.resident.user = db.session.scalar(select(User).where(
            User.email == "resident@example.org"))
        request_id = request.id
        residents = [r for r in residents if r != request.resident_id]
        # A finished solve and its schedule, published (faculty may look at it).
        draft = Schedule(program_id=duke, data={"status": "OPTIMAL", "residents": {}},
                         state="published", version=1)
        job = SolveJob(program_id=duke, state="done", program_toml="", schedule=draft)
        # and a published call schedule on it (publishing or discarding it again is refused)
        call = CallSchedule(program_id=duke, schedule=draft, state="published", version=1,
                            data={"duty": {}}, program_toml="")
        # and a shift of it offered by the linked resident
        offer = CallSwap(program_id=duke, call_schedule=call, pool="WKNIGHT",
                         start="2027-08-02T17:00", end="2027-08-03T07:00",
                         giver=request.resident)
        db.session.add_all([draft, job, call, offer])
        db.session.commit()
        schedule_id, job_id, call_id, swap_id = draft.id, job.id, call.id, offer.id
        program = db.session.get(Program, duke)
        # deleting a requirement or rule: one nothing else depends on (the last ones)
        requirement_id, rule_id = program.requirements[-1].id, program.rules[-1].id
        # a blackout (the vacation policy's pages): nothing depends on one
        blackout_id = program.blackouts[-1].id
        # a logged case of the linked resident
        case = Case(program_id=duke, resident=request.resident, day=date(2027, 8, 2),
                    procedures=[CaseProcedure(type=program_types(program)[0], primary=True)])
        db.session.add(case)
        db.session.commit()
        case_id = case.id
        # catalogue entries (a category with types and a used type: deleting them is refused,
        # with a redirect) and a favourite of the linked resident
        used = case.procedures[0].type
        favourite = CaseFavourite(resident_id=case.resident_id, name="Routine",
                                  primary_type_id=used.id)
        db.session.add(favourite)
        db.session.commit()
        catalogue = {"category": used.category_id, "type": used.id, "favourite": favourite.id,
                     "target": db.session.scalar(select(CaseTarget.id).where(
                         CaseTarget.program_id == duke).limit(1))}
        memberships = [_membership(duke, email) for email in spares]
        changes = [_membership(duke, email) for email in changing]
    return {"program": duke, "other": program_id(app, "Other IR"), "rotation": rotation,
            "residents": list(residents), "request": request_id, "schedule": schedule_id,
            "job": job_id, "call": call_id, "swap": swap_id,
            "requirement": requirement_id, "rule": rule_id,
            "blackout": blackout_id, "case": case_id, **catalogue,
            "memberships": memberships, "changes": changes}


def _membership(program: int, email: str) -> int:
    return db.session.scalar(select(Membership.id).join(User).where(
        Membership.program_id == program, User.email == email))


def _requests(app, ids: dict, role_index: int):
    """(method, url, endpoint) for every program route, ids filled from the department."""
    found = []
    for rule in _program_rules(app):
        values = {"program_id": ids["program"]}
        if "rotation_id" in rule.arguments:
            values["rotation_id"] = ids["rotation"]
        for name in ("schedule", "job", "call", "swap", "requirement", "rule", "case"):
            if f"{name}_id" in rule.arguments:
                values[f"{name}_id"] = ids[name]
        for name in ("category", "type", "target", "favourite"):
            if f"{name}_id" in rule.arguments:
                values[f"{name}_id"] = ids[name]
        if "request_id" in rule.arguments:
            values["request_id"] = ids["request"]
        if "section_name" in rule.arguments:
            values["section_name"] = "blackout"
        if "entry_id" in rule.arguments:
            values["entry_id"] = ids["blackout"]
        if "resident_id" in rule.arguments:
            # each role deletes a different resident, so every allowed delete really runs;
            # pages that only show a resident show one nobody deletes
            values["resident_id"] = ids["residents"][
                -1 if rule.endpoint == "cases.resident_progress" else role_index]
        if "membership_id" in rule.arguments:   # likewise, a role to remove or change
            values["membership_id"] = ids[
                "changes" if rule.endpoint == "people.change_role" else "memberships"][
                    role_index]
        url = rule.build(values)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((method, url, rule.endpoint))
    return found


def _call(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(app, client, department, role):
    sign_in(client, f"{role}@example.org")
    token = csrf_token(client, "/")
    for method, url, endpoint in _requests(app, department, ROLES.index(role)):
        status = _call(client, method, url, token).status_code
        if role in ALLOWED[endpoint]:
            # the verify queue lets a role in and refuses the empty form on its page (422:
            # a return without its comment comes back with the comment box to fill)
            allowed = (200, 302, 422) if endpoint == "cases.verify" else (200, 302)
            assert status in allowed, f"{role} {method} {url}: {status}"
        else:
            assert status == 403, f"{role} {method} {url}: {status}"


def test_another_programs_chief_sees_nothing_of_this_program(app, client, department):
    sign_in(client, "other.chief@example.org")
    token = csrf_token(client, "/")
    for method, url, _endpoint in _requests(app, department, 0):
        assert _call(client, method, url, token).status_code == 404, url
    # Nor through their own program's address with this program's row ids.
    other = department["other"]
    for url in (f"/programs/{other}/rotations/{department['rotation']}",
                f"/programs/{other}/residents/{department['residents'][0]}"):
        assert client.get(url).status_code == 404, url
    with app.app_context():  # and nothing was deleted by trying
        assert db.session.get(Rotation, department["rotation"]) is not None
        assert db.session.get(Resident, department["residents"][0]) is not None


def test_signed_out_visitors_are_sent_to_sign_in(app, client, department):
    for method, url, _endpoint in _requests(app, department, 0):
        response = client.get(url) if method == "GET" else client.post(url)
        if method == "GET":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
        else:  # a POST without a session has no CSRF token either
            assert response.status_code in (302, 400), url


def _outside_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if not rule.rule.startswith(("/programs/", "/api/"))]


def test_every_route_outside_a_program_says_who_may_open_it(app):
    assert {rule.endpoint for rule in _outside_rules(app)} == set(OUTSIDE_PROGRAMS)


def test_only_the_sign_in_free_pages_open_without_signing_in(app, client):
    values = {"token": "not-a-real-one", "resident_id": 1, "token_id": 1,
              "filename": "nothing.css"}
    for rule in _outside_rules(app):
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.get(url) if "GET" in rule.methods else client.post(url)
        to_sign_in = response.status_code == 302 \
            and response.headers["Location"].startswith("/login")
        if OUTSIDE_PROGRAMS[rule.endpoint] == ANYONE:
            assert not to_sign_in, url
        elif "GET" in rule.methods:
            assert to_sign_in, url
        else:   # a POST without a session has no CSRF token either
            assert to_sign_in or response.status_code == 400, url


def test_a_program_that_does_not_exist_looks_like_one_you_cannot_see(client, make_user):
    make_user("chief@example.org", "Duke IR", "chief")
    sign_in(client, "chief@example.org")
    assert client.get("/programs/999999/").status_code == 404


def test_every_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
        app, client, department):
    """A page of another site cannot make a signed-in user's browser change anything: every
    POST of a program needs the form's token, whoever is signed in."""
    with app.app_context():
        before = _row_counts()
    for role in ("admin", "program_director", "chief", "faculty", "resident"):
        sign_in(client, f"{role}@example.org")
        for method, url, endpoint in _requests(app, department, ROLES.index(role)):
            if method == "POST" and role in ALLOWED[endpoint]:
                response = client.post(url, data={"csrf_token": "forged"})
                assert response.status_code == 400, f"{role} POST {url}"
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        assert _row_counts() == before


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}
