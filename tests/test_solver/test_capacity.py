"""Capacity: each rotation takes between `min` and `max` residents in every block."""

from __future__ import annotations

from program_helpers import conflict_sources, make_program, solve_checked

RESIDENTS = """
[[resident]]
id = "r1"
level = "R2"
track = "IR"
[[resident]]
id = "r2"
level = "R2"
track = "IR"
[[resident]]
id = "r3"
level = "R2"
track = "IR"
"""


def counts(schedule, code: str, blocks: int = 12) -> list[int]:
    return [sum(a.rotations[b] == code for a in schedule.residents.values())
            for b in range(blocks)]


def test_rotation_min_fills_every_block():
    program = make_program("""
        [[rotation]]
        code = "A"
        min = 2
        [[rotation]]
        code = "B"
        min = 1
    """ + RESIDENTS)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert counts(schedule, "A") == [2] * 12
    assert counts(schedule, "B") == [1] * 12


def test_rotation_max_caps_every_block():
    program = make_program("""
        [[rotation]]
        code = "A"
        max = 1
        [[rotation]]
        code = "B"
        max = 2
    """ + RESIDENTS)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert counts(schedule, "A") == [1] * 12
    assert counts(schedule, "B") == [2] * 12


def test_max_zero_closes_a_rotation():
    program = make_program("""
        [[rotation]]
        code = "CLOSED"
        max = 0
        [[rotation]]
        code = "OPEN"
        [[requirement]]
        rotation = "CLOSED"
        min = 1
        hard = false
        weight = 4
    """ + RESIDENTS)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert counts(schedule, "CLOSED") == [0] * 12
    assert schedule.objective == 3 * 4  # each of the three residents one block short


def test_too_little_room_is_infeasible_and_names_both_maxima():
    program = make_program("""
        [[rotation]]
        code = "A"
        max = 1
        [[rotation]]
        code = "B"
        max = 1
    """ + RESIDENTS)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].max", "rotation[1].max"}
    assert any("at most 1 resident" in c["message"] for c in schedule.conflicts)


def test_min_above_the_number_of_residents_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "A"
        [[rotation]]
        code = "B"
        min = 4
    """ + RESIDENTS)
    assert conflict_sources(solve_checked(program)) == {"rotation[1].min"}


def test_two_minima_that_need_more_residents_than_there_are():
    program = make_program("""
        [[rotation]]
        code = "A"
        min = 2
        [[rotation]]
        code = "B"
        min = 2
        [[rotation]]
        code = "C"
        max = 0
    """ + RESIDENTS)
    assert conflict_sources(solve_checked(program)) == {"rotation[0].min", "rotation[1].min"}


def test_min_against_a_requirement_keeping_residents_off():
    program = make_program("""
        [[rotation]]
        code = "A"
        min = 1
        [[rotation]]
        code = "B"
        [[requirement]]
        rotation = "A"
        max = 3
    """ + RESIDENTS)
    # 12 blocks need someone on A, three residents may each give at most 3.
    assert conflict_sources(solve_checked(program)) == {"rotation[0].min", "requirement[0]"}
