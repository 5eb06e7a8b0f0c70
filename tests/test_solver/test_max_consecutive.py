"""max_consecutive rules: no run of more than N consecutive blocks on the target; soft ones
cost weight x (run length - N) per run."""

from __future__ import annotations

from program_helpers import ICU_ROTATIONS as ROTATIONS
from program_helpers import ONE_R2 as RESIDENT
from program_helpers import conflict_sources, make_program, solve_checked

from solver.checker import runs


def run_lengths(schedule, rid: str, *codes: str) -> list[int]:
    return [length for _, length in runs([c in codes for c in schedule.residents[rid].rotations])]


def assign(blocks: list[int], target: str = 'rotation = "SICU"', rid: str = "a") -> str:
    return (f'[[request]]\nresident = "{rid}"\nkind = "assign"\n{target}\n'
            f"blocks = {blocks}\nhard = true\n")


def test_runs_on_a_rotation_stay_within_n():
    program = make_program(ROTATIONS + RESIDENT + """
        [[requirement]]
        rotation = "SICU"
        exactly = 8
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 2
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    lengths = run_lengths(schedule, "a", "SICU")
    assert sum(lengths) == 8
    assert max(lengths) <= 2


def test_a_group_target_counts_runs_across_its_rotations():
    # Six ICU blocks with no two in a row: ICU on every other block, whichever member.
    program = make_program(ROTATIONS + RESIDENT + """
        [[requirement]]
        group = "ICU"
        exactly = 6
        [[requirement]]
        rotation = "SICU"
        exactly = 3
        [[rule]]
        kind = "max_consecutive"
        group = "ICU"
        blocks = 1
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert run_lengths(schedule, "a", "SICU", "MICU") == [1] * 6


def test_rule_filters_leave_other_residents_free():
    program = make_program(ROTATIONS + RESIDENT + """
        [[resident]]
        id = "senior"
        level = "R4"
        track = "IR"
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 2
        levels = ["R4"]
    """ + assign(list(range(1, 13))))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].rotations == ["SICU"] * 12


def test_soft_costs_weight_times_excess_per_run():
    # Runs of 4 (blocks 1-4) and 6 (blocks 7-12) are forced; blocks 5-6 are best off SICU.
    program = make_program(ROTATIONS + RESIDENT + """
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 3
        hard = false
        weight = 2
    """ + assign([1, 2, 3, 4, 7, 8, 9, 10, 11, 12]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * (4 - 3) + 2 * (6 - 3)
    assert "SICU" not in schedule.residents["a"].rotations[4:6]
    assert sorted(p["cost"] for p in schedule.penalties) == [2, 6]


def test_soft_run_within_the_limit_is_free():
    program = make_program(ROTATIONS + RESIDENT + """
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 3
        hard = false
        weight = 5
    """ + assign([1, 2, 3, 6, 7, 8]))
    schedule = solve_checked(program)
    assert schedule.objective == 0


def test_soft_single_year_long_run():
    program = make_program('[[rotation]]\ncode = "ONLY"\n' + RESIDENT + """
        [[rule]]
        kind = "max_consecutive"
        rotation = "ONLY"
        blocks = 5
        hard = false
        weight = 3
    """, calendar="4-week")
    schedule = solve_checked(program)
    assert schedule.objective == 3 * (13 - 5)


def test_forced_run_longer_than_n_is_infeasible():
    program = make_program(ROTATIONS + RESIDENT + """
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 2
    """ + assign([4, 5, 6]))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rule[0]", "request[0]"}
    assert "no more than 2 blocks in a row" in " ".join(c["message"] for c in schedule.conflicts)


def test_requirement_too_large_to_split_into_short_runs():
    # 9 blocks with runs of at most 2 need at least 4 breaks: 13 blocks.
    program = make_program(ROTATIONS + RESIDENT + """
        [[requirement]]
        group = "ICU"
        min = 9
        [[rule]]
        kind = "max_consecutive"
        group = "ICU"
        blocks = 2
    """)
    assert conflict_sources(solve_checked(program)) == {"requirement[0]", "rule[0]"}
