"""The benchmark generator writes valid, feasible departments (its witness schedule proves it)."""

from __future__ import annotations

import pytest

from bench.generate import generate, witness
from scheduler import Assignment, Schedule, load_program
from solver import checker


@pytest.mark.parametrize("calendar", ["months", "4-week"])
@pytest.mark.parametrize("residents", [20, 125])
def test_generated_program_is_valid_and_its_witness_keeps_every_hard_rule(residents, calendar):
    raw, rows = witness(residents, calendar, seed=0)
    loaded = load_program(raw)
    assert loaded.ok, loaded.errors[:5]
    program = loaded.program
    assert len(program.residents) == residents
    schedule = Schedule(program=program.info.name, status="FEASIBLE", residents={
        rid: Assignment(row["rotations"], row["vacation_weeks"]) for rid, row in rows.items()})
    report = checker.check(program, schedule)
    assert report.ok, (report.errors + report.violations)[:5]


def test_same_seed_same_program_other_seed_other_requests():
    assert generate(50, "months", seed=3) == generate(50, "months", seed=3)
    assert generate(50, "months", seed=3)["request"] != generate(50, "months", seed=4)["request"]


def test_names_are_invented_and_unique():
    residents = generate(125, "4-week", seed=0)["resident"]
    assert len({r["id"] for r in residents}) == len(residents)
    assert all(r["name"] and r["name"] != r["id"] for r in residents)
