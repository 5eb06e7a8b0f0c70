"""Coverage rules: how many matching residents a rotation or group has in given blocks."""

from __future__ import annotations

from program_helpers import ICU_ROTATIONS as ROTATIONS
from program_helpers import conflict_sources, make_program, solve_checked


def residents(*levels: str) -> str:
    return "".join(f'[[resident]]\nid = "r{i}"\nlevel = "{level}"\ntrack = "IR"\n'
                   for i, level in enumerate(levels, start=1))


def on(schedule, block: int, *codes: str, ids: tuple[str, ...] | None = None) -> int:
    return sum(a.rotations[block - 1] in codes for rid, a in schedule.residents.items()
               if ids is None or rid in ids)


def avoid_all(rid: str, target: str, weight: int = 1) -> str:
    """A soft request keeping `rid` off `target` unless a rule needs them there."""
    return (f'[[request]]\nresident = "{rid}"\nkind = "avoid"\ngroup = "{target}"\n'
            f"weight = {weight}\n")


def test_coverage_of_a_group_in_listed_blocks():
    program = make_program(ROTATIONS + residents("R2", "R2", "R2") + """
        [[rule]]
        kind = "coverage"
        group = "ICU"
        min = 2
        blocks = [1, 2]
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert on(schedule, 1, "SICU", "MICU") >= 2
    assert on(schedule, 2, "SICU", "MICU") >= 2


def test_coverage_only_binds_listed_blocks():
    # Everyone would rather stay off ICU: the rule forces two there in blocks 1-2 only.
    program = make_program(ROTATIONS + residents("R2", "R2", "R2") + """
        [[rule]]
        kind = "coverage"
        group = "ICU"
        min = 2
        blocks = [1, 2]
    """ + avoid_all("r1", "ICU") + avoid_all("r2", "ICU") + avoid_all("r3", "ICU", 5))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2  # r1 and r2 give up their (weight 1) requests
    assert schedule.unmet_requests == [0, 1]
    assert [on(schedule, b, "SICU", "MICU") for b in range(1, 13)] == [2, 2] + [0] * 10


def test_coverage_counts_only_residents_its_filters_match():
    program = make_program(ROTATIONS + residents("R1", "R1", "R3") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        levels = ["R3"]
        min = 1
        [[requirement]]
        levels = ["R1"]
        rotation = "SICU"
        exactly = 12
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    # The R1 residents are on SICU all year, yet an R3 is still needed there.
    assert schedule.residents["r3"].rotations == ["SICU"] * 12


def test_coverage_max_limits_a_rotation_in_listed_blocks():
    program = make_program(ROTATIONS + residents("R2", "R2") + """
        [[rule]]
        kind = "coverage"
        rotation = "BODY"
        max = 1
        blocks = [3, 4]
        [[request]]
        resident = "r1"
        kind = "assign"
        rotation = "BODY"
        blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        weight = 2
        [[request]]
        resident = "r2"
        kind = "assign"
        rotation = "BODY"
        blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        weight = 3
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2
    assert schedule.unmet_requests == [0]
    assert schedule.residents["r2"].rotations == ["BODY"] * 12
    assert [on(schedule, b, "BODY") for b in (3, 4)] == [1, 1]


def test_soft_coverage_costs_weight_per_resident_short_per_block():
    program = make_program(ROTATIONS + residents("R2") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        min = 2
        blocks = [1, 2, 3]
        hard = false
        weight = 3
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 3 * 1 * 3  # one short in each of three blocks
    assert schedule.residents["r1"].rotations[:3] == ["SICU"] * 3


def test_soft_coverage_costs_weight_per_resident_over_per_block():
    program = make_program(ROTATIONS + residents("R2", "R2") + """
        [[rule]]
        kind = "coverage"
        group = "ICU"
        max = 1
        hard = false
        weight = 2
        [[requirement]]
        rotation = "MICU"
        min = 7
    """)
    # 14 MICU blocks in 12 blocks for a group that takes 1: two blocks have one too many.
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * 2
    assert sorted(on(schedule, b, "SICU", "MICU") for b in range(1, 13)) == [1] * 10 + [2, 2]


def test_soft_coverage_over_when_forced():
    program = make_program(ROTATIONS + residents("R2", "R2", "R2") + """
        [[rule]]
        kind = "coverage"
        group = "ICU"
        max = 1
        blocks = [1, 2]
        hard = false
        weight = 2
        [[requirement]]
        group = "ICU"
        exactly = 12
    """)
    # All three are on ICU all year: two over the max in each of the two listed blocks.
    schedule = solve_checked(program)
    assert schedule.objective == 2 * 2 * 2


def test_hard_coverage_beyond_the_residents_is_infeasible():
    program = make_program(ROTATIONS + residents("R2") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        min = 2
        blocks = [7]
    """)
    assert conflict_sources(solve_checked(program)) == {"rule[0]"}


def test_closed_rotation_against_an_approved_assignment():
    program = make_program(ROTATIONS + residents("R2", "R2") + """
        [[rule]]
        kind = "coverage"
        group = "ICU"
        max = 0
        blocks = [5]
        [[request]]
        resident = "r2"
        kind = "assign"
        rotation = "MICU"
        blocks = [4, 5]
        hard = true
    """)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rule[0]", "request[0]"}
    assert "closed" in schedule.explanation


def test_coverage_with_a_filter_nobody_matches_is_infeasible():
    program = make_program(ROTATIONS + residents("R1", "R2") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        levels = ["R5"]
        min = 1
    """)
    assert conflict_sources(solve_checked(program)) == {"rule[0]"}


def test_coverage_against_rotation_max():
    program = make_program("""
        [[rotation]]
        code = "SICU"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + residents("R2", "R2") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        min = 2
        blocks = [2]
    """)
    assert conflict_sources(solve_checked(program)) == {"rotation[0].max", "rule[0]"}


def test_a_coverage_breach_says_how_many_residents_in_words_a_chief_reads():
    from solver import checker

    program = make_program(ROTATIONS + residents("R2", "R4") + """
        [[rule]]
        kind = "coverage"
        rotation = "SICU"
        min = 2
        blocks = [1]
        hard = false
        weight = 3
        [[rule]]
        kind = "coverage"
        rotation = "MICU"
        levels = ["R4"]
        min = 1
        blocks = [2]
        hard = false
        weight = 3
        [[request]]
        resident = "r2"
        kind = "assign"
        rotation = "BODY"
        blocks = [1, 2]
        hard = true
    """)
    schedule = solve_checked(program)
    found = {f.source: f.message for f in checker.check(program, schedule).penalties}
    assert found["rule[0]"].startswith("1 resident on SICU in block 1, needs at least 2")
    assert found["rule[1]"].startswith("0 of the R4 residents on MICU in block 2")
