"""The call schedule in the web app: generate it on a published block version (a solve job
of kind "call"), publish it, discard a draft, and read it back by month, by resident and by
week's hours.

A call schedule is solved with the program file of the block version it rests on (the roster
and rotations the schedule was made with) and the program's call rules as they are now; the
file is kept with the draft, so the call schedule reads the same ever after.
"""

from __future__ import annotations

import threading
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import tomli_w
from flask import current_app
from sqlalchemy import func, select

from scheduler import LoadResult, load_program_text
from scheduler import Program as ProgramYear
from scheduler.call_rules import Hours
from scheduler.duty_file import DutyFile, DutyPeriod
from scheduler.program import admits
from scheduler.schedule import parse_schedule
from solver.call.engine import CallOptions, solve_call

from .. import clock
from ..entries import dates_in_words
from ..extensions import db
from ..models import CallSchedule, Program, Schedule, SolveJob
from ..models.columns import now
from ..program_file import call_document, export_toml, installation_limits
from ..schedules import solving
from ..transaction import add_unique

CALL_KINDS = ("call", "home_call")


class CallError(ValueError):
    """A call action that cannot be done; says why."""


def program_text(program: Program, version: Schedule) -> str:
    """The program file a call solve on `version` reads: the version's own file (its roster
    and rotations), with the program's call rules as they are now."""
    base = version.program_toml or export_toml(program)
    doc = tomllib.loads(base)
    for key in ("call", "work_hours", "call_pool", "call_request"):
        doc.pop(key, None)
    doc.update(call_document(program))
    return tomli_w.dumps(doc)


def _loaded(text: str) -> LoadResult:
    return load_program_text(text, max(current_app.config["PROGRAM_FILE_MAX_BYTES"],
                                       len(text.encode())), installation_limits())


def start(program: Program, user: Any, version: Schedule, time_limit: float) -> SolveJob:
    """Queue the call solve of a published block version. Refused when the version is not
    this program's published one, the program has no call pool, its call rules have errors
    against the version's roster, or another solve of the program is running. Commits (the
    worker must see the job), then dispatches it."""
    if version.program_id != program.id or version.state != "published":
        raise CallError("call is scheduled on a published version of this program")
    text = program_text(program, version)
    loaded = _loaded(text)
    if loaded.program is None:
        raise CallError("the call rules have errors; fix them first: " + "; ".join(
            f"{e.where}: {e.message}" for e in loaded.errors[:5]))
    if not loaded.program.call_pools:
        raise CallError("the program has no call pools: import a program file with "
                        "[[call_pool]] entries first")
    if solving.active_job(program) is not None:
        raise CallError("a solve of this program is already running; wait for it or "
                        "cancel it")
    job = SolveJob(program=program, created_by=user, program_toml=text, kind="call",
                   time_limit=time_limit, previous=version)
    add_unique(job, CallError("a solve of this program is already running"))
    # As for block solves: the worker, another process, must see the job first.
    db.session.commit()
    solving.move_queue()
    return job


def solve_job(job: SolveJob) -> None:
    """The worker's side of a call job: solve, keep the answer as a call draft (when there is
    a call schedule) and record the outcome on the job. Commits. The shifts of the published
    call schedule that have begun by now (in the program's zone) stay with whoever took
    them: worked shifts are history, and one under way is being worked
    (solver.call.constraints.kept; moving a 24-hour shift 16 hours in once left its resident
    10 hours' rest before the next call, an outside tester found)."""
    loaded = _loaded(job.program_toml)
    version = job.previous
    if loaded.program is None or version is None:
        raise ValueError("the saved program file or block version is unreadable")
    schedule, errors = parse_schedule(version.data)
    if schedule is None:
        raise ValueError("the block version is unreadable: " + "; ".join(
            e.message for e in errors[:3]))
    settings = current_app.config["SOLVER_SETTINGS"].solver
    published = latest_published(job.program)
    stop = threading.Event()
    beat = solving.Heartbeat(current_app._get_current_object(),  # type: ignore[attr-defined]
                              job.id, stop)
    beat.start()
    try:
        duty = solve_call(loaded.program, schedule, CallOptions(
            time_limit=job.time_limit, workers=settings.workers, stop=stop,
            memory_mb=int(current_app.config["SOLVE_MEMORY_MB"]),
            explain_time_limit=min(job.time_limit, settings.explain_time_limit),
            published=read(published)[1] if published is not None else None,
            keep_before=clock.now(job.program)),
            on_progress=beat.record)
    finally:
        beat.finish()
    job = db.session.get_one(SolveJob, job.id)
    db.session.refresh(job)
    job.solver_status = duty.status
    job.progress = beat.points()
    job.objective, job.best_bound = duty.objective, duty.best_bound
    job.conflicts, job.explanation = duty.conflicts, duty.explanation
    if duty.errors:
        job.message = "; ".join(f"{e['path']}: {e['message']}" for e in duty.errors[:5])
    if duty.duty:
        draft = CallSchedule(program_id=job.program_id, schedule_id=job.previous_id,
                             data=duty.as_dict(), program_toml=job.program_toml,
                             created_by_id=job.created_by_id,
                             note=f"on {version.label} ({duty.status.lower()})")
        db.session.add(draft)
        db.session.flush()
        job.call_schedule_id = draft.id
    job.state = "cancelled" if job.cancel_requested and duty.status != "OPTIMAL" else "done"
    job.finished_at = now()
    db.session.commit()


solving.RUNNERS["call"] = solve_job


def listed(program: Program, drafts: bool) -> list[CallSchedule]:
    """The program's call schedules, newest first (published only, unless `drafts`)."""
    query = select(CallSchedule).where(CallSchedule.program_id == program.id)
    if not drafts:
        query = query.where(CallSchedule.state == "published")
    return list(db.session.scalars(query.order_by(CallSchedule.id.desc())))


def latest_published(program: Program) -> CallSchedule | None:
    return db.session.scalar(select(CallSchedule).where(
        CallSchedule.program_id == program.id, CallSchedule.state == "published"
    ).order_by(CallSchedule.version.desc()).limit(1))


def next_version(program: Program) -> int:
    """The number the program's next published call version takes."""
    last = db.session.scalar(select(func.max(CallSchedule.version))
                             .where(CallSchedule.program_id == program.id))
    return (last or 0) + 1


def discard(row: CallSchedule) -> None:
    """Delete a call draft (published call versions stay). Flushes."""
    if row.state != "draft":
        raise CallError("a published call version is kept; publish a newer one instead")
    db.session.delete(row)
    db.session.flush()


def read(row: CallSchedule) -> tuple[ProgramYear, DutyFile, Any]:
    """The program, duty file and block schedule a call schedule was solved with."""
    loaded = _loaded(row.program_toml)
    if loaded.program is None:
        raise CallError("its program file no longer reads")
    periods = {rid: [DutyPeriod.model_validate(p) for p in items]
               for rid, items in row.data.get("duty", {}).items()}
    duty = DutyFile(program=row.data.get("program", ""), status=row.data.get("status", ""),
                    objective=row.data.get("objective"),
                    best_bound=row.data.get("best_bound"),
                    wall_time_s=row.data.get("wall_time_s", 0.0), duty=periods,
                    unmet_requests=row.data.get("unmet_requests", []),
                    fairness=row.data.get("fairness", {}), calls=row.data.get("calls", {}))
    schedule, _ = parse_schedule(row.schedule.data)
    return loaded.program, duty, schedule


def shift_title(name: str, at_home: bool) -> str:
    """A call shift as a resident reads it: its pool's name, '(from home)' after it for
    call taken from home, unless the name says so already ('Senior backup (from home)')."""
    return f"{name} (from home)" if at_home and "from home" not in name.lower() else name


def pool_names(row: CallSchedule | None) -> dict[str, str]:
    """What people call each call pool and weekly service of a call version, by code, as
    the program file it was made with names them: 'WKNIGHT' -> 'Weeknight call (VA)',
    'NF' -> 'Night float'. A pool without a name is 'WKNIGHT call'; a service without
    one, its code. Read from the version's own file (no validation: it was validated when
    the version was made), so a renamed pool leaves history as it was."""
    return dict(_names_in(row.program_toml)) if row is not None else {}


def admits_resident(row: CallSchedule, code: str, level: str, track: str) -> bool:
    """Whether the call pool or weekly service `code` of a call version's program file takes
    residents of this level and track (its `levels` and `tracks`; a code it does not define
    takes nobody)."""
    filters = dict(_filters_in(row.program_toml)).get(code)
    return filters is not None and admits(filters[0], filters[1], level, track)


@lru_cache(maxsize=16)
def _filters_in(text: str) -> tuple[tuple[str, tuple[list[str] | None, list[str] | None]], ...]:
    """(code, (levels, tracks)) of each call pool and weekly service in a program file."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    return tuple((str(entry.get("code", "")), (entry.get("levels"), entry.get("tracks")))
                 for key in ("service", "call_pool") for entry in doc.get(key, [])
                 if isinstance(entry, dict))


@lru_cache(maxsize=16)
def _names_in(text: str) -> tuple[tuple[str, str], ...]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    names: dict[str, str] = {}
    for key, unnamed in (("service", "{}"), ("call_pool", "{} call")):
        for entry in doc.get(key, []):
            code = str(entry.get("code", "")) if isinstance(entry, dict) else ""
            if code:
                names[code] = str(entry.get("name") or "") or unnamed.format(code)
    return tuple(names.items())


@dataclass(frozen=True)
class Shift:
    """One call shift as people read it: who, which pool, from when to when."""

    resident: str
    name: str
    pool: str
    start: datetime
    end: datetime
    kind: str          # scheduler.call.DUTY_KINDS: "call", "home_call" or "service"

    @property
    def at_home(self) -> bool:
        return self.kind == "home_call"


def shifts(year: ProgramYear, duty: DutyFile) -> list[Shift]:
    """Every call shift of the year and every shift of a weekly service (night float), in
    time order."""
    names = {r.id: r.called for r in year.residents}
    found = [Shift(rid, names.get(rid, rid), p.what, datetime.fromisoformat(p.start),
                   datetime.fromisoformat(p.end), p.kind)
             for rid, periods in duty.duty.items() for p in periods
             if p.kind in CALL_KINDS or p.kind == "service"]
    return sorted(found, key=lambda s: (s.start, s.pool, s.name))


@dataclass
class Month:
    """A month of call as a calendar: weeks of seven days (None outside the month), each
    day with its shifts."""

    first: date
    weeks: list[list[tuple[date, list[Shift]] | None]]
    previous: date | None
    next: date | None


def month(year: ProgramYear, duty: DutyFile, first: date) -> Month:
    """The calendar of the month starting `first` (clamped to the academic year)."""
    calendar = year.calendar
    start = date(calendar.year_start.year, calendar.year_start.month, 1)
    last_month = date(calendar.year_end.year, calendar.year_end.month, 1)
    first = min(max(date(first.year, first.month, 1), start), last_month)
    by_day: dict[date, list[Shift]] = defaultdict(list)
    for shift in shifts(year, duty):
        by_day[shift.start.date()].append(shift)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    days = [first + timedelta(days=k) for k in range((following - first).days)]
    weeks: list[list[tuple[date, list[Shift]] | None]] = []
    row: list[tuple[date, list[Shift]] | None] = [None] * first.weekday()
    for day in days:
        row.append((day, by_day.get(day, [])))
        if len(row) == 7:
            weeks.append(row)
            row = []
    if row:
        weeks.append(row + [None] * (7 - len(row)))
    before = (first - timedelta(days=1)).replace(day=1)
    return Month(first, weeks, before if first > start else None,
                 following if following <= last_month else None)


def weekly_hours(year: ProgramYear, duty: DutyFile, rid: str) -> list[tuple[date, float]]:
    """The resident's hours of counted duty (rotation, service, in-house call) in each
    Monday-to-Sunday week touching the year, by the week's Monday."""
    counted = [p for p in duty.duty.get(rid, []) if p.kind in ("day", "service", "call")]
    first = year.calendar.year_start - timedelta(days=year.calendar.year_start.weekday())
    weeks: dict[date, float] = {}
    monday = first
    while monday <= year.calendar.year_end:
        weeks[monday] = 0.0
        monday += timedelta(days=7)
    for p in counted:
        start, end = datetime.fromisoformat(p.start), datetime.fromisoformat(p.end)
        moment = start
        while moment < end:
            monday = moment.date() - timedelta(days=moment.weekday())
            boundary = datetime.combine(monday + timedelta(days=7), datetime.min.time())
            piece = min(end, boundary)
            if monday in weeks:
                weeks[monday] += (piece - moment).total_seconds() / 3600
            moment = piece
    return sorted(weeks.items())


def published_calls(program: Program, rid: str) -> tuple[CallSchedule | None, list[Shift]]:
    """The resident's call shifts in the program's latest published call version, in time
    order (their weekly services are on their block schedule already). Read straight from
    the version's duty file, their own periods only: My schedule and the calendar feed
    parse no program file and no one else's year."""
    row = latest_published(program)
    if row is None:
        return None, []
    mine = [Shift(rid, rid, p["what"], datetime.fromisoformat(p["start"]),
                  datetime.fromisoformat(p["end"]), p["kind"])
            for p in row.data.get("duty", {}).get(rid, []) if p.get("kind") in CALL_KINDS]
    return row, sorted(mine, key=lambda s: s.start)


def edit_shift(row: CallSchedule, day: date, pool: str, taker: str, revision: int
               ) -> list[str]:
    """A chief gives the `pool` shift starting on `day` to resident `taker` in a call draft,
    checked at once: returns what the change newly breaks, in words (empty: nothing). The
    draft keeps the change either way; publishing refuses a draft that breaks a rule.
    CallError when the change cannot be made. Flushes."""
    from solver.call.swap import reassign

    if row.state != "draft":
        raise CallError("a published call version cannot be changed")
    if revision != row.revision:
        raise CallError("someone else changed this draft meanwhile; reload it and try again "
                        "(your change was not saved)")
    year, duty, schedule = read(row)
    entry = next((p for p in year.call_pools if p.code == pool), None)
    if entry is None:
        raise CallError(f"unknown call pool '{pool}'")
    begins = Hours.parse(entry.hours).start
    start = f"{day.isoformat()}T{begins // 60:02d}:{begins % 60:02d}"
    result = reassign(year, schedule, duty, pool, start, taker)
    if result.duty is None:
        raise CallError(dates_in_words(result.reasons[0]))
    row.data = {**row.data, **result.duty.as_dict(), "edited": True}
    db.session.flush()
    return [dates_in_words(reason) for reason in result.reasons]


def outdated(program: Program, row: CallSchedule) -> Schedule | None:
    """The newer published block version, when `row` rests on an older one: its calls were
    checked against a block schedule residents no longer follow (vacation, rotations)."""
    from ..schedules.services import latest_published as latest_block

    newest = latest_block(program)
    if newest is not None and newest.id != row.schedule_id:
        return newest
    return None
