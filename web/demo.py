"""The demo: the sample program moved to the academic year holding today, with a few
accounts per role, a published schedule, a pending request and a few months of invented case
logs (`demo_cases`); and a small second program with its own people, whose director sees
only it. Invented people only."""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import tomli_w
from sqlalchemy import select

from scheduler import load_program_text
from scheduler.identifiers import name_key
from scheduler.program import Program as Year
from scheduler.schedule import as_file
from solver.call.engine import CallOptions, solve_call
from solver.engine import Progress, SolveOptions, solve

from . import clock, program_file
from .accounts import create_user
from .demo_cases import invent_cases
from .extensions import db
from .models import CallSchedule, Program, Request, Resident, Schedule, User
from .models.columns import now

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "duke.toml"
PASSWORD = "demo-password-2027"
GOOD_ENOUGH = 0.1   # a penalty at most 10% above the proven bound

# (e-mail, role, name); residents are linked to the program's residents by level and track.
ACCOUNTS = [
    ("admin@demo.example", "admin", "Gale Ostrander"),
    ("director@demo.example", "program_director", "Dr. Imre Vasquez-Hale"),
    ("coordinator@demo.example", "coordinator", "Pia Lindqvist"),
    ("chief@demo.example", "chief", "Dr. Noor Castellane"),
    ("faculty@demo.example", "faculty", "Dr. Rowan Achebe"),
    ("va.faculty@demo.example", "faculty", "Dr. Selma Oduya"),
    ("breast.faculty@demo.example", "faculty", "Dr. Linnea Farrow"),
    ("r4.ir@demo.example", "resident", ("R4", "IR")),
    ("r1.dr@demo.example", "resident", ("R1", "DR")),
]
# Rotation code -> the attending whose name the demo's cases on it carry.
ATTENDINGS = {"IR-U": "faculty@demo.example", "NIR": "faculty@demo.example",
              "US": "faculty@demo.example", "IR-VA": "va.faculty@demo.example",
              "MAMMO": "breast.faculty@demo.example"}

# The second program: small, with people of its own (none of the first program's).
SECOND = """
format = 2

[program]
name = "Millbrook Valley Diagnostic Radiology (demo)"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3", "R4"]
tracks = ["DR"]
vacation_weeks = 3
max_vacation_weeks_per_block = 1
holidays = [2027-07-05, 2027-12-24, 2028-01-03]

[[rotation]]
code = "BODY"
name = "Body Imaging"
site = "Millbrook General"
min = 1
max = 3

[[rotation]]
code = "NEURO"
name = "Neuroradiology"
site = "Millbrook General"
min = 1
max = 2

[[rotation]]
code = "IR"
name = "Interventional Radiology"
site = "Millbrook General"
min = 1
max = 2

[[rotation]]
code = "US"
name = "Ultrasound"
site = "Valley Outpatient Center"
max = 2

[[rotation]]
code = "MAMMO"
name = "Breast Imaging"
site = "Valley Outpatient Center"
max = 2
levels = ["R2", "R3", "R4"]

[[resident]]
id = "quillon"
name = "Maya Quillon"
level = "R1"
track = "DR"

[[resident]]
id = "brightwater"
name = "Elias Brightwater"
level = "R2"
track = "DR"

[[resident]]
id = "fenwick"
name = "Rosa Fenwick"
level = "R2"
track = "DR"

[[resident]]
id = "osterberg"
name = "Kai Osterberg"
level = "R3"
track = "DR"

[[resident]]
id = "delacroix-ames"
name = "Simone Delacroix-Ames"
level = "R4"
track = "DR"

[[requirement]]
name = "A month of IR every year"
rotation = "IR"
min = 1

[[requirement]]
name = "Two breast months in R3 and R4"
levels = ["R3", "R4"]
rotation = "MAMMO"
min = 2
hard = false
weight = 3

[[request]]
resident = "fenwick"
kind = "vacation"
weeks = [2027-12-24]
weight = 2
"""
SECOND_ACCOUNTS = [
    ("director@millbrook.example", "program_director", "Dr. Hollis Varga"),
    ("faculty@millbrook.example", "faculty", "Dr. Ines Calloway"),
    ("r2.dr@millbrook.example", "resident", ("R2", "DR")),
]
SECOND_ATTENDINGS = {code: "faculty@millbrook.example" for code in ("IR", "US", "MAMMO")}


def sign_in_emails() -> list[str]:
    """Every demo account, both programs'."""
    return [email for email, _, _ in ACCOUNTS + SECOND_ACCOUNTS]


def years_to(year_start: date, today: date) -> int:
    """Whole years to move a year starting on `year_start` so that it holds `today`."""
    years = today.year - year_start.year
    return years - 1 if (today.month, today.day) < (year_start.month, year_start.day) else years


def moved(day: date, years: int) -> date:
    """`day` (or a date and time) `years` later, month and day kept; 29 February becomes the
    28th in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _moved_values(value: Any, years: int) -> Any:
    """A parsed TOML value with every date in it (a date and time too) `moved`."""
    if isinstance(value, date):        # a datetime is a date as well
        return moved(value, years)
    if isinstance(value, dict):
        return {key: _moved_values(item, years) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved_values(item, years) for item in value]
    return value


def in_year_of(text: str, today: date) -> str:
    """The program file `text` moved to the academic year holding `today`: every date in it
    (the year's start, holidays, blackouts' days, requests' weeks, any date an entry holds,
    now or later) moved by the same whole number of years, keeping month and day (29 February
    becomes the 28th). The year starts on the file's month and day, in the year that puts
    today inside it, and every date keeps its place in the year. (Comments are not kept.)

    Weekdays are not kept: each date lands on another weekday. A holiday kept by date (4
    July, 25 December) stays right; one kept by weekday (Thanksgiving, the fourth Thursday of
    November) lands a day or two off; one that lands on a weekend is taken on the weekday it
    is observed on (`observed`). The
    Monday-to-Sunday weeks are counted afresh from the new start, so a requested week is the
    one holding the moved date, and the year may hold a week more or fewer; entries that name
    blocks or week numbers keep their numbers. `load_demo` checks the result with the
    validator and refuses a file that no longer holds."""
    raw = tomllib.loads(text)
    start = raw.get("program", {}).get("year_start")
    if not isinstance(start, date):
        return text
    moved_raw = _moved_values(raw, years_to(start, today))
    info = moved_raw["program"]
    if info.get("holidays"):
        info["holidays"] = sorted({holiday_moved(day, start, info["year_start"])
                                   for day in raw["program"]["holidays"]})
    return tomli_w.dumps(moved_raw)


def _named_holidays(year_start: date) -> dict[date, str]:
    """The US federal holidays of the academic year from `year_start`, each on the working
    day it is kept (observed), by name ('Christmas Day')."""
    end = moved(year_start, 1)
    found = holidays.country_holidays("US", years=[year_start.year, end.year], observed=True)
    return {day: name.removesuffix(" (observed)") for day, name in sorted(found.items())
            if year_start <= day < end and day.weekday() < 5}


def holiday_moved(day: date, year_start: date, new_start: date) -> date:
    """A holiday of the year from `year_start` on the day the same holiday is kept in the
    year from `new_start`: Thanksgiving on the fourth Thursday, Christmas on the weekday it
    is observed (python-holidays' US calendar); a day next to a named one (the day after
    Thanksgiving) next to it again. Another date keeps its month and day (`observed` when
    that is a weekend)."""
    before, after = _named_holidays(year_start), _named_holidays(new_start)
    for offset in (0, 1, -1):
        name = before.get(day - timedelta(days=offset))
        again = [d for d, n in after.items() if n == name] if name else []
        if again:
            return again[0] + timedelta(days=offset)
    return observed(moved(day, new_start.year - year_start.year), new_start)


def observed(day: date, year_start: date) -> date:
    """A holiday moved onto a weekend, on the weekday it is observed: a Saturday's on the
    Friday before, a Sunday's on the Monday after, either kept inside the year (the other
    one where it is not). (A weekend holiday takes no working day, and the settings refuse
    one.)"""
    if day.weekday() < 5:
        return day
    friday = day - timedelta(days=day.weekday() - 4)
    monday = day + timedelta(days=7 - day.weekday())
    first, second = (friday, monday) if day.weekday() == 5 else (monday, friday)
    return first if year_start <= first < moved(year_start, 1) else second


@dataclass
class Login:
    program: str
    email: str
    role: str
    who: str


def load_demo(sample: Path = SAMPLE, time_limit: float = 20.0, today: date | None = None
              ) -> tuple[list[Program], list[Login]]:
    """Create (or reset) the demo's two programs, in the academic year holding `today`;
    returns them and the logins. Commits."""
    today = today or clock.today()
    logins: list[Login] = []
    programs = []
    for text, accounts, attendings, seconds in (
            (sample.read_text(encoding="utf-8"), ACCOUNTS, ATTENDINGS, time_limit),
            (SECOND, SECOND_ACCOUNTS, SECOND_ATTENDINGS, min(time_limit, 5.0))):
        program, year = _program(in_year_of(text, today))
        logins += _accounts(program, accounts)
        version = _publish(program, year, seconds)
        if version is not None and year.call_pools:
            _publish_call(program, year, version, seconds)
        staff = {email: _user(email) for email in set(attendings.values())}
        importer = _user(next(e for e, role, _ in accounts if role in ("coordinator",
                                                                       "program_director")))
        invent_cases(program, {code: staff[email] for code, email in attendings.items()},
                     importer, today)
        programs.append(program)
    _ask_for_a_wedding(programs[0], today)
    db.session.commit()
    return programs, logins


def _program(text: str) -> tuple[Program, Year]:
    """The program the file describes, in place of any program of the same name (checked
    by the engine's validator first: the demo loads cleanly or not at all)."""
    checked = load_program_text(text)
    if checked.program is None:
        raise ValueError("the demo program is invalid: " + "; ".join(
            f"{e.path}: {e.message}" for e in checked.errors))
    name = checked.program.info.name
    old = db.session.scalar(select(Program).where(Program.name_key == name_key(name)))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    program = Program(name=name)
    db.session.add(program)
    db.session.flush()
    result = program_file.import_text(program, text)
    if result.program is None:
        raise ValueError("the demo program is invalid here: " + "; ".join(
            f"{e.path}: {e.message}" for e in result.errors))
    return program, result.program


def _accounts(program: Program, accounts: list) -> list[Login]:
    """The accounts, each with its role in the program; a resident's account is linked to
    the first resident of its level and track not linked yet."""
    logins = []
    taken: set[int] = set()
    for email, role, who in accounts:
        label = who if isinstance(who, str) else ""
        user = create_user(email, PASSWORD, program, role, name=label).user
        if role == "resident":
            level, track = who
            resident = next(r for r in program.residents
                            if r.level == level and r.track == track and r.id not in taken)
            taken.add(resident.id)
            resident.user = user
            user.name = resident.name
            label = f"{resident.name} ({level} {track})"
        logins.append(Login(program.name, email, role, label))
    db.session.flush()
    return logins


def _publish(program: Program, year: Year, time_limit: float) -> Schedule | None:
    """Solve the year and publish the schedule as version 1 (cases are logged against it).
    A demo needs a good year, not a proof: the search stops once its schedule's penalty is
    within `GOOD_ENOUGH` of the proven bound (or at the time limit)."""
    stop = threading.Event()
    found: dict[str, float] = {}

    def watch(progress: Progress) -> None:
        if progress.objective is not None:
            found["penalty"] = progress.objective
        if progress.bound is not None:
            found["bound"] = max(progress.bound, found.get("bound", 0.0))
        if "penalty" in found and "bound" in found and (
                found["penalty"] - found["bound"] <= GOOD_ENOUGH * found["penalty"]):
            stop.set()

    answer = solve(year, SolveOptions(time_limit=time_limit, stop=stop), watch)
    if not answer.residents:
        return None
    version = Schedule(program_id=program.id, data=answer.as_dict(), state="published",
                       version=1, published_at=now(),
                       program_toml=program_file.export_toml(program),
                       note="demo: generated and published")
    db.session.add(version)
    db.session.flush()
    return version


def _publish_call(program: Program, year: Year, version: Schedule, time_limit: float) -> None:
    """Schedule the year's call on the published version and publish it as call version 1
    (residents see their nights on their phones; the chief can swap and re-solve)."""
    duty = solve_call(year, as_file(version.data), CallOptions(time_limit=time_limit))
    if duty.duty:
        db.session.add(CallSchedule(program_id=program.id, schedule_id=version.id,
                                    data=duty.as_dict(), state="published", version=1,
                                    published_at=now(), program_toml=version.program_toml or "",
                                    note=f"demo: on {version.label} ({duty.status.lower()})"))
        db.session.flush()


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise ValueError(f"no demo account {email}")
    return user


def _ask_for_a_wedding(program: Program, today: date) -> None:
    """A resident with an account asks for a vacation week ten weeks ahead (within the
    year): a request waiting for the chief."""
    end = program.year_calendar.year_end
    wedding = max(min(today + timedelta(weeks=10), end - timedelta(days=14)), today)
    asking = db.session.scalars(select(Resident).where(
        Resident.program_id == program.id, Resident.user_id.is_not(None))
        .order_by(Resident.position)).first()
    db.session.add(Request(program=program, resident=asking, kind="vacation",
                           details={"weeks": [wedding.isoformat()]},
                           weight=2, note="Sister's wedding", from_resident=True,
                           position=len(program.requests)))
