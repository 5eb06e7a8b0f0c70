"""Re-solving mid-year: frozen blocks (and their vacation weeks) stay as published, every later
changed cell costs `change_weight`, and residents absent from the previous schedule are free."""

from __future__ import annotations

from program_helpers import HEADER, conflict_sources, make_program, solve_checked

from scheduler import Assignment, Schedule

ROTATIONS = """
[[rotation]]
code = "A"
[[rotation]]
code = "B"
[[rotation]]
code = "C"
"""


def header(change_weight: int = 1, vacation_weeks: int = 0, calendar: str = "months") -> str:
    return (HEADER.format(calendar=calendar, vacation_weeks=vacation_weeks)
            + f"change_weight = {change_weight}\n")


def residents(*ids: str) -> str:
    return "".join(f'[[resident]]\nid = "{rid}"\nlevel = "R2"\ntrack = "IR"\n' for rid in ids)


def previous(**rows: tuple[list[str], list[int]]) -> Schedule:
    return Schedule(program="Test program", status="OPTIMAL",
                    residents={rid: Assignment(list(r), list(w)) for rid, (r, w) in rows.items()})


def changed(schedule, old: Schedule, rid: str) -> list[int]:
    new = schedule.residents[rid].rotations
    return [b + 1 for b, (x, y) in enumerate(zip(new, old.residents[rid].rotations, strict=True))
            if x != y]


PATTERN = ["A", "B", "C", "C", "B", "A", "A", "B", "C", "A", "B", "C"]


def test_unchanged_program_keeps_the_previous_schedule_exactly():
    old = previous(a=(PATTERN, [3, 20]), b=(PATTERN[::-1], [10, 45]))
    program = make_program(ROTATIONS + residents("a", "b"), header=header(vacation_weeks=2))
    schedule = solve_checked(program, previous=old)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 0
    assert schedule.residents["a"].rotations == PATTERN
    assert schedule.residents["b"].rotations == PATTERN[::-1]


def test_fewest_changes_each_costing_change_weight():
    old = previous(a=(["A"] * 12, []))
    program = make_program(ROTATIONS + residents("a") + """
        [[requirement]]
        rotation = "B"
        exactly = 2
    """, header=header(change_weight=3))
    schedule = solve_checked(program, previous=old)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * 3
    assert len(changed(schedule, old, "a")) == 2
    assert [p["cost"] for p in schedule.penalties] == [3, 3]


def test_default_change_weight_is_one():
    old = previous(a=(["A"] * 12, []))
    program = make_program(ROTATIONS + residents("a") + """
        [[requirement]]
        rotation = "C"
        exactly = 3
    """)
    schedule = solve_checked(program, previous=old)
    assert schedule.objective == 3


def test_change_weight_zero_makes_changes_free():
    old = previous(a=(["A"] * 12, []))
    program = make_program(ROTATIONS + residents("a") + """
        [[requirement]]
        rotation = "C"
        exactly = 3
    """, header=header(change_weight=0))
    assert solve_checked(program, previous=old).objective == 0


def test_changes_are_weighed_against_soft_requests():
    # Granting the request (weight 5) means 2 changes at 2 each: worth it.
    old = previous(a=(["A"] * 12, []))
    program = make_program(ROTATIONS + residents("a") + """
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "C"
        blocks = [6, 7]
        weight = 5
    """, header=header(change_weight=2))
    schedule = solve_checked(program, previous=old)
    assert schedule.objective == 4
    assert changed(schedule, old, "a") == [6, 7]
    # At 3 a change the request is not worth it.
    program = make_program(ROTATIONS + residents("a") + """
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "C"
        blocks = [6, 7]
        weight = 5
    """, header=header(change_weight=3))
    schedule = solve_checked(program, previous=old)
    assert schedule.objective == 5
    assert schedule.unmet_requests == [0]
    assert changed(schedule, old, "a") == []


def test_frozen_blocks_are_kept_even_when_a_change_would_be_cheaper():
    old = previous(a=(["B", "B"] + ["A"] * 10, []))
    body = ROTATIONS + residents("a") + """
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "A"
        blocks = [1]
        weight = 10
    """
    program = make_program(body)
    free = solve_checked(program, previous=old)
    assert free.objective == 1
    assert changed(free, old, "a") == [1]
    frozen = solve_checked(program, previous=old, freeze_through=2)
    assert frozen.status == "OPTIMAL"
    assert frozen.objective == 10
    assert frozen.residents["a"].rotations == old.residents["a"].rotations


def test_frozen_vacation_weeks_are_kept_and_a_later_one_moved_costs_the_change_weight():
    # Weeks 1-4 (5 July - 1 August) have days in block 1 (July). Week 3 stays; week 30 moves
    # to the hard-requested week 40, which costs change_weight 1 (booked travel dropped);
    # the request for week 4 cannot be granted (its week is frozen).
    old = previous(a=(["A"] * 12, [3, 30]))
    program = make_program(ROTATIONS + residents("a") + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2028-04-06]
        hard = true
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-07-28]
        weight = 5
    """, vacation_weeks=2)
    schedule = solve_checked(program, previous=old, freeze_through=1)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].vacation_weeks == [3, 40]
    assert schedule.objective == 5 + 1
    assert schedule.unmet_requests == [1]


def test_no_vacation_is_added_to_frozen_blocks():
    old = previous(a=(["A"] * 12, [20]))
    program = make_program(ROTATIONS + residents("a") + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-07-08]
        weight = 5
    """, vacation_weeks=2)
    schedule = solve_checked(program, previous=old, freeze_through=3)
    assert schedule.status == "OPTIMAL"
    weeks = schedule.residents["a"].vacation_weeks
    assert 1 not in weeks  # 8 July is in week 1, frozen with blocks 1-3
    assert len(weeks) == 2 and 20 in weeks  # the published week 20 is kept: dropping it costs
    september = program.blocks[2].end
    assert [w for w in weeks if program.calendar.week_start(w) <= september] == []
    assert schedule.objective == 5


def test_residents_absent_from_the_previous_schedule_are_free():
    old = previous(a=(["A"] * 12, []))
    program = make_program(ROTATIONS + residents("a", "newcomer") + """
        [[request]]
        resident = "newcomer"
        kind = "assign"
        rotation = "C"
        blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        hard = true
    """)
    schedule = solve_checked(program, previous=old, freeze_through=12)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 0
    assert schedule.residents["newcomer"].rotations == ["C"] * 12
    assert schedule.residents["a"].rotations == ["A"] * 12


def test_residents_of_the_previous_schedule_no_longer_in_the_program_are_ignored():
    old = previous(a=(["A"] * 12, []), gone=(["B"] * 12, []))
    program = make_program(ROTATIONS + residents("a"))
    schedule = solve_checked(program, previous=old, freeze_through=4)
    assert schedule.status == "OPTIMAL"
    assert set(schedule.residents) == {"a"}
    assert schedule.objective == 0


def test_a_rotation_gone_from_the_program_costs_a_change_in_every_later_block():
    old = previous(a=(["OLD"] * 12, []))
    program = make_program(ROTATIONS + residents("a"), header=header(change_weight=2))
    schedule = solve_checked(program, previous=old)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 12 * 2


def test_frozen_block_against_a_hard_request_is_infeasible():
    old = previous(a=(["A"] * 12, []), b=(["B"] * 12, []))
    program = make_program(ROTATIONS + residents("a", "b") + """
        [[request]]
        resident = "a"
        kind = "avoid"
        rotation = "A"
        blocks = [2]
        hard = true
    """)
    schedule = solve_checked(program, previous=old, freeze_through=3)
    assert conflict_sources(schedule) == {"previous.residents.a", "request[0]"}
    # Outside the frozen blocks the same request is simply a change.
    schedule = solve_checked(program, previous=old, freeze_through=1)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 1


def test_frozen_rotation_gone_from_the_program_is_infeasible():
    old = previous(a=(["OLD"] + ["A"] * 11, []))
    program = make_program(ROTATIONS + residents("a"))
    schedule = solve_checked(program, previous=old, freeze_through=1)
    assert conflict_sources(schedule) == {"previous.residents.a"}


def test_frozen_vacation_against_a_lower_allowance_is_infeasible():
    old = previous(a=(["A"] * 12, [2, 7, 11]))
    program = make_program(ROTATIONS + residents("a"), vacation_weeks=2)
    schedule = solve_checked(program, previous=old, freeze_through=3)
    assert conflict_sources(schedule) == {"previous.residents.a", "program.vacation_weeks"}


def test_four_week_calendar_freezes_blocks_and_their_weeks():
    old = previous(a=(["A", "B", "C"] + ["A"] * 10, [6, 13, 50]))
    program = make_program(ROTATIONS + residents("a") + """
        [[requirement]]
        rotation = "A"
        max = 2
    """, header=header(vacation_weeks=3, calendar="4-week"))
    schedule = solve_checked(program, previous=old, freeze_through=2)
    assert schedule.status == "OPTIMAL"
    assignment = schedule.residents["a"]
    assert assignment.rotations[:2] == ["A", "B"]
    assert len(assignment.rotations) == 13
    assert assignment.rotations[2:].count("A") <= 1  # A in block 1, and at most 2 in all
    assert [w for w in assignment.vacation_weeks if w <= 8] == [6]
    assert len(assignment.vacation_weeks) == 3
    # Block 3 may stay C; of the ten As in blocks 4-13 only one may stay: 9 changes.
    assert schedule.objective == 9
