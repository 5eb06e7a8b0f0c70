"""The benchmark families (bench/families.py) write valid, feasible programs, with and without
the format-2 features: each family's witness schedule keeps every hard rule, and the engine
finds a schedule for each."""

from __future__ import annotations

import pytest

from bench import families
from bench.families import FAMILIES, build, program, with_format_2, witness_schedule
from scheduler import load_program
from solver import checker
from solver.engine import SolveOptions, solve


def _valid_and_feasible(family: str, residents: int, calendar: str, f2: bool) -> None:
    raw, _ = build(family, residents, calendar, seed=0, f2=f2)
    loaded = load_program(raw)
    assert loaded.ok, loaded.errors[:5]
    assert loaded.program is not None
    assert len(loaded.program.residents) == residents
    report = checker.check(loaded.program,
                           witness_schedule(family, residents, calendar, seed=0, f2=f2))
    assert report.ok, (report.errors + report.violations)[:5]


@pytest.mark.parametrize("f2", [False, True], ids=["format-1", "format-2"])
@pytest.mark.parametrize("calendar", ["months", "4-week"])
@pytest.mark.parametrize("family", list(FAMILIES))
def test_small_program_is_valid_and_its_witness_keeps_every_hard_rule(family, calendar, f2):
    _valid_and_feasible(family, 20, calendar, f2)


def test_large_program_is_valid_and_its_witness_keeps_every_hard_rule():
    _valid_and_feasible("sites", 250, "4-week", f2=True)


def test_format_2_features_are_there_and_bite_on_the_witness():
    raw, rows = build("department", 50, "months", seed=0, f2=True)
    assert raw["format"] == 2
    info = raw["program"]
    assert info["holidays"] and info["split_blocks"]
    split = {x["code"] for x in raw["rotation"] if x.get("split")}
    assert len(split) == 2
    # some witness residents share blocks between the two split rotations
    assert any(isinstance(cell, list) and set(cell) == split
               for row in rows.values() for cell in row["rotations"])
    (service,) = raw["service"]
    assert service["not_from"] and service["levels"] and service["min"] >= 1
    served = [w for row in rows.values() for w in row.get("services", {}).get(
        service["code"], [])]
    assert served
    assert {b["name"] for b in raw["blackout"]} == {"R1 orientation", "Board examination"}
    assert any(limit.get("hard", True) for limit in raw["away_limit"])
    leave = [r for r in raw["resident"] if r.get("max_vacation_weeks_per_block") == 2]
    assert leave and all(len(rows[r["id"]]["vacation_weeks"]) == r["vacation_weeks"]
                         for r in leave)


def test_with_format_2_leaves_its_arguments_alone():
    raw, rows = families.tight(20, "months", 0)
    before = (repr(raw), repr(rows))
    with_format_2(raw, rows, seed=0)
    assert (repr(raw), repr(rows)) == before


def test_same_seed_same_program_other_seed_other_program():
    for family in ("sites", "boards", "tight"):
        assert program(family, 20, seed=3, f2=True) == program(family, 20, seed=3, f2=True)
        assert program(family, 20, seed=3)["request"] != program(family, 20, seed=4)["request"]


def test_names_are_invented_and_unique():
    for family in ("sites", "boards", "tight"):
        residents = program(family, 125, "4-week")["resident"]
        assert len({r["id"] for r in residents}) == len(residents)
        assert all(r["name"] and r["name"] != r["id"] for r in residents)


def test_sites_has_many_small_rotations_and_history():
    raw = program("sites", 125)
    rotations = raw["rotation"]
    assert len(rotations) >= 30
    assert sum(1 for x in rotations if x.get("max", 99) <= 5) >= 0.8 * len(rotations)
    assert sum(1 for x in rotations if x.get("min_present")) >= 10
    assert any(r.get("scope") == "residency" for r in raw["requirement"])
    assert sum(1 for r in raw["resident"] if r.get("history")) >= 0.4 * len(raw["resident"])


@pytest.mark.parametrize("family", list(FAMILIES))
def test_the_engine_finds_a_schedule(family):
    loaded = load_program(program(family, 20, "months", seed=0, f2=True))
    assert loaded.program is not None
    schedule = solve(loaded.program, SolveOptions(time_limit=10, explain=False))
    assert schedule.status in ("OPTIMAL", "FEASIBLE"), schedule.status
    assert checker.check(loaded.program, schedule).ok
