"""Prerequisite rules: a block on the target only after a block on `requires` earlier this year,
or with `requires` in the resident's history; soft ones cost weight per target block without it."""

from __future__ import annotations

from program_helpers import conflict_sources, make_program, solve_checked

ROTATIONS = """
[[rotation]]
code = "IR-U"
groups = ["IR"]
[[rotation]]
code = "IR-VA"
groups = ["IR"]
[[rotation]]
code = "BODY"
[[rotation]]
code = "NM"
"""


def resident(rid: str = "a", level: str = "R2", history: str = "") -> str:
    text = f'[[resident]]\nid = "{rid}"\nlevel = "{level}"\ntrack = "IR"\n'
    return text + (f"history = {{ {history} }}\n" if history else "")


def prerequisite(target: str, requires: str, extra: str = "") -> str:
    return f'[[rule]]\nkind = "prerequisite"\n{target}\nrequires = "{requires}"\n{extra}\n'


def assign(blocks: list[int], target: str = 'rotation = "NM"', rid: str = "a") -> str:
    return (f'[[request]]\nresident = "{rid}"\nkind = "assign"\n{target}\n'
            f"blocks = {blocks}\nhard = true\n")


def test_target_comes_after_the_required_rotation():
    program = make_program(ROTATIONS + resident() + """
        [[requirement]]
        rotation = "NM"
        min = 1
        [[requirement]]
        rotation = "BODY"
        exactly = 1
    """ + prerequisite('rotation = "NM"', "BODY"))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    rotations = schedule.residents["a"].rotations
    first_body = rotations.index("BODY")
    assert "NM" in rotations
    assert "NM" not in rotations[:first_body + 1]


def test_required_group_is_met_by_any_member():
    program = make_program(ROTATIONS + resident() + """
        [[requirement]]
        rotation = "IR-U"
        max = 0
    """ + prerequisite('rotation = "NM"', "IR") + assign([3]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert "IR-VA" in schedule.residents["a"].rotations[:2]


def test_group_target_needs_the_prerequisite_for_each_member():
    program = make_program(ROTATIONS + resident() + prerequisite('group = "IR"', "BODY")
                           + assign([2], 'rotation = "IR-VA"'))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].rotations[0] == "BODY"


def test_history_of_the_required_rotation_lifts_the_rule():
    program = make_program(ROTATIONS + resident(history="BODY = 1")
                           + prerequisite('rotation = "NM"', "BODY") + assign([1]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].rotations[0] == "NM"


def test_history_of_a_member_of_the_required_group_lifts_the_rule():
    program = make_program(ROTATIONS + resident(history="IR-VA = 2")
                           + prerequisite('rotation = "NM"', "IR") + assign([1]))
    assert solve_checked(program).status == "OPTIMAL"


def test_history_keyed_by_the_required_group_lifts_the_rule():
    program = make_program(ROTATIONS + resident(history="IR = 1")
                           + prerequisite('rotation = "NM"', "IR") + assign([1]))
    assert solve_checked(program).status == "OPTIMAL"


def test_rule_filters_leave_other_residents_free():
    program = make_program(ROTATIONS + resident()
                           + prerequisite('rotation = "NM"', "BODY", 'levels = ["R4", "R5"]')
                           + assign([1]))
    assert solve_checked(program).status == "OPTIMAL"


def test_target_in_block_1_without_history_is_infeasible():
    program = make_program(ROTATIONS + resident() + prerequisite('rotation = "NM"', "BODY")
                           + assign([1]))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rule[0]", "request[0]"}
    assert "only after BODY" in " ".join(c["message"] for c in schedule.conflicts)


def test_required_rotation_closed_to_the_resident_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "NM"
        [[rotation]]
        code = "BODY"
        levels = ["R5"]
        [[rotation]]
        code = "CLINIC"
    """ + resident() + """
        [[requirement]]
        rotation = "NM"
        min = 1
    """ + prerequisite('rotation = "NM"', "BODY"))
    assert conflict_sources(solve_checked(program)) == {"rotation[1].levels", "requirement[0]",
                                                       "rule[0]"}


def test_soft_costs_weight_per_target_block_without_it():
    program = make_program(ROTATIONS + resident()
                           + prerequisite('rotation = "NM"', "BODY", "hard = false\nweight = 3")
                           + assign([1, 2]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * 3


def test_soft_target_blocks_after_the_prerequisite_are_free():
    # Block 1 is NM before any BODY (cost 3); BODY somewhere in 2-4 makes block 5 fine.
    program = make_program(ROTATIONS + resident()
                           + prerequisite('rotation = "NM"', "BODY", "hard = false\nweight = 3")
                           + assign([1, 5]))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 3
    assert "BODY" in schedule.residents["a"].rotations[1:4]


def test_soft_with_history_costs_nothing():
    program = make_program(ROTATIONS + resident(history="BODY = 1")
                           + prerequisite('rotation = "NM"', "BODY", "hard = false\nweight = 3")
                           + assign([1, 2]))
    assert solve_checked(program).objective == 0
