"""The API keeps the promises of its OpenAPI document under generated input (schemathesis).

Every operation of `/api/v1/openapi.json`, loaded from the real app, is called with data
generated from its own schema — valid and invalid bodies, ids of real rows and random ones —
as a program director, a faculty member and a resident of a program with a published
schedule, a request, a logged case and a finished solve. Each answer must be no server error,
carry a documented status code and content type, match its documented body, reject what the
schema forbids with a 4xx and accept what it allows (or name the domain rule it breaks), and
refuse the same call without the token. Generated input never gets past the role rules.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from sqlalchemy import select
from test_api import API_ALLOWED
from web_support import PASSWORD, sign_in

from web.accounts import create_token, create_user
from web.cases.services import categories, log_case
from web.extensions import db
from web.models import Case, Program, Request, Resident, Schedule, SolveJob, User
from web.requests.services import submit

# Examples per operation: most with the ids of real rows (bodies and queries meet real data),
# a few with generated ids (unknown rows, other programs, junk in the path).
EXAMPLES = {(GenerationMode.POSITIVE, True): 20, (GenerationMode.NEGATIVE, True): 12,
            (GenerationMode.POSITIVE, False): 4, (GenerationMode.NEGATIVE, False): 4}
# A request the schema allows may still break a rule no JSON schema can state (a decline
# needs a reason, requests must fit the weight budget, a case cannot be in the future), so
# 422 is a fair answer to valid data; `parser_agrees_with_schema` checks that such a 422
# names a domain rule and is not the API's own parsing refusing what its document allows.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}})
REQUEST_PARTS = {"json", "query", "path", "headers", "cookies", "form", "files"}
REFUSED = {401, 403, 404, 405}   # answers that never reach a view's own logic


def parser_agrees_with_schema(ctx, response, case) -> None:
    """Data the document allows is never refused by the parsing of the request (marshmallow
    keys its errors by request part); a refusal names the field at fault."""
    if case.meta.generation.mode.is_positive and response.status_code == 422:
        errors = response.json().get("errors") or {}
        assert errors, f"a 422 that names nothing: {response.text}"
        assert not REQUEST_PARTS & set(errors), f"valid data refused by the parser: {errors}"


@pytest.fixture
def idle_queue(app):
    """Solves go to a real Redis queue (a database of its own) that no worker takes from:
    a solve started by the fuzzer is queued, not run. Emptied afterwards."""
    from redis import Redis

    url = "redis://127.0.0.1:6379/14"
    app.config.update(SOLVE_QUEUE="rq", REDIS_URL=url)
    yield
    Redis.from_url(url).flushdb()


@pytest.fixture
def api(app, cases, idle_queue):
    """The schema loaded from the app, a token per role, the ids of real rows and the
    catalogue's codes. Solves are queued, but no worker is started."""
    pid = cases["id"]
    with app.app_context():
        program = db.session.get(Program, pid)
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        faculty = db.session.get(User, cases["faculty"])
        director = create_user("pd@example.org", PASSWORD, program,
                               "program_director").user
        codes = {t.code: t.id for c in categories(program) for t in c.types}
        case, outcome = log_case(program, ash, {"day": date.today(), "primary": codes["PICC"],
                                                "attending": faculty.id})
        assert outcome.ok, outcome
        assert submit(program, ash, {"kind": "vacation", "weeks": [30], "weight": 1,
                                     "note": ""}, 10).ok
        job = SolveJob(program_id=pid, state="done", program_toml="")
        db.session.add(job)
        db.session.flush()
        ids = {"program_id": pid, "case_id": case.id, "job_id": job.id,
               "request_id": db.session.scalar(select(Request.id).where(
                   Request.program_id == pid)),
               "schedule_id": db.session.scalar(select(Schedule.id).where(
                   Schedule.program_id == pid))}
        tokens = {role: {"Authorization": f"Bearer {create_token(user)}"} for role, user in
                  (("program_director", director), ("faculty", faculty),
                   ("resident", ash.user))}
        email = faculty.email
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    return {"schema": schema, "ids": ids, "tokens": tokens, "codes": sorted(codes),
            "faculty": email}


def _endpoints(app) -> dict[str, str]:
    """'METHOD /path/{arg}' of each API operation -> its Flask endpoint."""
    found = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[f"{method} {path}"] = rule.endpoint
    return found


def _case_strategy(operation, mode: GenerationMode, path_parameters: dict, api: dict):
    """Generated cases of `operation`. Logging a case also gets, often, codes from the
    catalogue, the program's faculty and days of this residency, so generated cases are
    stored, not only refused for an unknown procedure."""
    cases = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    if not (operation.label.startswith("POST") and operation.path.endswith("/cases")
            and mode is GenerationMode.POSITIVE):
        return cases
    today = date.today()
    known = st.fixed_dictionaries({
        "primary": st.sampled_from(api["codes"]),
        "others": st.lists(st.sampled_from(api["codes"]), max_size=3),
        "attending": st.sampled_from([None, api["faculty"]]),
        "day": st.dates(today - timedelta(days=400), today).map(date.isoformat)})

    def realistic(pair):
        case, values = pair
        if isinstance(case.body, dict):
            case.body = {**case.body, **values}
        return case

    return st.one_of(cases, st.tuples(cases, known).map(realistic))


def _exercise(operation, mode: GenerationMode, path_parameters: dict | None, api: dict,
              role: str) -> list[tuple[str, int]]:
    """Call `operation` with generated cases, checking each answer; (label, status) each."""
    answers = []
    examples = EXAMPLES[mode, path_parameters is not None]

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(case=_case_strategy(operation, mode, path_parameters or {}, api))
    def run(case):
        response = case.call_and_validate(headers=api["tokens"][role],
                                          additional_checks=[parser_agrees_with_schema])
        answers.append((operation.label, response.status_code))

    run()
    return answers


@pytest.mark.parametrize("role", ["program_director", "faculty", "resident"])
def test_every_operation_answers_as_its_schema_promises(app, api, role):
    answers: list[tuple[str, int]] = []
    operations = [result.ok() for result in api["schema"].get_all_operations()]
    for operation in operations:
        known = {p.name: api["ids"][p.name] for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in (known, None) if known else (known,):
                answers += _exercise(operation, mode, path_parameters, api, role)
    endpoints = _endpoints(app)
    statuses = {operation.label: Counter(s for label, s in answers if label == operation.label)
                for operation in operations}
    assert {endpoints[label] for label in statuses} == {*API_ALLOWED, "api.programs"}
    for label, seen in statuses.items():
        allowed = API_ALLOWED.get(endpoints[label], (role,))
        if role in allowed:    # the generated calls reached the operation's own logic
            assert set(seen) - REFUSED, f"{role} {label}: only {dict(seen)}"
        else:                  # and nothing generated got past the role rules
            assert not [s for s in seen if s < 300], f"{role} {label}: {dict(seen)}"


# -- what the fuzzing found, pinned ---------------------------------------------------------

def test_an_id_no_database_can_hold_is_not_found(app, client, api):
    pid = api["ids"]["program_id"]
    for huge in (2**31, 2**63, 10**30):
        for path in (f"/api/v1/programs/{huge}", f"/api/v1/programs/{pid}/cases/{huge}"
                                                 "/verification"):
            method = client.post if path.endswith("verification") else client.get
            assert method(path, headers=api["tokens"]["faculty"],
                          json={"verified": True}).status_code == 404, path
    sign_in(client, "ash@example.org")
    assert client.get(f"/programs/{2**63}/").status_code == 404
    assert client.get(f"/programs/{pid}/").status_code == 200


def test_api_times_carry_their_utc_offset(client, api):
    pid = api["ids"]["program_id"]
    headers = api["tokens"]["program_director"]
    stamps = [client.get(f"/api/v1/programs/{pid}/schedules", headers=headers
                         ).get_json()[0]["created_at"],
              client.get(f"/api/v1/programs/{pid}/solve-jobs/{api['ids']['job_id']}",
                         headers=headers).get_json()["created_at"]]
    for stamp in stamps:
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0), stamp


def test_text_with_a_nul_character_is_refused_with_its_field_named(app, client, api):
    pid, case_id = api["ids"]["program_id"], api["ids"]["case_id"]
    returned = client.post(f"/api/v1/programs/{pid}/cases/{case_id}/verification",
                           headers=api["tokens"]["faculty"],
                           json={"verified": False, "comment": "\x00"})
    assert returned.status_code == 422
    assert "NUL" in str(returned.get_json()["errors"]["json"]["comment"])
    logged = client.post(f"/api/v1/programs/{pid}/cases", headers=api["tokens"]["resident"],
                         json={"day": date.today().isoformat(), "primary": "PICC",
                               "notes": "left arm\x00"})
    assert logged.status_code == 422 and "notes" in logged.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.get(Case, case_id).state == "pending"


def test_a_case_listing_another_procedure_twice_keeps_it_once(client, api):
    created = client.post(f"/api/v1/programs/{api['ids']['program_id']}/cases",
                          headers=api["tokens"]["resident"],
                          json={"day": date.today().isoformat(), "primary": "PICC",
                                "others": ["ABSCESS-DRAIN", "ABSCESS-DRAIN", "PICC"]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["procedures"] == ["PICC", "ABSCESS-DRAIN"]
