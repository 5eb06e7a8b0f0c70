"""Case-log services: the program's catalogue, logging a case, verifying it, progress.

A case never holds a patient identifier: the optional patient reference is checked by
`caselog.patient_ref` (names, MRNs, SSNs and dates are refused) and only its keyed hash is
kept. The rotation is filled in from the published schedule for the case's day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caselog import Catalogue, Measure, Target, reference_hash, reference_problem
from caselog.catalogue import Category
from caselog.catalogue import ProcedureType as TypeEntry
from caselog.phi import patient_information
from caselog.progress import best_window, category_key, in_period, measure_key
from caselog.standing import NOT_YET
from scheduler.calendar import day_in_words
from scheduler.schedule import as_file, halves

from .. import audit, charts, clock
from .. import curves as curves_svg
from ..entries import Outcome
from ..extensions import db
from ..models import (
    Case,
    CaseProcedure,
    CaseTarget,
    Membership,
    ProcedureCategory,
    ProcedureType,
    Program,
    Resident,
    User,
)
from ..models.columns import now
from ..notify import notify, page
from ..schedules.services import latest_published
from ..transaction import kept_if_ok
from . import pace, tally
from .pace import graduation

EARLIEST_DAYS = 6 * 366   # a residency's worth of days back


def categories(program: Program) -> list[ProcedureCategory]:
    """The program's categories in order, their procedure types loaded with them."""
    return list(db.session.scalars(
        select(ProcedureCategory).where(ProcedureCategory.program_id == program.id)
        .order_by(ProcedureCategory.position).options(selectinload(ProcedureCategory.types))))


def catalogue_of(program: Program) -> Catalogue:
    """The program's catalogue and targets, as the domain package reads them."""
    cats = [Category(code=c.code, name=c.name,
                     kind=c.kind,  # type: ignore[arg-type]  # the database checks it
                     procedures=[
        TypeEntry(code=t.code, name=t.name, cpt=list(t.cpt)) for t in c.types])
        for c in categories(program) if c.types]
    targets = [Target.model_validate(t.entry) for t in db.session.scalars(
        select(CaseTarget).where(CaseTarget.program_id == program.id)
        .order_by(CaseTarget.position))]
    return Catalogue(category=cats, target=targets)


def attendings(program: Program, resident: Resident | None = None) -> list[User]:
    """The program's faculty, whom cases name as attending; for `resident`'s own cases,
    never the resident themselves (one who also holds the faculty role)."""
    query = select(User).join(Membership).where(
        Membership.program_id == program.id, Membership.role == "faculty",
        User.active.is_(True))
    if resident is not None and resident.user_id is not None:
        query = query.where(User.id != resident.user_id)
    return list(db.session.scalars(query.order_by(User.name, User.email)))


def rotation_finder(program: Program) -> Callable[[str, date], tuple[str, str]]:
    """A look-up (resident key, day) -> (rotation code, its site) in the published schedule
    (blank when none is published or the day is outside its year); reads the schedule once."""
    published = latest_published(program)
    if published is None or program.year_start is None:
        return lambda key, day: ("", "")
    rows = as_file(published.data).residents
    calendar = program.year_calendar
    sites = {r.code: r.site for r in program.rotations}

    def find(key: str, day: date) -> tuple[str, str]:
        block, row = calendar.block_of_day(day), rows.get(key)
        if block is None or row is None or block > len(row.rotations):
            return "", ""
        code = halves(row.rotations[block - 1])[calendar.half_of_day(day)]
        return code, sites.get(code, "")

    return find


def program_sites(program: Program) -> set[str]:
    """The sites the program itself names (its rotations'): trusted as they are."""
    return {r.site for r in program.rotations if r.site}


def phi_errors(program: Program, fields: dict[str, str],
               known_sites: set[str] | None = None) -> dict[str, list[str]]:
    """The free-text fields of a case (or comment, or favourite) that hold what looks like
    patient information (`caselog.phi`), each with the refusal in words. A site the program
    itself names is trusted (`known_sites`: `program_sites`, when a caller checks many)."""
    if known_sites is None:
        known_sites = program_sites(program)
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name == "site" and value.strip() in known_sites:
            continue
        found = patient_information(value)
        if found is not None:
            errors[name] = [f"this looks like {found}. Case logs never hold patient "
                            "information: reword it without it"]
    return errors


@dataclass(frozen=True)
class CaseEntry:
    """A case as its resident describes it, checked: the day, procedures (the primary first,
    each type once), role, attending, site (the rotation's when left blank), the rotation
    from the published schedule, complications, notes, and the patient reference as typed
    (only its keyed hash is ever kept)."""

    day: date
    primary: ProcedureType
    others: list[ProcedureType]
    role: str
    attending: User | None
    site: str
    rotation: str
    complications: str
    notes: str
    reference: str


def residency_began(program: Program, resident: Resident) -> date:
    """The day the resident's residency began, as far as the program knows: the start of
    the year they were at its first level (an R3 in the year from 1 July 2026: 1 July
    2024). EARLIEST_DAYS back where the program has no year or level for them, or its year
    has not begun (a year set up ahead lists next year's levels)."""
    start, levels = program.year_start, list(program.levels or [])
    if start is None or start > clock.today() or resident.level not in levels:
        return clock.today() - timedelta(days=EARLIEST_DAYS)
    years = levels.index(resident.level)
    try:
        return start.replace(year=start.year - years)
    except ValueError:   # 29 February
        return start.replace(year=start.year - years, day=28)


def checked_entry(program: Program, resident: Resident, data: dict[str, Any]) -> tuple[
        CaseEntry | None, Outcome]:
    """The case form data describes, checked the same way whether it is logged or edited:
    not in the future nor before the residency, a primary procedure of the catalogue, one of
    the program's faculty (never the resident) as attending, a patient reference that is
    no name, MRN, SSN or date, no patient information in the site or notes. The rotation is
    the published schedule's for the day. The entry, or the errors by form field."""
    errors: dict[str, list[str]] = {}
    day = data.get("day") or clock.today()
    if day > clock.today():
        errors["day"] = ["a case cannot be in the future"]
    elif day < (began := residency_began(program, resident)):
        errors["day"] = [f"that is before {resident.label}'s residency began "
                         f"({day_in_words(began)})"]
    types = {t.id: t for c in categories(program) for t in c.types}
    primary = types.get(data.get("primary") or 0)
    if primary is None:
        errors["primary"] = ["choose the primary procedure"]
    # each type once: a case holds a procedure type at most once (listed twice is one)
    others = list(dict.fromkeys(types[i] for i in data.get("others") or [] if i in types))
    attending = None
    if data.get("attending"):
        attending = next((u for u in attendings(program, resident)
                          if u.id == data["attending"]), None)
        if attending is None:
            errors["attending"] = ["choose one of the program's faculty"]
    reference = (data.get("patient_ref") or "").strip()
    trouble = reference_problem(reference)
    if trouble:
        errors["patient_ref"] = [trouble]
    errors |= phi_errors(program, {"site": data.get("site") or "",
                                   "notes": data.get("notes") or ""})
    if errors or primary is None:
        return None, Outcome(field_errors=errors)
    code, site = rotation_finder(program)(resident.key, day)
    return CaseEntry(day=day, primary=primary, others=[t for t in others if t != primary],
                     role=data.get("role") or "primary", attending=attending,
                     site=(data.get("site") or "").strip() or site, rotation=code,
                     complications=data.get("complications") or "none",
                     notes=(data.get("notes") or "").strip(), reference=reference), Outcome()


def fill(case: Case, entry: CaseEntry) -> None:
    """Give `case` what `entry` says (all but the patient reference, which the caller
    hashes or keeps). Procedure rows the case already has for the same types are kept, so
    the same type is never removed and added again in one flush."""
    case.day, case.role, case.attending = entry.day, entry.role, entry.attending
    case.site, case.rotation = entry.site, entry.rotation
    case.complications, case.notes = entry.complications, entry.notes
    held = {p.type_id: p for p in case.procedures if p.type_id is not None}
    procedures = []
    for kind, primary in [(entry.primary, True)] + [(t, False) for t in entry.others]:
        row = held.get(kind.id) or CaseProcedure(type=kind)
        row.primary = primary
        procedures.append(row)
    case.procedures = procedures


@kept_if_ok
def log_case(program: Program, resident: Resident, data: dict[str, Any]) -> tuple[
        Case | None, Outcome]:
    """Record a case from form data (checked by `checked_entry`); field errors say what to
    fix. Flushes."""
    entry, outcome = checked_entry(program, resident, data)
    if entry is None:
        return None, outcome
    case = Case(program_id=program.id, resident=resident)
    fill(case, entry)
    case.patient_hash = reference_digest(program, entry.reference) if entry.reference else None
    db.session.add(case)
    db.session.flush()
    tally.record(program, [tally.facts(case)])
    return case, Outcome()


def reference_digest(program: Program, reference: str) -> str:
    """The keyed hash kept instead of a patient reference (per program)."""
    key = current_app.config.get("CASE_REFERENCE_KEY") or current_app.config["SECRET_KEY"]
    return reference_hash(str(key).encode("utf-8"), f"program-{program.id}", reference)


def duplicates(case: Case) -> int:
    """Other cases of the program with the same patient reference on the same day."""
    if case.patient_hash is None:
        return 0
    return len(db.session.scalars(select(Case.id).where(
        Case.program_id == case.program_id, Case.patient_hash == case.patient_hash,
        Case.day == case.day, Case.id != case.id)).all())


def last_case(resident: Resident) -> Case | None:
    return db.session.scalar(select(Case).where(Case.resident_id == resident.id)
                             .order_by(Case.created_at.desc(), Case.id.desc()).limit(1))


@kept_if_ok
def verify(case: Case, user: User, verified: bool, comment: str = "") -> Outcome:
    """The named attending verifies a case, or returns it with a comment; the audit log keeps
    who did which, when. Flushes."""
    if case.attending_id != user.id:
        return Outcome(field_errors={"": ["only the case's attending can verify it"]})
    if case.resident.user_id == user.id:
        return Outcome(field_errors={"": ["nobody verifies their own case"]})
    if case.state != "pending":   # a page left open, or a second press
        return Outcome(field_errors={"": [
            f"the case of {day_in_words(case.day)} by {case.resident.label} is "
            + ("already verified: a verified case is final" if case.state == "verified"
               else "with its resident, returned to be fixed: it comes back to you once "
               "they save it")]})
    if not verified and not comment.strip():
        return Outcome(field_errors={"comment": ["say what needs fixing"]})
    refused = phi_errors(case.program, {"comment": comment})
    if refused:
        return Outcome(field_errors=refused)
    before = tally.facts(case)
    case.state = "verified" if verified else "returned"
    case.comment = "" if verified else comment.strip()
    case.verified_at = now()
    db.session.flush()
    tally.restate(case.program, before, tally.facts(case))
    audit.record(f"case.{case.state}", program=case.program, actor=user,
                 subject=f"case #{case.id} of {case.resident.name} on {case.day.isoformat()}",
                 case_id=case.id, comment=case.comment)
    if not verified:
        notify([case.resident.user], case.program,
               f"A case of {day_in_words(case.day)} was returned to you",
               f"{user.name or user.email} returned your case of {day_in_words(case.day)}: "
               f"{case.comment} Fix it and send it back from My cases.",
               page("cases.edit_case", program_id=case.program_id, case_id=case.id))
    return Outcome()


def measures_for(program: Program, residents: list[Resident],
                 catalogue: Catalogue | None = None,
                 counted: dict[tuple[int, str], int] | None = None
                 ) -> dict[int, list[Measure]]:
    """Resident id -> their measures against every target of their track: plain counts from
    the tally (`counted`, when the caller has read it), windowed targets from the day tally."""
    catalogue = catalogue or catalogue_of(program)
    ids = [r.id for r in residents]
    only = ids if len(ids) == 1 else None
    counted = counted if counted is not None else tally.totals(program, only)
    graduations = {r.id: graduation(program, r) for r in residents}
    windowed = {measure_key(t): t for r in residents for t in catalogue.targets_for(r.track)
                if t.window_months is not None}
    daily: dict[str, dict[int, list[tuple[date, int]]]] = {}
    for key, target in windowed.items():
        starts = [in_period(target, g)[0] for g in graduations.values()]
        since = min((s for s in starts if s is not None), default=date.min)
        daily[key] = tally.daily(program, key, since if None not in starts else date.min,
                                 only)
    found: dict[int, list[Measure]] = {}
    for resident in residents:
        measures = []
        for target in catalogue.targets_for(resident.track):
            key = measure_key(target)
            if target.window_months is None:
                measures.append(Measure(target, counted.get((resident.id, key), 0)))
                continue
            start, end = in_period(target, graduations[resident.id])
            days = [(d, n) for d, n in daily[key].get(resident.id, [])
                    if start is None or end is None or start <= d <= end]
            measures.append(Measure(target, *best_window(days, target.window_months)))
        found[resident.id] = measures
    return found


def monthly_volume(program: Program, cats: list[ProcedureCategory], months: int = 24
                   ) -> dict[str, Any]:
    """Cases per month in each category over the last `months` months, for a stacked chart."""
    first = (clock.today().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    counts = tally.by_month(program, since=first)
    axis, month = [], first
    while month <= clock.today():
        axis.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    # the chart starts with the first month that has a case (a new program's first year
    # would otherwise be mostly empty months)
    while len(axis) > 1 and not any(m == axis[0] for m, _ in counts):
        axis.pop(0)
    return {"months": [m.strftime("%Y-%m") for m in axis],
            "series": [{"name": charts.label(c.name), **charts.series_style(i),
                        "counts": [counts.get((m, category_key(c.code)), 0) for m in axis]}
                       for i, c in enumerate(cats)
                       if any(counts.get((m, category_key(c.code))) for m in axis)]}


def resident_view(program: Program, resident: Resident) -> dict[str, Any]:
    """A resident's progress page: measures, the one verdict on each target (the program
    director's dashboard gives the same), a pace projection for each target (a windowed one,
    such as MQSA's, on its best window, once its counting period has begun), and the
    cumulative curve of each target counted in total against its target line."""
    counted = tally.totals(program, [resident.id])
    measures = measures_for(program, [resident], counted=counted)
    every = pace.projections(program, [resident], measures, counted)
    verdicts = pace.verdicts(program, [resident], measures, every)[resident.id]
    # a windowed target whose counting period has not begun has nothing to pace yet (its row
    # says when it counts from): the rotations that yield it may not even be open to them
    waiting = {id(v.measure) for v in verdicts if v.state == NOT_YET}
    projected = [p for p in every[resident.id] if id(p.measure) not in waiting]
    monthly = tally.by_month(program, resident.id)
    months = sorted({m for m, _ in monthly})
    curves = []
    for projection in projected:
        if projection.target.window_months is not None:
            continue                  # a best window is not a running total: no curve
        key = measure_key(projection.target)
        running, points = 0, []
        for month in months:
            running += monthly.get((month, key), 0)
            points.append(running)
        curves.append({"name": projection.target.name,
                       "count": projection.target.count,
                       "months": [m.isoformat() for m in months], "cumulative": points,
                       "projection": [[clock.today().isoformat(), projection.measure.done],
                                      [(projection.graduation or clock.today()).isoformat(),
                                       projection.projected]]})
        curves[-1]["geometry"] = curves_svg.geometry(curves[-1])
    return {"measures": measures[resident.id], "verdicts": verdicts, "projections": projected,
            "curves": curves, "graduation": graduation(program, resident)}
