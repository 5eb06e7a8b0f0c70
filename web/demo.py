"""The demo: the sample program with a few accounts per role, a published schedule and a
pending request, so a new user can click through every page. Invented people only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from scheduler import load_program_text
from scheduler.identifiers import name_key
from solver.engine import SolveOptions, solve

from . import program_file
from .accounts import create_user
from .extensions import db
from .models import Program, Request, Resident, Schedule
from .models.columns import now

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "duke.toml"
PASSWORD = "demo-password-2027"

# (e-mail, role, name); residents are linked to the program's residents by level and track.
ACCOUNTS = [
    ("admin@demo.example", "admin", "Gale Ostrander"),
    ("director@demo.example", "program_director", "Dr. Imre Vasquez-Hale"),
    ("coordinator@demo.example", "coordinator", "Pia Lindqvist"),
    ("chief@demo.example", "chief", "Dr. Noor Castellane"),
    ("faculty@demo.example", "faculty", "Dr. Rowan Achebe"),
    ("r4.ir@demo.example", "resident", ("R4", "IR")),
    ("r1.dr@demo.example", "resident", ("R1", "DR")),
]


@dataclass
class Login:
    email: str
    role: str
    who: str


def load_demo(sample: Path = SAMPLE, time_limit: float = 30.0) -> tuple[Program, list[Login]]:
    """Create (or reset) the demo program; returns it and the logins. Commits."""
    text = sample.read_text(encoding="utf-8")
    sample_program = load_program_text(text).program
    if sample_program is None:
        raise ValueError(f"the sample program {sample} is invalid")
    name = sample_program.info.name
    old = db.session.scalar(select(Program).where(Program.name_key == name_key(name)))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    program = Program(name=name)
    db.session.add(program)
    db.session.flush()
    result = program_file.import_text(program, text)
    if result.program is None:
        raise ValueError("the sample program is invalid: " + "; ".join(
            f"{e.path}: {e.message}" for e in result.errors))
    logins = []
    taken: set[int] = set()
    for email, role, who in ACCOUNTS:
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
        logins.append(Login(email, role, label))
    db.session.flush()
    answer = solve(result.program, SolveOptions(time_limit=time_limit))
    if answer.residents:
        db.session.add(Schedule(program_id=program.id, data=answer.as_dict(),
                                state="published", version=1, published_at=now(),
                                program_toml=program_file.export_toml(program),
                                note="demo: generated and published"))
    wedding = sample_program.info.year_start.replace(month=9, day=2)
    asking = db.session.scalars(select(Resident).where(
        Resident.program_id == program.id, Resident.user_id.is_not(None))).first()
    db.session.add(Request(program=program, resident=asking, kind="vacation",
                           details={"weeks": [wedding.isoformat()]},
                           weight=2, note="Sister's wedding", from_resident=True,
                           position=len(program.requests)))
    db.session.commit()
    return program, logins
