"""What a vacation request breaks by itself (scheduler.asking), on the sample year: its R1
orientation blackout, one vacation week per block, and weeks already over."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from scheduler import Program, load_program
from scheduler.asking import vacation_conflicts

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"
BEFORE_THE_YEAR = date(2027, 6, 1)


@pytest.fixture(scope="module")
def year() -> Program:
    with SAMPLE.open("rb") as handle:
        loaded = load_program(tomllib.load(handle))
    assert loaded.program is not None
    return loaded.program


def test_a_week_in_a_blackout_that_binds_the_resident_is_named(year):
    r1 = year.resident_by_id["okafor"]   # an R1: "R1 orientation", 1-31 July 2027
    said = vacation_conflicts(year, r1, [2], BEFORE_THE_YEAR)
    assert said == ["week 2 (12 Jul – 18 Jul 2027) falls in the blackout 'R1 orientation' "
                    "(1 Jul – 31 Jul 2027)"]
    r3 = next(r for r in year.residents if r.level == "R3")
    assert vacation_conflicts(year, r3, [2], BEFORE_THE_YEAR) == []


def test_two_weeks_in_one_block_break_the_cap_of_one_week_per_block(year):
    r3 = next(r for r in year.residents if r.level == "R3")
    weeks = [w for w in range(20, 40) if year.calendar.blocks_of_week(w) ==
             year.calendar.blocks_of_week(w + 1) and len(year.calendar.blocks_of_week(w)) == 1
             and len(year.calendar.working_days_of_week(w)) == 5
             and len(year.calendar.working_days_of_week(w + 1)) == 5][0]
    block = year.calendar.blocks_of_week(weeks)[0]
    assert vacation_conflicts(year, r3, [weeks, weeks + 1], BEFORE_THE_YEAR) == [
        f"10 working days of vacation in block {block}, where at most 5 (1 week) are allowed"]
    assert vacation_conflicts(year, r3, [weeks], BEFORE_THE_YEAR) == []


def test_a_week_already_over_is_named(year):
    r3 = next(r for r in year.residents if r.level == "R3")
    assert vacation_conflicts(year, r3, [5, 20], date(2027, 9, 1)) == [
        "week 5 (2 Aug – 8 Aug 2027) has already begun"]
