"""Assignment: one rotation per resident per block, among those whose levels and tracks admit
them."""

from __future__ import annotations

from program_helpers import conflict_sources, make_program, solve_checked


def test_every_resident_gets_exactly_one_known_rotation_per_block():
    program = make_program("""
        [[rotation]]
        code = "A"
        [[rotation]]
        code = "B"
        min = 1
        [[resident]]
        id = "ahmed"
        level = "R1"
        track = "IR"
        [[resident]]
        id = "baker"
        level = "R2"
        track = "DR"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 0
    assert schedule.best_bound == 0
    assert set(schedule.residents) == {"ahmed", "baker"}
    for assignment in schedule.residents.values():
        assert len(assignment.rotations) == 12
        assert set(assignment.rotations) <= {"A", "B"}
    for b in range(12):
        assert "B" in {a.rotations[b] for a in schedule.residents.values()}


def test_four_week_calendar_gives_13_rotations():
    program = make_program("""
        [[rotation]]
        code = "A"
        [[resident]]
        id = "ahmed"
        level = "R1"
        track = "IR"
    """, calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["ahmed"].rotations == ["A"] * 13
    assert len(schedule.blocks) == 13


def test_rotation_levels_keep_other_levels_off_it():
    program = make_program("""
        [[rotation]]
        code = "SENIOR"
        levels = ["R4", "R5"]
        min = 1
        [[rotation]]
        code = "ANY"
        [[resident]]
        id = "junior"
        level = "R1"
        track = "IR"
        [[resident]]
        id = "senior"
        level = "R4"
        track = "IR"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert "SENIOR" not in schedule.residents["junior"].rotations
    assert schedule.residents["senior"].rotations == ["SENIOR"] * 12


def test_rotation_tracks_keep_other_tracks_off_it():
    program = make_program("""
        [[rotation]]
        code = "IR-U"
        tracks = ["IR", "ESIR"]
        min = 2
        [[rotation]]
        code = "BODY"
        [[resident]]
        id = "ir"
        level = "R3"
        track = "IR"
        [[resident]]
        id = "esir"
        level = "R3"
        track = "ESIR"
        [[resident]]
        id = "dr"
        level = "R3"
        track = "DR"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["dr"].rotations == ["BODY"] * 12
    assert schedule.residents["ir"].rotations == ["IR-U"] * 12
    assert schedule.residents["esir"].rotations == ["IR-U"] * 12


def test_a_requirement_cannot_put_a_resident_on_a_rotation_closed_to_their_level():
    program = make_program("""
        [[rotation]]
        code = "SENIOR"
        levels = ["R4", "R5"]
        [[rotation]]
        code = "ANY"
        [[resident]]
        id = "junior"
        level = "R1"
        track = "IR"
        [[requirement]]
        rotation = "SENIOR"
        min = 1
    """)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].levels", "requirement[0]"}
    for conflict in schedule.conflicts:
        assert conflict["message"]
    assert schedule.explanation


def test_rotation_min_with_no_eligible_level_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "ANY"
        [[rotation]]
        code = "SENIOR"
        levels = ["R5"]
        min = 1
        [[resident]]
        id = "junior"
        level = "R1"
        track = "IR"
    """)
    assert conflict_sources(solve_checked(program)) == {"rotation[1].levels", "rotation[1].min"}


def test_rotation_min_with_no_eligible_track_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "IR-U"
        tracks = ["IR"]
        min = 1
        [[rotation]]
        code = "BODY"
        [[resident]]
        id = "dr"
        level = "R3"
        track = "DR"
    """)
    assert conflict_sources(solve_checked(program)) == {"rotation[0].min", "rotation[0].tracks"}


def test_resident_no_rotation_admits_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "SENIOR"
        levels = ["R5"]
        [[rotation]]
        code = "DR-ONLY"
        tracks = ["DR"]
        [[resident]]
        id = "ok"
        level = "R5"
        track = "DR"
        [[resident]]
        id = "stuck"
        level = "R1"
        track = "IR"
    """)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].levels", "rotation[1].tracks"}
