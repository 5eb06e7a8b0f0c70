"""Presence: `min_present` residents on a rotation and not on vacation, on every working day."""

from __future__ import annotations

from program_helpers import HEADER, conflict_sources, make_program, present_by_day, solve_checked


def residents(n: int, level: str = "R2") -> str:
    return "".join(f'[[resident]]\nid = "r{i}"\nlevel = "{level}"\ntrack = "IR"\n'
                   for i in range(1, n + 1))


def test_min_present_holds_in_every_week_with_vacations():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 2
        [[rotation]]
        code = "ELECTIVE"
    """ + residents(3), vacation_weeks=4)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    present = present_by_day(program, schedule, "CALL")
    assert min(present.values()) >= 2
    for a in schedule.residents.values():
        assert len(a.vacation_weeks) == 4


def test_min_present_spreads_vacations_of_a_two_person_rotation():
    # CALL is the only rotation, so both residents are on it all year: their vacation weeks
    # must never coincide.
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
    """ + residents(2), vacation_weeks=6)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    first, second = (set(a.vacation_weeks) for a in schedule.residents.values())
    assert len(first) == len(second) == 6
    assert not first & second
    assert min(present_by_day(program, schedule, "CALL").values()) >= 1


def test_min_present_in_four_week_calendar():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
    """ + residents(2), vacation_weeks=13, calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert min(present_by_day(program, schedule, "CALL").values()) >= 1


def test_min_present_with_vacation_every_block_is_infeasible():
    # One resident, on CALL all year (CALL needs one present), must take a vacation week.
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
    """ + residents(1), vacation_weeks=1)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].min_present", "program.vacation_weeks"}


def test_two_residents_covering_each_other_cannot_both_take_more_than_half_the_year():
    # CALL is the only rotation and needs one present every week: the two residents' vacation
    # weeks must not overlap, and 27 + 27 weeks do not fit in 52.
    header = HEADER.format(calendar="months", vacation_weeks=0)
    header += "max_vacation_weeks_per_block = 5\n"
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[resident]]
        id = "r1"
        level = "R2"
        track = "IR"
        vacation_weeks = 27
        [[resident]]
        id = "r2"
        level = "R2"
        track = "IR"
        vacation_weeks = 27
    """, header=header)
    schedule = solve_checked(program, time_limit=3, explain_time_limit=3)
    assert conflict_sources(schedule) == {"rotation[0].min_present", "resident[0].vacation_weeks",
                                          "resident[1].vacation_weeks"}


def test_min_present_needs_that_many_residents_on_it():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 3
    """ + residents(2))
    assert conflict_sources(solve_checked(program)) == {"rotation[0].min_present"}


def test_two_approved_leaves_in_the_same_week_leave_no_one_present():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
        [[request]]
        resident = "r1"
        kind = "vacation"
        weeks = [2027-12-20]
        hard = true
        [[request]]
        resident = "r2"
        kind = "vacation"
        weeks = [2027-12-21]
        hard = true
    """ + residents(2), vacation_weeks=2)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].min_present", "request[0]", "request[1]"}


def test_approved_leave_of_one_resident_is_covered_by_the_other():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
        [[request]]
        resident = "r1"
        kind = "vacation"
        weeks = [2027-12-20]
        hard = true
    """ + residents(2), vacation_weeks=2)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert 25 in schedule.residents["r1"].vacation_weeks
    assert schedule.residents["r2"].rotations[5] == "CALL"  # December: r2 covers
    assert 25 not in schedule.residents["r2"].vacation_weeks
    assert min(present_by_day(program, schedule, "CALL").values()) >= 1


def test_min_present_with_two_vacation_weeks_per_block():
    header = HEADER.format(calendar="months", vacation_weeks=8)
    header += "max_vacation_weeks_per_block = 2\n"
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 2
        [[rotation]]
        code = "OFF"
    """ + residents(3), header=header)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert min(present_by_day(program, schedule, "CALL").values()) >= 2
    for a in schedule.residents.values():
        assert len(a.vacation_weeks) == 8
