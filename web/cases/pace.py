"""Pace projections for residents, from the program's history and its published schedule
(`caselog.pace` does the arithmetic; this module reads what it needs from the database).

Rates come from the running tally: the cases logged toward each measure on each rotation,
over the resident-months with cases logged on that rotation. The blocks ahead come from the
latest published schedule; after its year, each resident's own monthly pace carries on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caselog.pace import (
    DAYS_PER_MONTH,
    Projection,
    Rates,
    Stint,
    project,
    project_window,
    rates_from,
)
from caselog.progress import ALL, Measure, add_months, measure_key
from caselog.standing import Verdict, verdict
from caselog.training import graduation as graduation_day
from scheduler.calendar import BLOCK_DAYS, Calendar
from scheduler.program import admits
from scheduler.schedule import Assignment, as_file, stints

from .. import clock
from ..extensions import db
from ..models import CaseTally, Program, Resident
from ..schedules.services import latest_published
from . import tally


def program_rates(program: Program) -> Rates:
    """Cases per resident-month on each rotation, per measure, from the program's tally."""
    counted = (select(CaseTally.rotation, CaseTally.measure, func.sum(CaseTally.n))
               .where(CaseTally.program_id == program.id)
               .group_by(CaseTally.rotation, CaseTally.measure))
    if not program.count_unverified:
        counted = counted.where(CaseTally.verified.is_(True))
    spent = (select(CaseTally.resident_id, CaseTally.month, CaseTally.rotation)
             .where(CaseTally.program_id == program.id, CaseTally.measure == ALL)
             .distinct().subquery())
    months: dict[str, int] = dict(db.session.execute(select(spent.c.rotation, func.count())
                                      .group_by(spent.c.rotation)).all())
    return rates_from({(r, k): int(n) for r, k, n in db.session.execute(counted)}, months)


def _first_months(program: Program) -> dict[int, date]:
    return dict(db.session.execute(
        select(CaseTally.resident_id, func.min(CaseTally.month))
        .where(CaseTally.program_id == program.id).group_by(CaseTally.resident_id)).all())


def _allowed(program: Program, resident: Resident) -> set[str]:
    """The rotations the resident may be assigned to (their levels and tracks admit them)."""
    return {r.code for r in program.rotations
            if admits(r.levels, r.tracks, resident.level, resident.track)}


def graduation(program: Program, resident: Resident) -> date | None:
    """The last day of the resident's final year (`caselog.training.graduation`): the end
    of their own track's final level (`final_level`), so a DR or ESIR resident finishing at
    R4 graduates after R4, not after the program's last level."""
    if program.year_start is None:
        return None
    final = (program.final_level or {}).get(resident.track)
    return graduation_day(program.year_calendar.year_end, program.levels, resident.level,
                          final)


def projections(program: Program, residents: list[Resident],
                measures: dict[int, list[Measure]], totals: dict[tuple[int, str], int],
                today: date | None = None) -> dict[int, list[Projection]]:
    """Resident id -> a projection for each of their targets (a windowed one on its
    window, from the cases of its last window's length and the same expectations)."""
    today = today or clock.today()
    rates = program_rates(program)
    first = _first_months(program)
    published = latest_published(program)
    rows = as_file(published.data).residents if published is not None else {}
    calendar = program.year_calendar if program.year_start is not None else None
    block_months = 1.0 if program.calendar == "months" else BLOCK_DAYS / DAYS_PER_MONTH
    recent = _recent(program, residents, measures, today)
    mine: dict[int, dict[str, int]] = {}
    for (resident_id, key), n in totals.items():
        mine.setdefault(resident_id, {})[key] = n
    found: dict[int, list[Projection]] = {}
    for resident in residents:
        graduates = graduation(program, resident)
        ahead, after_from = _ahead(calendar, rows.get(resident.key), today)
        months_after = ((graduates - after_from).days / DAYS_PER_MONTH
                        if graduates is not None else 0.0)
        since = first.get(resident.id)
        elapsed = ((today - since).days + 1) / DAYS_PER_MONTH if since else 0.0
        own = {key: n / elapsed for key, n in mine.get(resident.id, {}).items()
               if elapsed >= 1}
        allowed = _allowed(program, resident)
        found[resident.id] = [p for m in measures.get(resident.id, []) if (p := (
            project_window(m, recent.get((resident.id, measure_key(m.target)), []), rates,
                           ahead, months_after, own, graduates, today, allowed, block_months)
            if m.target.window_months is not None else
            project(m, rates, ahead, months_after, own, graduates, allowed, block_months)))]
    return found


def _ahead(calendar: Calendar | None, row: Assignment | None, today: date
           ) -> tuple[list[Stint], date]:
    """The published stints still ahead of today (the part of each left), and the day the
    years after the published one begin."""
    if calendar is None or row is None:
        return [], today
    ahead = [Stint(stint.code, ((stint.end - max(stint.start, today)).days + 1)
                   / DAYS_PER_MONTH)
             for stint in stints(calendar, row) if stint.end >= today]
    return ahead, max(today, calendar.year_end)


def _recent(program: Program, residents: list[Resident], measures: dict[int, list[Measure]],
            today: date) -> dict[tuple[int, str], list[tuple[date, int]]]:
    """(resident id, windowed measure key) -> (day, cases) of the last window's length: what
    a window still open already holds (one grouped query per windowed target)."""
    windows: dict[str, int] = {}
    for found in measures.values():
        for m in found:
            if m.target.window_months is not None:
                key = measure_key(m.target)
                windows[key] = max(windows.get(key, 0), m.target.window_months)
    only = [r.id for r in residents] if len(residents) == 1 else None
    recent: dict[tuple[int, str], list[tuple[date, int]]] = {}
    for key, months in windows.items():
        since = add_months(today, -months)
        for resident_id, days in tally.daily(program, key, since, only).items():
            recent[(resident_id, key)] = days
    return recent


def verdicts(program: Program, residents: list[Resident], measures: dict[int, list[Measure]],
             projected: dict[int, list[Projection]], today: date | None = None
             ) -> dict[int, list[Verdict]]:
    """Resident id -> the one verdict on each of their targets (`caselog.standing`)."""
    today = today or clock.today()
    found = {}
    for resident in residents:
        paced = {id(p.measure): p for p in projected.get(resident.id, [])}
        graduates = graduation(program, resident)
        found[resident.id] = [verdict(m, paced.get(id(m)), graduates, today)
                              for m in measures.get(resident.id, [])]
    return found
