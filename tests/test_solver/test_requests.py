"""Requests: vacation weeks, rotations wanted (assign) and unwanted (avoid), hard or soft."""

from __future__ import annotations

from program_helpers import ICU_ROTATIONS as ROTATIONS
from program_helpers import conflict_sources, make_program, solve_checked


def residents(*ids: str, extra: str = "") -> str:
    return "".join(f'[[resident]]\nid = "{rid}"\nlevel = "R2"\ntrack = "IR"\n{extra}'
                   for rid in ids)


def request(rid: str, kind: str, body: str, hard: bool = False, weight: int | None = None) -> str:
    text = f'[[request]]\nresident = "{rid}"\nkind = "{kind}"\n{body}\nhard = {str(hard).lower()}\n'
    return text + (f"weight = {weight}\n" if weight is not None else "")


# -- vacation --------------------------------------------------------------------------------------


def test_hard_vacation_request_names_the_week_holding_each_date():
    # 20 Dec 2027 (a Monday) starts week 25; 9 Jan 2028 (a Sunday) ends week 27.
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "vacation", "weeks = [2027-12-20, 2028-01-09]", True),
                           vacation_weeks=3)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    weeks = schedule.residents["a"].vacation_weeks
    assert {25, 27} <= set(weeks)
    assert len(weeks) == 3
    assert schedule.unmet_requests == []


def test_soft_vacation_request_is_granted_when_possible():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "vacation", "weeks = [2028-06-30]", weight=4),
                           vacation_weeks=1)
    schedule = solve_checked(program)
    assert schedule.objective == 0
    assert schedule.residents["a"].vacation_weeks == [51]  # 30 June is after the last week


def test_soft_vacation_request_beyond_the_allowance_costs_its_weight():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "vacation", "weeks = [2027-08-05, 2027-09-02]",
                                     weight=4),
                           vacation_weeks=1)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 4
    assert schedule.unmet_requests == [0]
    assert len(schedule.residents["a"].vacation_weeks) == 1


def test_two_residents_want_the_same_week_the_heavier_request_wins():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
    """ + residents("a", "b")
        + request("a", "vacation", "weeks = [2027-12-20]", weight=2)
        + request("b", "vacation", "weeks = [2027-12-22]", weight=7),
        vacation_weeks=1)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2
    assert schedule.unmet_requests == [0]
    assert schedule.residents["b"].vacation_weeks == [25]
    assert 25 not in schedule.residents["a"].vacation_weeks


def test_two_requested_weeks_in_one_month_break_the_per_block_cap():
    # 2 Jan 2028 is in week 27, which starts on 30 Dec: December's block, like week 25.
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "vacation", "weeks = [2027-12-20, 2028-01-02]", True),
                           vacation_weeks=3)
    assert conflict_sources(solve_checked(program)) == {"program.max_vacation_weeks_per_block",
                                                       "request[0]"}


def test_hard_vacation_without_an_allowance_is_infeasible():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "vacation", "weeks = [2027-12-20]", True))
    assert conflict_sources(solve_checked(program)) == {"program.vacation_weeks", "request[0]"}


def test_hard_vacation_against_a_resident_override_of_zero():
    program = make_program(ROTATIONS + residents("a") + residents("b", extra="vacation_weeks = 0\n")
                           + request("b", "vacation", "weeks = [2027-12-20]", True),
                           vacation_weeks=2)
    assert conflict_sources(solve_checked(program)) == {"resident[1].vacation_weeks",
                                                       "request[0]"}


def test_hard_vacation_while_pinned_to_a_no_vacation_rotation_is_infeasible():
    program = make_program("""
        [[rotation]]
        code = "ICU"
        vacation = false
        [[rotation]]
        code = "BODY"
    """ + residents("a")
        + request("a", "assign", 'rotation = "ICU"\nblocks = [6]', True)
        + request("a", "vacation", "weeks = [2027-12-20]", True),
        vacation_weeks=2)
    assert conflict_sources(solve_checked(program)) == {"rotation[0].vacation", "request[0]",
                                                       "request[1]"}


# -- assign and avoid ------------------------------------------------------------------------------


def test_hard_assign_to_a_rotation_and_a_group():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "assign", 'rotation = "MICU"\nblocks = [2, 4]', True)
                           + request("a", "assign", 'group = "ICU"\nblocks = [7]', True)
                           + request("a", "avoid", 'rotation = "MICU"\nblocks = [7]', True))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    rotations = schedule.residents["a"].rotations
    assert rotations[1] == rotations[3] == "MICU"
    assert rotations[6] == "SICU"


def test_hard_avoid_without_blocks_means_every_block():
    program = make_program(ROTATIONS + residents("a", "b") + """
        [[requirement]]
        group = "ICU"
        min = 1
    """ + request("a", "avoid", 'rotation = "SICU"', True)
        + request("b", "avoid", 'group = "ICU"\nblocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]',
                  True))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert "SICU" not in schedule.residents["a"].rotations
    assert schedule.residents["b"].rotations[11] in ("SICU", "MICU")
    assert not {"SICU", "MICU"} & set(schedule.residents["b"].rotations[:11])


def test_soft_assign_and_avoid_in_conflict_the_lighter_one_is_unmet():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "assign", 'rotation = "BODY"\nblocks = [1]', weight=1)
                           + request("a", "assign", 'rotation = "SICU"\nblocks = [3]', weight=2)
                           + request("a", "avoid", 'group = "ICU"\nblocks = [3, 4]', weight=7))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2
    assert schedule.unmet_requests == [1]
    assert schedule.residents["a"].rotations[0] == "BODY"
    assert schedule.residents["a"].rotations[2] == "BODY"
    assert len(schedule.penalties) == 1
    assert schedule.penalties[0]["source"] == "request[1]"
    assert schedule.penalties[0]["cost"] == 2


def test_soft_requests_default_to_weight_one():
    program = make_program("""
        [[rotation]]
        code = "SICU"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + residents("a", "b", "c")
        + request("a", "assign", 'rotation = "SICU"\nblocks = [1]')
        + request("b", "assign", 'rotation = "SICU"\nblocks = [1]', weight=5)
        + request("c", "assign", 'rotation = "SICU"\nblocks = [1, 2]'))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2
    assert schedule.unmet_requests == [0, 2]
    assert schedule.residents["b"].rotations[0] == "SICU"


def test_an_assign_request_over_several_blocks_is_all_or_nothing():
    program = make_program("""
        [[rotation]]
        code = "SICU"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + residents("a", "b")
        + request("a", "assign", 'rotation = "SICU"\nblocks = [1, 2, 3]', weight=3)
        + request("b", "assign", 'rotation = "SICU"\nblocks = [3]', True))
    schedule = solve_checked(program)
    assert schedule.objective == 3
    assert schedule.unmet_requests == [0]


def test_soft_request_with_weight_zero_costs_nothing_but_is_reported_unmet():
    program = make_program(ROTATIONS + residents("a")
                           + request("a", "assign", 'rotation = "SICU"\nblocks = [1]', weight=0)
                           + request("a", "avoid", 'rotation = "SICU"\nblocks = [1]', True))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 0
    assert schedule.unmet_requests == [0]


def test_hard_assign_against_hard_avoid_is_infeasible():
    program = make_program(ROTATIONS + residents("a", "b")
                           + request("b", "assign", 'rotation = "BODY"\nblocks = [1]', True)
                           + request("a", "assign", 'rotation = "MICU"\nblocks = [2, 3]', True)
                           + request("a", "avoid", 'group = "ICU"\nblocks = [3]', True))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"request[1]", "request[2]"}
    assert "stay off group ICU" in " ".join(c["message"] for c in schedule.conflicts)


def test_hard_requests_of_two_residents_against_a_rotation_max():
    program = make_program("""
        [[rotation]]
        code = "SICU"
        max = 1
        [[rotation]]
        code = "BODY"
    """ + residents("a", "b")
        + request("a", "assign", 'rotation = "SICU"\nblocks = [4]', True)
        + request("b", "assign", 'rotation = "SICU"\nblocks = [4]', True))
    assert conflict_sources(solve_checked(program)) == {"rotation[0].max", "request[0]",
                                                       "request[1]"}
