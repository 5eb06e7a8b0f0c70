"""Helpers for engine tests: build tiny programs from TOML snippets, solve them, and check
the answers with the independent checker."""

from __future__ import annotations

import textwrap

from scheduler import Program, Schedule, load_program_text
from solver import checker
from solver.engine import SolveOptions, solve

HEADER = """
format = 1
[program]
name = "Test program"
year_start = 2027-07-01
calendar = "{calendar}"
levels = ["R1", "R2", "R3", "R4", "R5"]
tracks = ["IR", "DR", "ESIR"]
vacation_weeks = {vacation_weeks}
"""

# Two ICU rotations in one group, and with a body-imaging rotation the rotations most rule
# tests need.
ICU_PAIR = """
[[rotation]]
code = "SICU"
groups = ["ICU"]
[[rotation]]
code = "MICU"
groups = ["ICU"]
"""
ICU_ROTATIONS = ICU_PAIR + '[[rotation]]\ncode = "BODY"\n'

# Split blocks (format 2): SICU takes exactly one resident in every half block and closes to
# vacation. a's booked week (2-8 August) lies in August's first half (1-15 August), b's
# (23-29 August) in its second half: neither can spend all of August on SICU, so August must
# be split. `split_program_text(False)` is the same program without split blocks.
SPLIT_PROGRAM = """
format = 2
[program]
name = "Split blocks"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
vacation_weeks = 1
split_blocks = {split}

[[rotation]]
code = "SICU"
name = "Surgical ICU"
min = 1
max = 1
vacation = false
split = {split}
[[rotation]]
code = "BODY"
split = {split}

[[resident]]
id = "a"
level = "R2"
track = "IR"
[[resident]]
id = "b"
level = "R2"
track = "IR"

[[request]]
resident = "a"
kind = "vacation"
weeks = [2027-08-04]
hard = true
[[request]]
resident = "b"
kind = "vacation"
weeks = [2027-08-25]
hard = true
"""


def split_program_text(split: bool = True) -> str:
    return SPLIT_PROGRAM.format(split="true" if split else "false")


ONE_R2 = '[[resident]]\nid = "a"\nlevel = "R2"\ntrack = "IR"\n'


def make_program(body: str, calendar: str = "months", vacation_weeks: int = 0,
                 header: str | None = None) -> Program:
    """A validated program from a TOML body (rotations, residents, ...) under a test header."""
    text = (header or HEADER.format(calendar=calendar, vacation_weeks=vacation_weeks))
    loaded = load_program_text(textwrap.dedent(text) + textwrap.dedent(body))
    assert loaded.ok, loaded.errors
    return loaded.program


def solve_checked(program: Program, **options) -> Schedule:
    """Solve, and insist that every schedule returned passes the independent checker with the
    same penalty as the solver reports."""
    options.setdefault("time_limit", 20)
    options.setdefault("explain_time_limit", 20)
    schedule = solve(program, SolveOptions(**options))
    if schedule.residents:
        report = checker.check(program, schedule, options.get("previous"),
                               options.get("freeze_through", 0), claims=True)
        assert report.ok, report.errors + report.violations + report.untrue
        assert report.total_penalty == schedule.objective
    return schedule


def conflict_sources(schedule: Schedule) -> set[str]:
    """The sources of an INFEASIBLE answer's conflict set (it has no schedule)."""
    assert schedule.status == "INFEASIBLE"
    assert not schedule.residents
    return {c["source"] for c in schedule.conflicts}


def present_by_day(program: Program, schedule: Schedule, code: str) -> dict:
    """Working day -> residents on `code` that day and neither on vacation nor on a weekly
    service, computed from the dates alone (the block and the week holding each day)."""
    cal = program.calendar
    found = {}
    for day in cal.days:
        if day.weekday() >= 5 or day in program.info.holidays:
            continue
        block = next(b.index for b in cal.blocks if b.start <= day <= b.end)
        week = next((w.index for w in cal.weeks if w.start <= day <= w.end), None)
        found[day] = sum(
            a.rotations[block - 1] == code and week not in a.vacation_weeks
            and not any(week in ws for ws in a.services.values())
            for a in schedule.residents.values())
    return found
