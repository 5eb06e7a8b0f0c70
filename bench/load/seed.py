"""The department the load test runs against, built through the app's own services: a
generated program of `residents` residents (invented names) in the academic year holding
today, its feasible witness schedule published (so every case gets its rotation), the
default case catalogue, program directors, faculty who verify, an account for each of the
first `accounts` residents, and a few weeks of each one's cases logged already.

`seed(url, ...)` migrates the empty database at `url` and returns the `Plan`: who signs in
with which password, and how many cases were there before the load began.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import tomli_w

PROGRAM = "Load test department"
DIRECTORS = [("Dr. Maren Olufsdottir", "pd.olufsdottir"),
             ("Dr. Tobiah Quenneville", "pd.quenneville")]
FACULTY = [("Dr. Ilse Marchbanks", "marchbanks"), ("Dr. Cosmo Adeyemi-Fairweather", "adeyemi"),
           ("Dr. Yara Pellinore", "pellinore"), ("Dr. Bram Okonkwo-Lindt", "okonkwo")]
DOMAIN = "load.example"


@dataclass
class Plan:
    """What the simulated users need (and the runner checks against)."""

    program_id: int
    schedule_id: int
    password: str
    residents: list[str] = field(default_factory=list)    # e-mails, one per simulated user
    directors: list[str] = field(default_factory=list)
    faculty: list[str] = field(default_factory=list)
    seeded_cases: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def academic_year_start(today: date) -> date:
    """1 July of the academic year holding `today`."""
    return date(today.year - (today.month < 7), 7, 1)


def moved(value: Any, days: timedelta) -> Any:
    """`value` with every date inside it moved by `days` (the generated program is for
    2027-28; moving every date by whole days keeps each one in the same week and block)."""
    if isinstance(value, date):
        return value + days
    if isinstance(value, dict):
        return {k: moved(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [moved(v, days) for v in value]
    return value


def seed(url: str, residents: int = 50, accounts: int = 50, history: int = 10,
         rng_seed: int = 0) -> Plan:
    """Migrate the database at `url` and build the department in it; commits."""
    from flask_migrate import upgrade

    from bench.generate import YEAR_START, witness
    from web import create_app, program_file
    from web.accounts import create_user, program_named
    from web.extensions import db
    from web.models import Schedule
    from web.models.columns import now

    raw, rows = witness(residents, "months", rng_seed)
    raw = moved(raw, academic_year_start(date.today()) - YEAR_START)
    raw["program"]["name"] = PROGRAM
    password = secrets.token_urlsafe(12)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16)})
    with app.app_context():
        upgrade()
        program = program_named(PROGRAM)[0]
        for name, login in DIRECTORS:
            create_user(f"{login}@{DOMAIN}", password, program, "program_director", name=name)
        imported = program_file.import_text(program, tomli_w.dumps(raw))
        if not imported.ok:
            raise ValueError(f"the generated program is invalid: {imported.errors[:3]}")
        for name, login in FACULTY:
            create_user(f"{login}@{DOMAIN}", password, program, "faculty", name=name)
        schedule = Schedule(program_id=program.id, state="published", version=1,
                            published_at=now(), note="load test: the generator's witness",
                            data={"format": 1, "status": "FEASIBLE", "residents": rows})
        db.session.add(schedule)
        plan = Plan(program.id, 0, password,
                    directors=[f"{login}@{DOMAIN}" for _, login in DIRECTORS],
                    faculty=[f"{login}@{DOMAIN}" for _, login in FACULTY])
        for resident in program.residents[:accounts]:
            email = f"{resident.key}@{DOMAIN}"
            resident.user = create_user(email, password, program, "resident",
                                        name=resident.name).user
            plan.residents.append(email)
        db.session.flush()
        plan.schedule_id = schedule.id
        plan.seeded_cases = log_history(program, history, random.Random(rng_seed))
        db.session.commit()
        db.engine.dispose()
    return plan


def log_history(program, per_resident: int, rng: random.Random) -> int:
    """Log `per_resident` cases for each resident with an account, on days of the last few
    weeks of this academic year, through the case-logging service; returns how many."""
    from web.cases import services

    types = [t.id for c in services.categories(program) for t in c.types]
    faculty = [u.id for u in services.attendings(program)]
    start = max(academic_year_start(date.today()), date.today() - timedelta(days=42))
    span = (date.today() - start).days
    logged = 0
    for resident in program.residents:
        if resident.user is None:
            continue
        for _ in range(per_resident):
            case, outcome = services.log_case(program, resident, {
                "day": start + timedelta(days=rng.randint(0, span)),
                "primary": rng.choice(types), "others": [], "role": "primary",
                "attending": rng.choice(faculty), "complications": "none"})
            if not outcome.ok:
                raise ValueError(f"a seeded case was refused: {outcome}")
            logged += 1
    return logged
