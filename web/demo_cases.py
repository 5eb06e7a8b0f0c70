"""Invented case logs for the demo: the academic year's working days up to today (at most the
last five months), for every resident on a rotation that does procedures or reads mammograms,
so the attending's queue, a resident's progress and the program director's dashboard hold
something real on first sign-in. Seeded (the same day gives the same logs); no patient
reference, no notes, invented people only.

The cases go in through the case-log import (`cases.imports`), as program staff moving
records from another system would: the rotation comes from the published schedule, the
tallies change with the cases, and the audit log records the import. Cases of the last two
working days wait for their attending; the rest are verified. One case of a resident with an
account goes back to them with a comment (`cases.services.verify`), as its attending would.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from caselog.progress import add_months
from scheduler.calendar import days_between
from scheduler.schedule import as_file

from . import clock
from .cases import imports, services
from .extensions import db
from .models import Case, Program, Resident, User
from .schedules.services import latest_published

MONTHS_BACK = 5
WAITING_DAYS = 2      # the last working days whose cases still wait for their attending
RETURN_COMMENT = "Please add the access site and the device used."


@dataclass(frozen=True)
class Mix:
    """What a resident on a rotation logs on a working day: from `low` to `high` cases, each
    a procedure type drawn by its weight."""

    low: int
    high: int
    procedures: tuple[tuple[str, int], ...]


IR_UNIVERSITY = Mix(1, 4, (
    ("PICC", 8), ("PORT", 6), ("TUNNELED-LINE", 5), ("BIOPSY-LIVER", 5), ("BIOPSY-LUNG", 3),
    ("BIOPSY-RENAL", 2), ("BIOPSY-OTHER", 4), ("PARACENTESIS", 5), ("THORACENTESIS", 2),
    ("ABSCESS-DRAIN", 5), ("NEPHROSTOMY", 3), ("CHOLECYSTOSTOMY", 1), ("PTBD", 1),
    ("EMBO-HEMORRHAGE", 2), ("EMBO-TUMOR", 3), ("UFE", 1), ("ANGIO-ARTERIAL", 2),
    ("PTA", 1), ("IVC-FILTER", 2), ("TIPS", 1), ("GASTROSTOMY", 2), ("ABLATION-RF-MW", 1),
    ("VERTEBRAL-AUG", 1)))
IR_VA = Mix(1, 3, (
    ("FISTULOGRAM", 6), ("DIALYSIS-DECLOT", 3), ("HD-CATHETER", 4), ("PTA", 4),
    ("STENT-ARTERIAL", 2), ("ANGIO-ARTERIAL", 4), ("EMBO-TUMOR", 2), ("BIOPSY-LIVER", 3),
    ("BIOPSY-OTHER", 3), ("NEPHROSTOMY", 2), ("PARACENTESIS", 3), ("GASTROSTOMY", 2),
    ("IVC-FILTER", 1), ("PICC", 3)))
NEURO_IR = Mix(1, 2, (("ANGIO-ARTERIAL", 6), ("EMBO-OTHER", 3), ("THROMBOLYSIS-ARTERIAL", 2),
                      ("VERTEBRAL-AUG", 1), ("NERVE-BLOCK", 1)))
ULTRASOUND = Mix(0, 1, (("PARACENTESIS", 4), ("THORACENTESIS", 2), ("BIOPSY-OTHER", 2)))
BREAST = Mix(12, 18, (("MAMMO-SCREEN", 4), ("MAMMO-DIAG", 1)))
MIXES = {"IR-U": IR_UNIVERSITY, "IR-VA": IR_VA, "NIR": NEURO_IR, "US": ULTRASOUND,
         "MAMMO": BREAST, "IR": IR_UNIVERSITY}

# A second procedure that often goes with the first (the case counts once toward a target).
WITH = {"EMBO-TUMOR": "ANGIO-ARTERIAL", "EMBO-HEMORRHAGE": "ANGIO-ARTERIAL",
        "UFE": "ANGIO-ARTERIAL", "PTA": "STENT-ARTERIAL", "TIPS": "ANGIO-VENOUS",
        "PTBD": "BILIARY-STENT", "EMBO-OTHER": "ANGIO-ARTERIAL"}


def invent_cases(program: Program, attendings: dict[str, User], importer: User,
                 today: date | None = None) -> int:
    """Log the program's invented cases (see the module): each rotation's cases name the
    attending `attendings` gives for it (a rotation without one logs none); `importer` is the
    staff member the audit log names. Returns how many were added. Flushes."""
    today = today or clock.today()
    if latest_published(program) is None or program.year_start is None:
        return 0
    rows, returned = _rows(program, attendings, today)
    if not rows:
        return 0
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    result = imports.import_cases(program, "demo-case-logs.csv", out.getvalue().encode(),
                                  may_verify=True, actor=importer)
    if not result.ok:
        raise ValueError("the demo's case logs do not import: " + "; ".join(result.errors[:5]))
    if returned is not None:
        # returning a case links the resident's notification to a page: a request context
        # gives the link its address outside a request (the command line)
        with current_app.test_request_context():
            _return_one(program, *returned)
    return result.added


def _rows(program: Program, attendings: dict[str, User], today: date
          ) -> tuple[list[dict[str, str]], tuple[Resident, date] | None]:
    """The import's rows, and (resident, day) of the case to return: the last procedure day
    of the resident with an account who logged the most procedures (of anyone, when no
    resident with an account logged any)."""
    calendar = program.year_calendar
    schedule = as_file(latest_published(program).data).residents  # type: ignore[union-attr]
    rotation_on = services.rotation_finder(program)
    first = max(calendar.year_start, add_months(today, -MONTHS_BACK))
    days = [d for d in days_between(first, min(today, calendar.year_end))
            if calendar.is_working_day(d)] or [today]
    waiting_from = days[-min(WAITING_DAYS, len(days))]
    rng = random.Random(f"demo case logs of {program.name}")
    rows: list[dict[str, str]] = []
    last_day: dict[int, tuple[Resident, date]] = {}
    logged: Counter[int] = Counter()
    for resident in program.residents:
        assignment = schedule.get(resident.key)
        if assignment is None:
            continue
        away = set(assignment.vacation_weeks) | {
            w for weeks in assignment.services.values() for w in weeks}
        junior = resident.level in program.levels[:2]
        for day in days:
            code, _site = rotation_on(resident.key, day)
            mix, attending = MIXES.get(code), attendings.get(code)
            if mix is None or attending is None or calendar.week_of(day) in away:
                continue
            for _ in range(rng.randint(mix.low, mix.high)):
                rows.append(_row(rng, mix, resident, day, attending, junior,
                                 "pending" if day >= waiting_from else "verified"))
                if mix is not BREAST:
                    last_day[resident.id] = (resident, day)
                    logged[resident.id] += 1
    linked = [found for found in last_day.values() if found[0].user_id is not None]
    chosen = max(linked or last_day.values(),
                 key=lambda f: (logged[f[0].id], -f[0].position), default=None)
    if chosen is not None:    # that day's cases wait, so one of them can go back
        for row in rows:
            if row["resident"] == chosen[0].key and row["date"] == chosen[1].isoformat():
                row["status"] = "pending"
    return rows, chosen


def _row(rng: random.Random, mix: Mix, resident: Resident, day: date, attending: User,
         junior: bool, status: str) -> dict[str, str]:
    """One invented case: a procedure of the mix, juniors assisting more often, now and then
    a minor complication."""
    codes, weights = zip(*mix.procedures, strict=True)
    primary = rng.choices(codes, weights)[0]
    other = WITH.get(primary, "") if rng.random() < 0.5 else ""
    reading = mix is BREAST
    role = "primary" if reading or rng.random() > (0.45 if junior else 0.1) else "assistant"
    complications = "minor" if not reading and rng.random() < 0.03 else "none"
    return {"resident": resident.key, "date": day.isoformat(), "procedure": primary,
            "other procedures": other, "role": role, "attending": attending.email,
            "complications": complications, "status": status}


def _return_one(program: Program, resident: Resident, day: date) -> None:
    """The resident's last case of `day` goes back to them, with its attending's comment."""
    case = db.session.scalar(select(Case).where(
        Case.program_id == program.id, Case.resident_id == resident.id, Case.day == day,
        Case.state == "pending").order_by(Case.id.desc()).limit(1))
    if case is None or case.attending is None:
        return
    outcome = services.verify(case, case.attending, False, RETURN_COMMENT)
    if not outcome.ok:
        raise ValueError(f"the demo's returned case is refused: {outcome.field_errors}")
