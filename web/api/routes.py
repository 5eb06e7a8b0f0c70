"""API views: thin, calling the same services as the pages."""

from __future__ import annotations

from functools import wraps

from flask import g, request, url_for
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from .. import clock
from ..access import EVERYONE, MANAGERS, STAFF
from ..accounts import resident_of, user_for_token
from ..cases import services as cases
from ..cases import unverified
from ..extensions import db
from ..models import Case, Program, Request, Resident, Schedule, SolveJob
from ..requests import services as requests
from ..schedules import solving
from ..schedules.services import latest_published
from ..transaction import in_one_transaction
from .schemas import (
    CaseEditSchema,
    CaseSchema,
    DecisionSchema,
    MeasureSchema,
    NewRequestSchema,
    NewSolveSchema,
    ProgramSchema,
    RequestSchema,
    ResidentSchema,
    ScheduleSchema,
    ScheduleSummarySchema,
    SolveJobSchema,
    VerificationSchema,
)

blp = Blueprint("api", __name__, url_prefix="/api/v1",
                description="Programs, residents, requests, schedules, solve jobs and case "
                            "logs")


def _user():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401, message="an API token is needed: Authorization: Bearer rsd_...")
    return user


def _program(program_id: int, *roles: str):
    """(user, program, roles held); 404 without a role in it, 403 without one of `roles`."""
    user = _user()
    program = db.session.get(Program, program_id)
    held = user.roles_in(program) if program is not None else set()
    if not held:
        abort(404, message="no such program")
    if roles and not held & set(roles):
        abort(403, message="your role in this program does not allow this")
    return user, program, held


def allowed(*roles: str):
    """Check the token and the role before the request body is even read, so a caller who
    may not do something learns nothing more than 401, 404 or 403; keep the user, program
    and roles for the view (`_resolved`), and run it in the request's one transaction."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            g.api_user, g.program, g.roles = _program(kwargs["program_id"], *roles)
            return in_one_transaction(view)(*args, **kwargs)

        return guarded

    return decorate


def _resolved():
    """(user, program, roles held) as the guard resolved them for this request."""
    return g.api_user, g.program, g.roles


def _linked_resident(user, program) -> Resident:
    """The resident the caller's account is linked to in the program; 409 without one."""
    resident = resident_of(user, program)
    if resident is None:
        abort(409, message="your account is not linked to a resident of this program")
        raise AssertionError("abort returned")
    return resident


def _row(model, program, row_id: int):
    row = db.session.get(model, row_id)
    if row is None or row.program_id != program.id:
        abort(404, message="not found")
    return row


def _outcome_errors(outcome) -> dict:
    return {"errors": {**{k or "request": v for k, v in outcome.field_errors.items()},
                       **({"program": [f"{e.path}: {e.message}" for e in outcome.errors]}
                          if outcome.errors else {})}}


@blp.get("/programs")
@blp.response(200, ProgramSchema(many=True))
def programs():
    """The programs you have a role in."""
    user = _user()
    found = {m.program for m in user.memberships}
    return [_program_view(p, user.roles_in(p)) for p in sorted(found, key=lambda p: p.name)]


def _program_view(program, roles) -> dict:
    return {"id": program.id, "name": program.name, "year_start": program.year_start,
            "calendar": program.calendar, "levels": program.levels,
            "tracks": program.tracks, "vacation_weeks": program.vacation_weeks,
            "time_zone": clock.zone(program).key, "roles": sorted(roles)}


@blp.get("/programs/<int:program_id>")
@allowed(*EVERYONE)
@blp.response(200, ProgramSchema)
def program(program_id: int):
    """One program's year settings, and your roles in it."""
    _user_, found, held = _resolved()
    return _program_view(found, held)


@blp.get("/programs/<int:program_id>/residents")
@allowed(*STAFF)
@blp.response(200, ResidentSchema(many=True))
def residents(program_id: int):
    """The program's residents (staff only)."""
    _u, found, _h = _resolved()
    return found.residents


@blp.get("/programs/<int:program_id>/requests")
@allowed(*EVERYONE)
@blp.response(200, RequestSchema(many=True))
def list_requests(program_id: int):
    """Every request (staff), or your own (residents)."""
    user, found, held = _resolved()
    if held & set(STAFF):
        return found.requests
    mine = resident_of(user, found)
    return [r for r in found.requests if mine is not None and r.resident_id == mine.id]


@blp.post("/programs/<int:program_id>/requests")
@allowed("resident")
@blp.arguments(NewRequestSchema)
@blp.response(201, RequestSchema)
@blp.alt_response(422, schema=None, description="the request is incomplete or not valid")
def new_request(data, program_id: int):
    """Send a request as the resident your account is linked to."""
    user, found, _h = _resolved()
    resident = _linked_resident(user, found)
    if found.year_start is None:
        abort(409, message="the program's year is not set up yet")
    from flask import current_app

    outcome = requests.submit(found, resident, data,
                              int(current_app.config["REQUEST_WEIGHT_BUDGET"]))
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))
    return db.session.scalar(select(Request).where(Request.resident_id == resident.id)
                             .order_by(Request.id.desc()).limit(1))


@blp.post("/programs/<int:program_id>/requests/<int:request_id>/decision")
@allowed(*MANAGERS)
@blp.arguments(DecisionSchema)
@blp.response(200, RequestSchema)
def decide(data, program_id: int, request_id: int):
    """Approve (hard), keep as a wish (soft) or decline (with a reason) a request."""
    user, found, _h = _resolved()
    row = _row(Request, found, request_id)
    outcome = requests.decide(found, row, data["decision"], data["reason"], user)
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))
    return row


@blp.get("/programs/<int:program_id>/schedules")
@allowed(*STAFF)
@blp.response(200, ScheduleSummarySchema(many=True))
def schedules(program_id: int):
    """Published versions (staff) and drafts (those who can publish)."""
    _u, found, held = _resolved()
    query = select(Schedule).where(Schedule.program_id == found.id)
    if not held & set(MANAGERS):
        query = query.where(Schedule.state == "published")
    return db.session.scalars(query.order_by(Schedule.id.desc())).all()


@blp.get("/programs/<int:program_id>/schedules/<int:schedule_id>")
@allowed(*STAFF)
@blp.response(200, ScheduleSchema)
def schedule(program_id: int, schedule_id: int):
    """One schedule, with its schedule file."""
    _u, found, held = _resolved()
    row = _row(Schedule, found, schedule_id)
    if row.state == "draft" and not held & set(MANAGERS):
        abort(403, message="drafts are visible to those who can publish")
    return row


@blp.get("/programs/<int:program_id>/schedules/published")
@allowed(*STAFF)
@blp.response(200, ScheduleSchema)
def published(program_id: int):
    """The latest published version."""
    _u, found, _h = _resolved()
    row = latest_published(found)
    if row is None:
        abort(404, message="nothing is published yet")
    return row


@blp.post("/programs/<int:program_id>/solve-jobs")
@allowed(*MANAGERS)
@blp.arguments(NewSolveSchema)
@blp.response(202, SolveJobSchema)
def start_solve(data, program_id: int):
    """Start a solve (it runs in a worker); poll the job for progress and the answer."""
    user, found, _h = _resolved()
    previous = latest_published(found) if data["freeze_through"] else None
    if data["freeze_through"] and previous is None:
        abort(409, message="re-solving mid-year needs a published schedule")
    try:
        job = solving.start(found, user, float(data["time_limit"]), previous=previous,
                            freeze_through=data["freeze_through"])
    except solving.SolveError as exc:
        abort(409, message=str(exc))
    return job, 202, {"Location": url_for("api.solve_job", program_id=found.id,
                                          job_id=job.id)}


@blp.get("/programs/<int:program_id>/solve-jobs/<int:job_id>")
@allowed(*MANAGERS)
@blp.response(200, SolveJobSchema)
def solve_job(program_id: int, job_id: int):
    """A solve job: state, progress, and its draft or conflicts when finished."""
    _u, found, _h = _resolved()
    row = _row(SolveJob, found, job_id)
    solving.reap(row)
    if row.state == "queued" and row.dispatched_at is None:
        solving.move_queue()   # the queue moves even when no browser is watching it
    return row


@blp.post("/programs/<int:program_id>/solve-jobs/<int:job_id>/cancel")
@allowed(*MANAGERS)
@blp.response(200, SolveJobSchema)
def cancel_solve(program_id: int, job_id: int):
    """Stop a solve; the best schedule found so far is kept as a draft."""
    _u, found, _h = _resolved()
    row = _row(SolveJob, found, job_id)
    solving.cancel(row)
    return row


# -- case logs ------------------------------------------------------------------------------

@blp.get("/programs/<int:program_id>/cases")
@allowed(*EVERYONE)
@blp.response(200, CaseSchema(many=True))
def list_cases(program_id: int):
    """Your cases (residents), or every case of the program (staff); newest first."""
    user, found, held = _resolved()
    query = select(Case).where(Case.program_id == found.id)
    if not held & set(STAFF):
        mine = resident_of(user, found)
        query = query.where(Case.resident_id == (mine.id if mine else -1))
    return db.session.scalars(query.order_by(Case.day.desc(), Case.id.desc())
                              .limit(500)).all()


def _case_form(found: Program, resident: Resident, data: dict) -> dict:
    """A case as the API takes it (procedure codes, the attending's e-mail) as the case
    form gives it (ids); 422 for an unknown code or someone not of the faculty."""
    types = {t.code: t.id for c in cases.categories(found) for t in c.types}
    unknown = [c for c in [data["primary"], *data["others"]] if c not in types]
    if unknown:
        abort(422, errors={"procedures": [f"unknown procedure type(s): {', '.join(unknown)}"]})
    attending = 0
    if data["attending"]:
        match = next((u for u in cases.attendings(found, resident)
                      if u.email == data["attending"].lower()), None)
        if match is None:
            abort(422, errors={"attending": ["not one of the program's faculty"]})
            raise AssertionError("abort returned")
        attending = match.id
    return {**data, "primary": types[data["primary"]],
            "others": [types[c] for c in data["others"]], "attending": attending}


@blp.post("/programs/<int:program_id>/cases")
@allowed("resident")
@blp.arguments(CaseSchema)
@blp.response(201, CaseSchema)
def new_case(data, program_id: int):
    """Log a case as the resident your account is linked to."""
    user, found, _h = _resolved()
    resident = _linked_resident(user, found)
    case, outcome = cases.log_case(found, resident, _case_form(found, resident, data))
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))
    return case


def _own_case(found: Program, resident: Resident, case_id: int) -> Case:
    """The caller's own case (404 for anyone else's); 409 once it is verified."""
    case = _row(Case, found, case_id)
    if case.resident_id != resident.id:
        abort(404, message="not found")
    if not case.correctable:
        abort(409, message=unverified.FINAL)
    return case


@blp.put("/programs/<int:program_id>/cases/<int:case_id>")
@allowed("resident")
@blp.arguments(CaseEditSchema)
@blp.response(200, CaseSchema)
def edit_case(data, program_id: int, case_id: int):
    """Replace your own case, checked as a new one is, until it is verified; a returned
    case goes back to its attending."""
    user, found, _h = _resolved()
    resident = _linked_resident(user, found)
    case = _own_case(found, resident, case_id)
    outcome = unverified.edit_case(case, resident, _case_form(found, resident, data), user)
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))
    return case


@blp.delete("/programs/<int:program_id>/cases/<int:case_id>")
@allowed("resident")
@blp.response(204)
def delete_case(program_id: int, case_id: int):
    """Delete your own case, until it is verified."""
    user, found, _h = _resolved()
    resident = _linked_resident(user, found)
    outcome = unverified.delete_case(_own_case(found, resident, case_id), resident, user)
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))


@blp.post("/programs/<int:program_id>/cases/<int:case_id>/verification")
@allowed(*STAFF)
@blp.arguments(VerificationSchema)
@blp.response(200, CaseSchema)
def verify_case(data, program_id: int, case_id: int):
    """Verify a case, or return it with a comment (its named attending only)."""
    user, found, _h = _resolved()
    case = _row(Case, found, case_id)
    if case.attending_id != user.id:
        abort(403, message="only the case's attending can verify it")
    outcome = cases.verify(case, user, data["verified"], data["comment"])
    if not outcome.ok:
        abort(422, **_outcome_errors(outcome))
    return case


@blp.get("/programs/<int:program_id>/progress")
@allowed("resident")
@blp.response(200, MeasureSchema(many=True))
def my_progress(program_id: int):
    """Your progress against the program's targets (residents)."""
    user, found, _h = _resolved()
    resident = _linked_resident(user, found)
    view = cases.resident_view(found, resident)
    paced = {id(p.measure): p for p in view["projections"]}   # names may repeat
    return [{"target": m.target, "done": m.done, "met": m.met,
             "projected": paced[id(m)].projected if id(m) in paced else None,
             "pace": paced[id(m)].sentence() if id(m) in paced else None}
            for m in view["measures"]]
