"""min_consecutive rules: every run on the target lasts N blocks or more, except a run touching
block 1 or the last block; soft ones cost weight x (N - run length) per run."""

from __future__ import annotations

from program_helpers import ICU_ROTATIONS as ROTATIONS
from program_helpers import ONE_R2 as RESIDENT
from program_helpers import conflict_sources, make_program, solve_checked

from solver.checker import runs


def on_runs(schedule, rid: str, *codes: str) -> list[tuple[int, int]]:
    """(first block, length) of each run on the codes, blocks counted from 1."""
    flags = [c in codes for c in schedule.residents[rid].rotations]
    return [(start + 1, length) for start, length in runs(flags)]


def assign(blocks: list[int], target: str = 'rotation = "SICU"') -> str:
    return (f'[[request]]\nresident = "a"\nkind = "assign"\n{target}\n'
            f"blocks = {blocks}\nhard = true\n")


def rule(n: int, target: str = 'rotation = "SICU"', soft: str = "") -> str:
    return f'[[rule]]\nkind = "min_consecutive"\n{target}\nblocks = {n}\n{soft}\n'


def requirement(n: int, target: str = 'rotation = "SICU"') -> str:
    return f"[[requirement]]\n{target}\nexactly = {n}\n"


def test_an_interior_run_lasts_at_least_n_blocks():
    program = make_program(ROTATIONS + RESIDENT + requirement(3) + rule(3) + assign([6]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    [(start, length)] = on_runs(schedule, "a", "SICU")
    assert length == 3
    assert start in (4, 5, 6)


def test_a_group_run_may_mix_its_rotations():
    program = make_program(ROTATIONS + RESIDENT + requirement(2, 'group = "ICU"')
                           + requirement(1, 'rotation = "SICU"') + rule(2, 'group = "ICU"')
                           + assign([6]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    [(start, length)] = on_runs(schedule, "a", "SICU", "MICU")
    assert length == 2
    assert start in (5, 6)


def test_a_short_run_touching_block_1_is_exempt():
    program = make_program(ROTATIONS + RESIDENT + requirement(1) + rule(3) + assign([1]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on_runs(schedule, "a", "SICU") == [(1, 1)]


def test_a_short_run_touching_the_last_block_is_exempt():
    program = make_program(ROTATIONS + RESIDENT + requirement(1) + rule(3) + assign([12]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on_runs(schedule, "a", "SICU") == [(12, 1)]


def test_the_last_block_is_13_in_a_four_week_calendar():
    program = make_program(ROTATIONS + RESIDENT + requirement(1) + rule(3) + assign([13]),
                           calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on_runs(schedule, "a", "SICU") == [(13, 1)]
    # ... and block 12 is interior there.
    program = make_program(ROTATIONS + RESIDENT + requirement(1) + rule(3) + assign([12]),
                           calendar="4-week")
    assert conflict_sources(solve_checked(program)) == {"requirement[0]", "rule[0]",
                                                        "request[0]"}


def test_rule_filters_leave_other_residents_free():
    # The rule binds only DR residents; the IR resident's one-block run is fine.
    program = make_program(ROTATIONS + RESIDENT + requirement(1, 'rotation = "MICU"')
                           + rule(3, 'rotation = "MICU"\ntracks = ["DR"]')
                           + assign([5], 'rotation = "MICU"'))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on_runs(schedule, "a", "MICU") == [(5, 1)]


def test_soft_costs_weight_times_shortfall_of_one_run():
    program = make_program(ROTATIONS + RESIDENT + requirement(1)
                           + rule(3, soft="hard = false\nweight = 2") + assign([5]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * (3 - 1)


def test_soft_costs_per_run():
    # Two runs of one block each, both interior: each is 2 short of 3.
    program = make_program(ROTATIONS + RESIDENT + requirement(2)
                           + rule(3, soft="hard = false\nweight = 1") + assign([3, 8]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on_runs(schedule, "a", "SICU") == [(3, 1), (8, 1)]
    assert schedule.objective == 2 + 2
    assert [p["cost"] for p in schedule.penalties] == [2, 2]


def test_soft_run_of_two_for_n_four():
    program = make_program(ROTATIONS + RESIDENT + requirement(2)
                           + rule(4, soft="hard = false\nweight = 3") + assign([5, 6]))
    schedule = solve_checked(program)
    assert schedule.objective == 3 * (4 - 2)


def test_soft_exempt_runs_cost_nothing():
    program = make_program(ROTATIONS + RESIDENT + requirement(2)
                           + rule(4, soft="hard = false\nweight = 3") + assign([1, 12]))
    schedule = solve_checked(program)
    assert schedule.objective == 0


def test_forced_short_interior_run_is_infeasible():
    program = make_program(ROTATIONS + RESIDENT + requirement(1) + rule(2) + assign([5]))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"requirement[0]", "rule[0]", "request[0]"}
