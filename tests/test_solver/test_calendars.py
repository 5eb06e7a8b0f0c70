"""Both calendars end to end: the schedule's blocks, and dates, weeks and blocks in requests."""

from __future__ import annotations

from program_helpers import make_program, solve_checked

BODY = """
[[rotation]]
code = "A"
[[rotation]]
code = "B"
[[resident]]
id = "a"
level = "R2"
track = "IR"
"""

START_MONDAY = """
format = 1
[program]
name = "Monday start"
year_start = 2027-07-05
calendar = "4-week"
levels = ["R1", "R2", "R3", "R4", "R5"]
tracks = ["IR", "DR", "ESIR"]
vacation_weeks = 1
"""


def test_months_schedule_lists_twelve_calendar_months():
    schedule = solve_checked(make_program(BODY))
    assert schedule.status == "OPTIMAL"
    assert len(schedule.blocks) == 12
    assert schedule.blocks[0] == {"index": 1, "start": "2027-07-01", "end": "2027-07-31"}
    assert schedule.blocks[7] == {"index": 8, "start": "2028-02-01", "end": "2028-02-29"}
    assert schedule.blocks[11] == {"index": 12, "start": "2028-06-01", "end": "2028-06-30"}
    assert len(schedule.residents["a"].rotations) == 12


def test_four_week_schedule_lists_thirteen_blocks_the_last_with_leftover_days():
    schedule = solve_checked(make_program(BODY, calendar="4-week"))
    assert schedule.status == "OPTIMAL"
    assert [b["index"] for b in schedule.blocks] == list(range(1, 14))
    assert schedule.blocks[0] == {"index": 1, "start": "2027-07-01", "end": "2027-07-28"}
    assert schedule.blocks[12] == {"index": 13, "start": "2028-06-01", "end": "2028-06-30"}
    assert len(schedule.residents["a"].rotations) == 13


def test_a_date_after_the_last_week_names_the_last_week():
    program = make_program(BODY + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2028-06-30]
        hard = true
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "B"
        blocks = [13]
        hard = true
    """, calendar="4-week", vacation_weeks=1)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    # 30 June 2028 is a Friday after the last whole week (19-25 June): it names week 51
    assert schedule.residents["a"].vacation_weeks == [51]
    assert schedule.residents["a"].rotations[12] == "B"


def test_no_vacation_week_touches_a_block_on_a_rotation_without_vacation():
    # Block 3 runs 26 August - 22 September. The request names week 9 (30 August - 5
    # September), inside block 3, which is on a rotation without vacation: it cannot be
    # granted, nor can any week with a working day in block 3 (weeks 8-12).
    program = make_program("""
        [[rotation]]
        code = "A"
        vacation = false
        [[rotation]]
        code = "B"
        [[resident]]
        id = "a"
        level = "R2"
        track = "IR"
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "A"
        blocks = [3]
        hard = true
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-09-01]
        weight = 3
    """, calendar="4-week", vacation_weeks=1)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 3
    assert schedule.unmet_requests == [1]
    assert not set(schedule.residents["a"].vacation_weeks) & {8, 9, 10, 11, 12}


def test_four_week_calendar_starting_on_a_monday():
    program = make_program(BODY + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-07-11]
        hard = true
    """, header=START_MONDAY)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.blocks[0] == {"index": 1, "start": "2027-07-05", "end": "2027-08-01"}
    assert schedule.blocks[12]["end"] == "2028-07-04"
    assert schedule.residents["a"].vacation_weeks == [1]


def test_coverage_in_block_13():
    program = make_program(BODY + """
        [[rule]]
        kind = "coverage"
        rotation = "B"
        min = 1
        blocks = [13]
        [[requirement]]
        rotation = "B"
        max = 1
    """, calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].rotations == ["A"] * 12 + ["B"]


def test_a_year_of_four_week_blocks_from_29_february_runs_to_28_february():
    """The next year would start on 29 February of a year without one: it starts on 1 March,
    so the year runs to 28 February, its thirteenth block taking the day left over."""
    from datetime import date

    from scheduler.calendar import Calendar

    calendar = Calendar(date(2028, 2, 29), "4-week")
    assert calendar.year_end == date(2029, 2, 28)
    assert calendar.blocks[-1].end == date(2029, 2, 28)
    assert calendar.blocks[-1].start == date(2029, 1, 30)   # 12 x 28 days on: 29 days long
