"""Weeks away on the schedule pages: on the grid a vacation week that crosses from one block
into the next is counted once, in the block its Monday falls in (where a resident's own
schedule lists it), and shown continuing in the next; comparing two versions names the
weeks that moved."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from scheduler import load_program_file
from solver.engine import SolveOptions, solve
from web.schedules import grid
from web.schedules.services import WeekChange, diff

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"


@pytest.fixture(scope="module")
def solved():
    program = load_program_file(SAMPLE).program
    return program, solve(program, SolveOptions(time_limit=20, explain=False))


def test_a_vacation_week_across_two_blocks_is_counted_once_and_shown_continuing(solved):
    program, schedule = solved
    calendar = program.calendar
    # the week of Monday 30 August 2027 runs into September (blocks 2 and 3)
    crossing = next(w for w in calendar.weeks if w.start.month == 8 and w.end.month == 9)
    resident = next(rid for rid, a in schedule.residents.items()
                    if crossing.index not in a.vacation_weeks)
    data = schedule.as_dict()
    data["residents"][resident]["vacation_weeks"] = sorted(
        {*data["residents"][resident]["vacation_weeks"], crossing.index})
    row = next(r for r in grid.build(program, data).rows if r.key == resident)
    august, september = row.cells[1], row.cells[2]
    assert crossing.index in august.vacation and crossing.index not in september.vacation
    assert september.continued == [crossing.index]
    counted = sum(len(cell.vacation) for cell in row.cells)
    assert counted == len(data["residents"][resident]["vacation_weeks"])


def test_a_night_float_week_across_two_blocks_is_shown_once_and_continuing(solved):
    """A week of a weekly service is shown as vacation is: in the block its Monday falls
    in, and marked continuing in the next (where the resident is gone too)."""
    program, schedule = solved
    calendar = program.calendar
    crossing = next(w for w in calendar.weeks if w.start.month == 8 and w.end.month == 9)
    data = schedule.as_dict()
    resident, entry = next((rid, e) for rid, e in data["residents"].items()
                           if crossing.index in e.get("services", {}).get("NF", []))
    row = next(r for r in grid.build(program, data).rows if r.key == resident)
    august, september = row.cells[1], row.cells[2]
    assert ("NF", crossing.index) in august.services
    assert ("NF", crossing.index) not in september.services
    assert september.services_continued == [("NF", crossing.index)]


def test_comparing_two_versions_names_the_weeks_that_moved(solved):
    program, schedule = solved
    before = schedule.as_dict()
    after = copy.deepcopy(before)
    rid, entry = next((rid, e) for rid, e in after["residents"].items() if e["vacation_weeks"])
    first = entry["vacation_weeks"][0]
    free = next(w for w in range(1, len(program.calendar.weeks) + 1)
                if w not in entry["vacation_weeks"])
    entry["vacation_weeks"] = sorted([*entry["vacation_weeks"][1:], free])
    cells, weeks = diff(before, after)
    assert cells == []
    assert weeks == [WeekChange(rid, "vacation", [first], [free])]
