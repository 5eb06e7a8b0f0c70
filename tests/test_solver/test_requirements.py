"""Requirements: blocks each bound resident spends on a rotation or group, this year or over the
residency (history included); soft ones cost weight x blocks short or over."""

from __future__ import annotations

from program_helpers import ICU_PAIR, conflict_sources, make_program, solve_checked

ROTATIONS = ICU_PAIR + '[[rotation]]\ncode = "NM"\n[[rotation]]\ncode = "BODY"\n'


def resident(rid: str, level: str = "R2", track: str = "IR", history: str = "") -> str:
    text = f'[[resident]]\nid = "{rid}"\nlevel = "{level}"\ntrack = "{track}"\n'
    return text + (f"history = {{ {history} }}\n" if history else "")


def count(schedule, rid: str, *codes: str) -> int:
    return sum(code in codes for code in schedule.residents[rid].rotations)


def test_exactly_blocks_of_a_rotation_this_year():
    program = make_program(ROTATIONS + resident("a") + resident("b", "R3") + """
        [[requirement]]
        rotation = "NM"
        exactly = 3
        [[requirement]]
        rotation = "SICU"
        exactly = 0
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    for rid in ("a", "b"):
        assert count(schedule, rid, "NM") == 3
        assert count(schedule, rid, "SICU") == 0


def test_min_and_max_of_a_group():
    program = make_program(ROTATIONS + resident("a") + """
        [[requirement]]
        group = "ICU"
        min = 7
        [[requirement]]
        rotation = "SICU"
        max = 2
        [[requirement]]
        rotation = "BODY"
        min = 5
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert count(schedule, "a", "SICU", "MICU") == 7
    assert count(schedule, "a", "SICU") <= 2
    assert count(schedule, "a", "MICU") >= 5
    assert count(schedule, "a", "BODY") == 5


def test_level_and_track_filters_bind_only_matching_residents():
    program = make_program(ROTATIONS + resident("r1", "R1") + resident("r4", "R4")
                           + resident("dr", "R4", "DR") + """
        [[requirement]]
        levels = ["R4"]
        tracks = ["IR"]
        rotation = "NM"
        exactly = 12
        [[requirement]]
        levels = ["R1"]
        rotation = "NM"
        max = 0
        [[requirement]]
        tracks = ["DR"]
        rotation = "BODY"
        exactly = 12
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["r4"].rotations == ["NM"] * 12
    assert count(schedule, "r1", "NM") == 0
    assert schedule.residents["dr"].rotations == ["BODY"] * 12


def test_year_scope_ignores_history():
    program = make_program(ROTATIONS + resident("a", history="NM = 5") + """
        [[requirement]]
        rotation = "NM"
        exactly = 2
    """)
    schedule = solve_checked(program)
    assert count(schedule, "a", "NM") == 2


def test_residency_scope_counts_history_of_the_rotation():
    program = make_program(ROTATIONS + resident("a", history="NM = 2")
                           + resident("b") + """
        [[requirement]]
        rotation = "NM"
        exactly = 3
        scope = "residency"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert count(schedule, "a", "NM") == 1
    assert count(schedule, "b", "NM") == 3


def test_residency_scope_counts_history_keyed_by_the_group_name():
    program = make_program(ROTATIONS + resident("a", history="ICU = 2") + """
        [[requirement]]
        group = "ICU"
        exactly = 3
        scope = "residency"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert count(schedule, "a", "SICU", "MICU") == 1


def test_residency_scope_counts_history_keyed_by_member_codes():
    program = make_program(ROTATIONS + resident("a", history="SICU = 1, MICU = 2, NM = 4") + """
        [[requirement]]
        group = "ICU"
        exactly = 4
        scope = "residency"
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert count(schedule, "a", "SICU", "MICU") == 1  # 1 + 2 from history, NM does not count


def test_residency_max_already_reached_in_history_keeps_the_resident_off():
    program = make_program(ROTATIONS + resident("a", history="NM = 3") + """
        [[requirement]]
        rotation = "NM"
        max = 3
        scope = "residency"
        [[requirement]]
        rotation = "BODY"
        max = 0
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert count(schedule, "a", "NM") == 0


# -- soft ----------------------------------------------------------------------------------------


def test_soft_min_costs_weight_per_block_short():
    # NM takes one resident a block: 12 blocks for two residents who each want 7.
    program = make_program("""
        [[rotation]]
        code = "NM"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + resident("a") + resident("b") + """
        [[requirement]]
        rotation = "NM"
        min = 7
        hard = false
        weight = 5
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2 * 5
    assert schedule.best_bound == 10
    assert count(schedule, "a", "NM") + count(schedule, "b", "NM") == 12
    assert [p["source"] for p in schedule.penalties] == ["requirement[0]"] * len(
        schedule.penalties)
    assert sum(p["cost"] for p in schedule.penalties) == 10


def test_soft_max_costs_weight_per_block_over():
    # NM needs someone every block; each of the two residents should do at most 2.
    program = make_program("""
        [[rotation]]
        code = "NM"
        min = 1
        [[rotation]]
        code = "BODY"
    """ + resident("a") + resident("b") + """
        [[requirement]]
        rotation = "NM"
        max = 2
        hard = false
        weight = 3
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == (12 - 4) * 3


def test_soft_exactly_counts_both_directions():
    program = make_program("""
        [[rotation]]
        code = "NM"
        [[rotation]]
        code = "BODY"
    """ + resident("a") + """
        [[requirement]]
        rotation = "NM"
        exactly = 4
        hard = false
        weight = 2
        [[request]]
        resident = "a"
        kind = "assign"
        rotation = "NM"
        blocks = [1, 2, 3, 4, 5, 6]
        hard = true
    """)
    schedule = solve_checked(program)
    assert schedule.objective == 2 * 2
    assert count(schedule, "a", "NM") == 6


def test_soft_residency_requirement_with_history():
    # 2 blocks of NM in history; the resident may do NM only in blocks 11 and 12 this year:
    # 4 of the 5 wanted, one short.
    program = make_program("""
        [[rotation]]
        code = "NM"
        [[rotation]]
        code = "BODY"
    """ + resident("a", history="NM = 2") + """
        [[requirement]]
        rotation = "NM"
        min = 5
        scope = "residency"
        hard = false
        weight = 4
        [[request]]
        resident = "a"
        kind = "avoid"
        rotation = "NM"
        blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        hard = true
    """)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 4
    assert schedule.residents["a"].rotations[10:] == ["NM", "NM"]


def test_soft_requirement_met_costs_nothing():
    program = make_program(ROTATIONS + resident("a") + """
        [[requirement]]
        group = "ICU"
        min = 3
        hard = false
        weight = 9
    """)
    schedule = solve_checked(program)
    assert schedule.objective == 0
    assert count(schedule, "a", "SICU", "MICU") >= 3


# -- infeasible ------------------------------------------------------------------------------------


def test_two_requirements_that_need_more_than_twelve_blocks():
    program = make_program(ROTATIONS + resident("a") + """
        [[requirement]]
        rotation = "NM"
        min = 2
        [[requirement]]
        rotation = "BODY"
        exactly = 8
        [[requirement]]
        group = "ICU"
        min = 5
    """)
    assert conflict_sources(solve_checked(program)) == {"requirement[1]", "requirement[2]"}


def test_group_max_against_member_rotation_min():
    program = make_program(ROTATIONS + resident("a") + """
        [[requirement]]
        group = "ICU"
        max = 2
        [[requirement]]
        rotation = "SICU"
        min = 3
    """)
    assert conflict_sources(solve_checked(program)) == {"requirement[0]", "requirement[1]"}


def test_residency_max_exceeded_by_history_plus_a_year_minimum():
    program = make_program(ROTATIONS + resident("a", history="MICU = 2, SICU = 1") + """
        [[requirement]]
        rotation = "BODY"
        min = 1
        [[requirement]]
        group = "ICU"
        max = 3
        scope = "residency"
        [[requirement]]
        rotation = "SICU"
        min = 1
    """)
    assert conflict_sources(solve_checked(program)) == {"requirement[1]", "requirement[2]"}


def test_history_over_a_residency_max_is_infeasible_on_its_own():
    program = make_program(ROTATIONS + resident("a", history="NM = 4") + """
        [[requirement]]
        rotation = "NM"
        max = 3
        scope = "residency"
    """)
    assert conflict_sources(solve_checked(program)) == {"requirement[0]"}


def test_requirement_against_rotation_capacity():
    program = make_program("""
        [[rotation]]
        code = "NM"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + resident("a") + resident("b") + """
        [[requirement]]
        rotation = "NM"
        min = 7
    """)
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].max", "requirement[0]"}
    assert "14 blocks in all" in " ".join(c["message"] for c in schedule.conflicts)


def test_a_cap_the_history_already_passes_names_whose_history_it_is():
    """No schedule can mend a residency cap someone's history is over already: the
    explanation says who, and by how much (an outside tester's program)."""
    program = make_program("""
        [[rotation]]
        code = "IR"
        [[rotation]]
        code = "DR"
        [[requirement]]
        rotation = "IR"
        max = 16
        scope = "residency"
    """ + resident("kim", history="IR = 17") + resident("lee", history="IR = 3"))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"requirement[0]"}
    assert "(history included): kim has 17 already" in schedule.explanation
    assert "lee" not in schedule.explanation


def test_a_rotation_open_to_a_level_counts_the_residents_at_that_level():
    """ICU takes R3s of the IR track; the one R3 is DR, the one IR resident an R2: each
    filter's sentence counts the residents it alone admits (an outside tester read '0
    eligible residents' beside an R3 in the roster)."""
    program = make_program("""
        [[rotation]]
        code = "ICU"
        min = 1
        levels = ["R3"]
        tracks = ["IR"]
        [[rotation]]
        code = "DR"
    """ + resident("kim", level="R3", track="DR") + resident("lee", level="R2"))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"rotation[0].min", "rotation[0].levels",
                                          "rotation[0].tracks"}
    assert "ICU is open only to level R3 (1 resident at that level)" in schedule.explanation
    assert "ICU is open only to track IR (1 resident on that track)" in schedule.explanation
