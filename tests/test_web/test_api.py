"""The JSON API: token authentication, the same role rules as the pages, and an OpenAPI
document generated from the code."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select
from test_solving import TINY
from web_support import PASSWORD, chief_imports

from web.access import EVERYONE, MANAGERS, STAFF
from web.accounts import create_token, create_user
from web.cases.services import categories
from web.extensions import db
from web.models import (
    ROLES,
    Case,
    CaseProcedure,
    Program,
    Resident,
    Schedule,
    SolveJob,
    User,
)


@pytest.fixture
def tokens(app, client, make_user):
    """TINY with a chief, a linked resident (ash), and a chief of another program."""
    pid = chief_imports(app, client, make_user, TINY)
    make_user("ash@example.org", "Tiny IR", "resident")
    make_user("other@example.org", "Other program", "chief")
    found = {"program": pid}
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        db.session.scalar(select(Resident).where(Resident.key == "ash")).user = \
            users["ash@example.org"]
        for email in ("chief@example.org", "ash@example.org", "other@example.org"):
            found[email.split("@")[0]] = {"Authorization":
                                          f"Bearer {create_token(users[email], 'test')}"}
        db.session.commit()
    return found


def test_the_openapi_document_describes_every_area(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    paths = set(spec["paths"])
    for path in ("/api/v1/programs", "/api/v1/programs/{program_id}/residents",
                 "/api/v1/programs/{program_id}/requests",
                 "/api/v1/programs/{program_id}/schedules/{schedule_id}",
                 "/api/v1/programs/{program_id}/solve-jobs/{job_id}"):
        assert path in paths, path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_without_a_valid_token_nothing_is_answered(client, tokens):
    for headers in ({}, {"Authorization": "Bearer rsd_not-a-token"},
                    {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/programs", headers=headers)
        assert response.status_code == 401
        assert "API token" in response.get_json()["message"]


def test_a_resident_token_sees_only_what_the_resident_may(client, tokens):
    pid = tokens["program"]
    listing = client.get("/api/v1/programs", headers=tokens["ash"]).get_json()
    assert [(p["id"], p["roles"]) for p in listing] == [(pid, ["resident"])]
    assert listing[0]["time_zone"] == "UTC"    # the installation's: the program chose none
    assert client.get(f"/api/v1/programs/{pid}/residents",
                      headers=tokens["ash"]).status_code == 403
    created = client.post(f"/api/v1/programs/{pid}/requests", headers=tokens["ash"],
                          json={"kind": "vacation", "weeks": [30], "weight": 2,
                                "note": "API request"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["status"], body["resident"], body["details"]) == (
        "pending", "ash", {"weeks": ["2028-01-24"]})
    mine = client.get(f"/api/v1/programs/{pid}/requests", headers=tokens["ash"]).get_json()
    assert {r["resident"] for r in mine} == {"ash"}
    bad = client.post(f"/api/v1/programs/{pid}/requests", headers=tokens["ash"],
                      json={"kind": "assign", "target": "IR", "weight": 1})
    assert bad.status_code == 422
    assert "choose the block(s)" in str(bad.get_json())


def test_another_programs_token_gets_404(client, tokens):
    pid = tokens["program"]
    for path in (f"/api/v1/programs/{pid}", f"/api/v1/programs/{pid}/schedules",
                 f"/api/v1/programs/{pid}/solve-jobs/1"):
        assert client.get(path, headers=tokens["other"]).status_code == 404, path


def test_chief_decides_and_solves_through_the_api(app, client, tokens):
    pid = tokens["program"]
    requests = client.get(f"/api/v1/programs/{pid}/requests", headers=tokens["chief"]
                          ).get_json()
    decided = client.post(f"/api/v1/programs/{pid}/requests/{requests[0]['id']}/decision",
                          headers=tokens["chief"], json={"decision": "approved"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    started = client.post(f"/api/v1/programs/{pid}/solve-jobs", headers=tokens["chief"],
                          json={"time_limit": 10})
    assert started.status_code == 202, started.get_json()
    job_url = started.headers["Location"]
    deadline = time.monotonic() + 60
    job = client.get(job_url, headers=tokens["chief"]).get_json()
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
        job = client.get(job_url, headers=tokens["chief"]).get_json()
    assert job["state"] == "done" and job["solver_status"] == "OPTIMAL", job
    schedule = client.get(f"/api/v1/programs/{pid}/schedules/{job['schedule_id']}",
                          headers=tokens["chief"]).get_json()
    assert schedule["state"] == "draft"
    assert sorted(schedule["schedule"]["residents"]) == ["ash", "bea", "cal"]
    assert client.get(f"/api/v1/programs/{pid}/schedules/published",
                      headers=tokens["chief"]).status_code == 404
    with app.app_context():
        assert db.session.get(Program, pid) is not None


# endpoint -> roles allowed, for every API route of a program
API_ALLOWED = {
    "api.program": EVERYONE,
    "api.residents": STAFF,
    "api.list_requests": EVERYONE,
    "api.new_request": ("resident",),
    "api.decide": MANAGERS,
    "api.schedules": STAFF,
    "api.schedule": STAFF,
    "api.published": STAFF,
    "api.start_solve": MANAGERS,
    "api.solve_job": MANAGERS,
    "api.cancel_solve": MANAGERS,
    "api.list_cases": EVERYONE,
    "api.new_case": ("resident",),
    "api.edit_case": ("resident",),
    "api.delete_case": ("resident",),
    "api.verify_case": ("faculty",),  # only the case's attending: here, the faculty member
    "api.my_progress": ("resident",),
}
BODIES = {"api.new_request": {"kind": "vacation", "weeks": [40]},
          "api.decide": {"decision": "wish"}, "api.start_solve": {"time_limit": 5},
          "api.new_case": {"day": date.today().isoformat(), "primary": "PICC",
                           "patient_ref": "K7"},
          "api.edit_case": {"day": date.today().isoformat(), "primary": "PICC"},
          "api.verify_case": {"verified": True}}


@pytest.fixture
def every_role(app, tokens):
    """A token per role in the TINY program (the resident linked to Ash), a published
    schedule, a request and a finished job to point at; solves only go to a Redis queue
    nobody works, so none runs."""
    from redis import Redis

    queue = "redis://127.0.0.1:6379/10"   # test_solving.py uses 9
    Redis.from_url(queue).flushdb()
    app.config.update(SOLVE_QUEUE="rq", REDIS_URL=queue)
    pid = tokens["program"]
    found = {"ids": {"program_id": pid}}
    with app.app_context():
        program = db.session.get(Program, pid)
        users = {"resident": db.session.scalar(select(User).where(
            User.email == "ash@example.org"))}
        for role in ROLES:
            if role != "resident":
                users[role] = create_user(f"{role}.matrix@example.org", PASSWORD,
                                          program, role).user
        schedule = Schedule(program_id=pid, state="published", version=1,
                            data={"status": "OPTIMAL", "residents": {}})
        job = SolveJob(program_id=pid, state="done", program_toml="")
        db.session.add_all([schedule, job])
        db.session.flush()
        picc = next(t for c in categories(program) for t in c.types if t.code == "PICC")
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        case = Case(program_id=pid, resident=ash, day=date.today(), attending=users["faculty"],
                    procedures=[CaseProcedure(type=picc, primary=True)])
        db.session.add(case)
        db.session.flush()
        found["ids"].update(schedule_id=schedule.id, job_id=job.id, case_id=case.id,
                            request_id=program.requests[0].id)
        found["tokens"] = {role: {"Authorization": f"Bearer {create_token(user)}"}
                           for role, user in users.items()}
        db.session.commit()
    yield found
    Redis.from_url(queue).flushdb()


def _api_routes(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/programs/<int:program_id>")]


def _call(client, rule, url: str, headers: dict):
    """Call a route with its own method (a body from BODIES, when it takes one)."""
    if "GET" in rule.methods:
        return client.get(url, headers=headers)
    method = next(m for m in ("POST", "PUT", "DELETE") if m in rule.methods)
    return client.open(url, method=method, headers=headers,
                       json=BODIES.get(rule.endpoint, {}))


def test_every_api_route_has_an_access_rule(app):
    assert {rule.endpoint for rule in _api_routes(app)} == set(API_ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_api_routes(app, client, every_role, role):
    for rule in _api_routes(app):
        url = rule.build({k: v for k, v in every_role["ids"].items()
                          if k in rule.arguments})[1]
        status = _call(client, rule, url, every_role["tokens"][role]).status_code
        if role in API_ALLOWED[rule.endpoint]:
            assert status in (200, 201, 202, 204), f"{role} {url}: {status}"
        else:
            assert status == 403, f"{role} {url}: {status}"


def test_another_programs_token_finds_no_api_route(app, client, every_role, tokens):
    for rule in _api_routes(app):
        url = rule.build({k: v for k, v in every_role["ids"].items()
                          if k in rule.arguments})[1]
        assert _call(client, rule, url, tokens["other"]).status_code == 404, url


def test_cases_through_the_api(app, client, tokens, make_user):
    pid = tokens["program"]
    with app.app_context():
        program = db.session.get(Program, pid)
        create_user("dr.api@example.org", PASSWORD, program, "faculty")
        faculty = {"Authorization": "Bearer " + create_token(db.session.scalar(
            select(User).where(User.email == "dr.api@example.org")))}
        db.session.commit()
    refused = client.post(f"/api/v1/programs/{pid}/cases", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "PICC", "patient_ref": "Jane Doe"})
    assert refused.status_code == 422 and "looks like a name" in str(refused.get_json())
    unknown = client.post(f"/api/v1/programs/{pid}/cases", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "NOPE"})
    assert unknown.status_code == 422 and "NOPE" in str(unknown.get_json())
    created = client.post(f"/api/v1/programs/{pid}/cases", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "EMBO-TUMOR", "others": ["ANGIO-ARTERIAL"],
        "attending": "dr.api@example.org", "patient_ref": "K7"})
    assert created.status_code == 201, created.get_json()
    case = created.get_json()
    assert case["procedures"] == ["EMBO-TUMOR", "ANGIO-ARTERIAL"] and case["state"] == "pending"
    assert "patient_ref" not in case and "K7" not in str(case)
    verified = client.post(f"/api/v1/programs/{pid}/cases/{case['id']}/verification",
                           headers=faculty, json={"verified": True})
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified"
    progress = client.get(f"/api/v1/programs/{pid}/progress", headers=tokens["ash"]).get_json()
    embolization = next(m for m in progress if m["target"] == "Embolization (example)")
    assert (embolization["done"], embolization["confirmed"]) == (1, False)
    assert embolization["projected"] >= 1 and embolization["pace"].startswith(
        f"At this pace, {embolization['projected']} of 40")
    mqsa = next((m for m in progress if m["target"] == "MQSA mammography reads"), None)
    # a windowed target is paced only once its counting period has begun (Ash's has not:
    # the progress page says when it counts from), as on the progress page
    assert mqsa is not None and (mqsa["projected"], mqsa["pace"]) == (None, None)


def test_a_resident_edits_and_deletes_their_case_through_the_api(app, client, tokens):
    """The same rules as the pages: checked as a new case, a returned case goes back to its
    attending, a verified case is final (409), another resident's case is not found."""
    pid = tokens["program"]
    with app.app_context():
        program = db.session.get(Program, pid)
        faculty = create_user("dr.api@example.org", PASSWORD, program, "faculty").user
        create_user("bea@example.org", PASSWORD, program, "resident")
        bea = db.session.scalar(select(User).where(User.email == "bea@example.org"))
        db.session.scalar(select(Resident).where(Resident.key == "bea")).user = bea
        attending = {"Authorization": f"Bearer {create_token(faculty)}"}
        other = {"Authorization": f"Bearer {create_token(bea)}"}
        db.session.commit()
    cases = f"/api/v1/programs/{pid}/cases"
    logged = [client.post(cases, headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "PICC", "attending": "dr.api@example.org",
        "patient_ref": "K7"}).get_json()["id"] for _ in range(3)]
    client.post(f"{cases}/{logged[0]}/verification", headers=attending,
                json={"verified": False, "comment": "you assisted"})

    refused = client.put(f"{cases}/{logged[0]}", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "PICC", "notes": "seen with Jane Doe"})
    assert refused.status_code == 422 and "name" in str(refused.get_json())
    assert client.put(f"{cases}/{logged[0]}", headers=other, json={
        "day": date.today().isoformat(), "primary": "PICC"}).status_code == 404
    fixed = client.put(f"{cases}/{logged[0]}", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "PORT", "role": "assistant",
        "attending": "dr.api@example.org"})
    assert fixed.status_code == 200, fixed.get_json()
    assert (fixed.get_json()["state"], fixed.get_json()["role"],
            fixed.get_json()["procedures"], fixed.get_json()["comment"]) == (
        "pending", "assistant", ["PORT"], "you assisted")   # kept beside the fix
    with app.app_context():
        assert db.session.get(Case, logged[0]).patient_hash is not None   # kept

    client.post(f"{cases}/{logged[1]}/verification", headers=attending, json={"verified": True})
    final = client.put(f"{cases}/{logged[1]}", headers=tokens["ash"], json={
        "day": date.today().isoformat(), "primary": "PORT"})
    assert final.status_code == 409 and "final" in final.get_json()["message"]
    assert client.delete(f"{cases}/{logged[1]}", headers=tokens["ash"]).status_code == 409
    assert client.delete(f"{cases}/{logged[2]}", headers=other).status_code == 404
    assert client.delete(f"{cases}/{logged[2]}", headers=tokens["ash"]).status_code == 204
    listed = client.get(cases, headers=tokens["ash"]).get_json()
    assert sorted(c["id"] for c in listed) == logged[:2]
    assert [c["state"] for c in sorted(listed, key=lambda c: c["id"])] == [
        "pending", "verified"]
