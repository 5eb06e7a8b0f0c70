"""Vacation: each resident's number of weeks, the per-block cap (in vacation working days), and
rotations without vacation, on Monday-to-Sunday weeks that may straddle two blocks."""

from __future__ import annotations

from collections import Counter

from program_helpers import HEADER, conflict_sources, make_program, solve_checked

ONE = """
[[resident]]
id = "ahmed"
level = "R2"
track = "IR"
"""


def header(vacation_weeks: int, cap: int, calendar: str = "months") -> str:
    return (HEADER.format(calendar=calendar, vacation_weeks=vacation_weeks)
            + f"max_vacation_weeks_per_block = {cap}\n")


def per_block(program, weeks: list[int]) -> Counter:
    """Block -> the vacation working days the weeks put in it, counted day by day."""
    days = Counter()
    for w in weeks:
        for day in program.calendar.working_days_of_week(w):
            days[program.calendar.block_of_day(day)] += 1
    return days


def test_each_resident_gets_the_program_vacation_weeks_at_most_one_per_block():
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + ONE + """
        [[resident]]
        id = "baker"
        level = "R3"
        track = "DR"
    """, vacation_weeks=4)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    for assignment in schedule.residents.values():
        weeks = assignment.vacation_weeks
        assert len(weeks) == 4
        assert len(set(weeks)) == 4
        assert all(1 <= w <= program.calendar.num_weeks for w in weeks)
        assert weeks == sorted(weeks)
        assert max(per_block(program, weeks).values()) <= 5


def test_twelve_weeks_fill_every_month_with_exactly_five_days():
    # 60 vacation working days, at most 5 in each of 12 months: weeks straddling two months
    # must be combined so that every month gets exactly 5.
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE, vacation_weeks=12)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert per_block(program, schedule.residents["ahmed"].vacation_weeks) == Counter(
        {b: 5 for b in range(1, 13)})


def test_thirteen_weeks_fit_a_four_week_calendar():
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE, vacation_weeks=13,
                           calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert per_block(program, schedule.residents["ahmed"].vacation_weeks) == Counter(
        {b: 5 for b in range(1, 14)})


def test_no_vacation_weeks_by_default():
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE)
    assert solve_checked(program).residents["ahmed"].vacation_weeks == []


def test_resident_override_of_the_program_allowance():
    program = make_program("""
        [[rotation]]
        code = "A"
        [[resident]]
        id = "none"
        level = "R1"
        track = "IR"
        vacation_weeks = 0
        [[resident]]
        id = "more"
        level = "R1"
        track = "IR"
        vacation_weeks = 5
        [[resident]]
        id = "default"
        level = "R1"
        track = "IR"
    """, vacation_weeks=3)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert len(schedule.residents["none"].vacation_weeks) == 0
    assert len(schedule.residents["more"].vacation_weeks) == 5
    assert len(schedule.residents["default"].vacation_weeks) == 3


def test_a_higher_per_block_cap_allows_two_weeks_in_one_block():
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "vacation"
        weeks = [2027-12-20, 2027-12-27]
        hard = true
    """, header=header(3, 2))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    weeks = schedule.residents["ahmed"].vacation_weeks
    assert {25, 26} <= set(weeks)
    assert len(weeks) == 3
    assert per_block(program, weeks)[6] == 10  # both weeks' working days are in December
    assert max(per_block(program, weeks).values()) <= 10


def test_per_block_cap_of_two_is_kept():
    # 24 weeks over 12 months with at most 2 a month: exactly 2 in every month.
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE, header=header(24, 2))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    weeks = schedule.residents["ahmed"].vacation_weeks
    assert len(weeks) == 24
    assert per_block(program, weeks) == Counter({b: 10 for b in range(1, 13)})


def test_two_weeks_in_one_block_break_the_default_cap():
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "vacation"
        weeks = [2027-12-20, 2027-12-27]
        hard = true
    """, vacation_weeks=3)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"program.max_vacation_weeks_per_block", "request[0]"}


def test_more_weeks_than_blocks_allow_is_infeasible():
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE, vacation_weeks=13)
    # One resident, twelve months: a conflict this small must be explained within seconds.
    assert conflict_sources(solve_checked(program, explain_time_limit=3)) == {
        "program.vacation_weeks", "program.max_vacation_weeks_per_block"}


def test_resident_override_too_large_names_the_resident():
    program = make_program("""
        [[rotation]]
        code = "A"
        [[resident]]
        id = "fine"
        level = "R1"
        track = "IR"
        [[resident]]
        id = "greedy"
        level = "R1"
        track = "IR"
        vacation_weeks = 14
    """, vacation_weeks=2)
    assert conflict_sources(solve_checked(program, explain_time_limit=3)) == {
        "resident[1].vacation_weeks", "program.max_vacation_weeks_per_block"}


def test_a_cap_of_zero_forbids_vacation():
    program = make_program('[[rotation]]\ncode = "A"\n' + ONE, header=header(1, 0))
    assert conflict_sources(solve_checked(program)) == {
        "program.vacation_weeks", "program.max_vacation_weeks_per_block"}


def test_vacation_falls_only_in_blocks_on_rotations_that_allow_it():
    program = make_program("""
        [[rotation]]
        code = "ICU"
        vacation = false
        [[rotation]]
        code = "CLINIC"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "assign"
        rotation = "ICU"
        blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        hard = true
    """, vacation_weeks=3)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assignment = schedule.residents["ahmed"]
    assert assignment.rotations[:9] == ["ICU"] * 9
    assert assignment.rotations[9:] == ["CLINIC"] * 3
    assert set(per_block(program, assignment.vacation_weeks)) == {10, 11, 12}


def test_vacation_needs_a_rotation_that_allows_it():
    program = make_program("""
        [[rotation]]
        code = "ICU"
        vacation = false
    """ + ONE, vacation_weeks=1)
    assert conflict_sources(solve_checked(program)) == {"rotation[0].vacation",
                                                       "program.vacation_weeks"}


def test_vacation_in_every_block_but_one_pinned_to_a_no_vacation_rotation():
    # Twelve weeks need every month, but block 1 is approved ICU time, without vacation.
    program = make_program("""
        [[rotation]]
        code = "ICU"
        vacation = false
        [[rotation]]
        code = "CLINIC"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "assign"
        rotation = "ICU"
        blocks = [1]
        hard = true
    """, vacation_weeks=12)
    assert conflict_sources(solve_checked(program, explain_time_limit=3)) == {
        "rotation[0].vacation", "program.vacation_weeks", "program.max_vacation_weeks_per_block",
        "request[0]"}


def test_vacation_forbidding_rotation_pinned_by_a_request_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "ICU"
        vacation = false
        [[rotation]]
        code = "CLINIC"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "avoid"
        rotation = "CLINIC"
        hard = true
    """, vacation_weeks=2)
    assert conflict_sources(solve_checked(program)) == {
        "rotation[0].vacation", "program.vacation_weeks", "request[0]"}


def test_a_request_for_weeks_months_apart_gives_each_weeks_dates():
    """'weeks 25-26 (from 2027-12-20) and week 39 (from 2028-03-27)', not one date for
    weeks four months apart."""
    from solver import describe

    program = make_program("""
        [[rotation]]
        code = "A"
    """ + ONE + """
        [[request]]
        resident = "ahmed"
        kind = "vacation"
        weeks = [2027-12-20, 2027-12-27, 2028-03-27]
        weight = 2
    """, header=header(3, 2))
    said = describe.entry(program, "request[0]")
    assert said.endswith("asked to have vacation in weeks 25-26 (from 2027-12-20) and week 39 "
                         "(from 2028-03-27)"), said


def test_a_request_that_cannot_be_granted_whole_still_has_its_other_week_taken_first():
    """"Requested ones first": each resident asks for a week and the week after Christmas,
    which a blackout keeps everyone from. The request is unmet (5 each) whatever happens,
    but of their three weeks each takes the week they asked for that can be had."""
    from datetime import date, timedelta

    body = """
        [[rotation]]
        code = "A"
        [[blackout]]
        name = "Year-end coverage"
        from = 2027-12-27
        to = 2028-01-02
    """
    asked = {f"r{i}": date(2027, 12, 27) - timedelta(weeks=1 + i) for i in range(8)}
    for rid, week in asked.items():
        body += f"""
        [[resident]]
        id = "{rid}"
        level = "R2"
        track = "IR"
        [[request]]
        resident = "{rid}"
        kind = "vacation"
        weeks = [{week}, 2027-12-27]
        weight = 5
        """
    program = make_program(body, header=HEADER.format(calendar="months", vacation_weeks=3)
                           .replace("format = 1", "format = 2"))
    schedule = solve_checked(program)
    assert (schedule.status, schedule.objective) == ("OPTIMAL", 40)
    for rid, week in asked.items():
        taken = [program.calendar.week_start(w) for w in schedule.residents[rid].vacation_weeks]
        assert week in taken, (rid, taken)
