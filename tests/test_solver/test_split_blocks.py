"""Split blocks (format 2): a block shared by two split rotations, half and half.

Capacities and presence hold in each half, a requirement counts a half as 0.5 block (a soft
one charges a remaining half as a whole block), an assign request needs both halves and an
avoid request neither, and runs read a block as on the target when either half is. Every
schedule is passed through the independent checker (`solve_checked`)."""

from __future__ import annotations

from datetime import date

from program_helpers import make_program, solve_checked, split_program_text

from scheduler.schedule import Assignment, Schedule, halves, parse_schedule
from solver import checker

AUGUST = 2


def split_program(extra: str = "", split: bool = True):
    return make_program(extra, header=split_program_text(split))


def test_a_block_shared_half_and_half_makes_a_closed_rotation_fit_two_booked_weeks():
    assert solve_checked(split_program(split=False)).status == "INFEASIBLE"
    program = split_program()
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].rotations[AUGUST - 1] == ("BODY", "SICU")
    assert schedule.residents["b"].rotations[AUGUST - 1] == ("SICU", "BODY")
    # the schedule file writes a split block as a pair, first half first
    assert schedule.as_dict()["residents"]["a"]["rotations"][AUGUST - 1] == ["BODY", "SICU"]
    # SICU has exactly one resident on every day of August, read from the dates alone
    for day in range(1, 32):
        on = [rid for rid, a in schedule.residents.items()
              if halves(a.rotations[AUGUST - 1])[0 if day <= 15 else 1] == "SICU"]
        assert len(on) == 1, (day, on)


def test_a_soft_requirement_charges_a_half_block_as_a_whole_one():
    program = split_program("""
        [[request]]
        resident = "a"
        kind = "avoid"
        rotation = "BODY"
        blocks = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        hard = true
        [[requirement]]
        rotation = "SICU"
        min = 1
        max = 11
        hard = false
        weight = 3
    """)
    schedule = solve_checked(program)
    # a is on SICU for 11.5 blocks (0.5 over 11), b for 0.5 (0.5 short of 1): each half
    # block off is rounded up to a whole one, 3 each
    assert schedule.objective == 6
    report = checker.check(program, schedule)
    assert sorted(f.message for f in report.penalties) == [
        "a has 11.5 blocks of SICU this year, needs 1 to 11 blocks",
        "b has 0.5 blocks of SICU this year, needs 1 to 11 blocks"]


def test_assign_needs_both_halves_and_avoid_neither():
    program = split_program("""
        [[request]]
        resident = "b"
        kind = "assign"
        rotation = "SICU"
        blocks = [2]
        weight = 2
        [[request]]
        resident = "a"
        kind = "avoid"
        rotation = "SICU"
        blocks = [2]
        weight = 1
    """)
    schedule = solve_checked(program)
    assert schedule.objective == 3
    assert schedule.unmet_requests == [2, 3]


def test_a_hand_made_split_is_checked_half_by_half_and_day_by_day():
    program = split_program()
    rows = {rid: ["SICU" if rid == "a" else "BODY"] * 12 for rid in ("a", "b")}
    rows["a"][AUGUST - 1] = ("SICU", "BODY")   # a on SICU during a's own vacation week
    rows["b"][AUGUST - 1] = ("BODY", "SICU")
    schedule = Schedule(program="x", status="FEASIBLE", residents={
        "a": Assignment(rows["a"], [6]), "b": Assignment(rows["b"], [9])})
    report = checker.check(program, schedule)
    messages = [f.message for f in report.violations]
    assert any("vacation in week 6" in m and "while on SICU" in m for m in messages)
    # SICU is empty in no half: a holds the first half, b the second
    assert not any(f.source == "rotation[0].min" for f in report.violations)
    # with b on BODY all August, SICU's second half is empty, and only that half is named
    schedule.residents["b"].rotations[AUGUST - 1] = "BODY"
    report = checker.check(program, schedule)
    assert [f.message for f in report.violations if f.source == "rotation[0].min"] == [
        "SICU has 0 in the second half of block 2, needs at least 1"]


def test_a_pair_of_rotations_that_cannot_split_is_a_file_error():
    program = split_program(split=False)
    rows = [("SICU", "BODY")] + ["SICU"] * 11
    schedule = Schedule(program="x", status="FEASIBLE", residents={
        "a": Assignment(rows, [6]), "b": Assignment(["BODY"] * 12, [9])})
    report = checker.check(program, schedule)
    assert [e.path if hasattr(e, "path") else e.source for e in report.errors] == [
        "residents.a.rotations[0]", "residents.a.rotations[0]"]
    assert "cannot fill half a block" in report.errors[0].message


def test_runs_read_a_block_as_on_the_target_when_either_half_is():
    program = split_program("""
        [[rule]]
        kind = "max_consecutive"
        rotation = "SICU"
        blocks = 1
        hard = false
        weight = 1
    """)
    schedule = solve_checked(program)
    # Both residents are on SICU in August (half each). Whoever holds July or September
    # whole then runs two blocks in a row: at least 2, and alternating the rest costs 0.
    assert schedule.status == "OPTIMAL"
    assert schedule.objective == 2


def test_the_halves_of_a_month_split_at_floor_half_its_days():
    program = split_program()
    august = program.calendar.blocks[AUGUST - 1]
    assert august.halves == ((date(2027, 8, 1), date(2027, 8, 15)),
                             (date(2027, 8, 16), date(2027, 8, 31)))
    assert program.calendar.half_of_day(date(2027, 8, 15)) == 0
    assert program.calendar.half_of_day(date(2027, 8, 16)) == 1


def test_a_search_that_runs_to_the_limit_still_leaves_the_spread_its_time():
    """Fifteen residents with split blocks, no optimum proven in 60 s: the search for the
    lowest total runs to its limit, and unrequested vacation still spreads out (5 residents
    away in one week, none of whom asked, when the spread had no time left)."""
    from collections import Counter
    from pathlib import Path

    from scheduler import load_program_file
    from solver.engine import SolveOptions, solve

    program = load_program_file(Path(__file__).parent / "data" / "split_unproven.toml").program
    schedule = solve(program, SolveOptions(time_limit=30))
    # (no optimum proven in 60 s on the machines this ran on: the search runs to its limit;
    # a machine that proves it sooner leaves the spread more time still. 30 s, not less:
    # the spread's share is at most 5 % of the limit, and the test suite runs two solves at
    # once on two CPUs, which 0.6 s of a 12 s limit did not always leave it enough)
    assert schedule.status in ("FEASIBLE", "OPTIMAL")
    unrequested = Counter(
        w for rid, a in schedule.residents.items() for w in a.vacation_weeks
        if w not in program.requested_vacation(program.resident_by_id[rid]))
    assert max(unrequested.values()) <= 2, (  # 5 without the spread's time
        unrequested, schedule.wall_time_s, schedule.objective)


def test_a_block_is_split_only_where_a_whole_block_would_break_a_rule_or_cost_more():
    """A split block is one more change of team for the resident: where a whole block on
    either half's rotation keeps every rule at no more cost, the block is whole. The
    *boards* family's 20 residents with format 2 split 6 blocks before whole blocks were
    searched for, and 1 after; every block still split must be needed, by the checker's
    count."""
    from dataclasses import replace

    from bench.strategies import load

    program = load("boards:20:months:on")
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    split = [(rid, b) for rid, a in schedule.residents.items()
             for b, cell in enumerate(a.rotations) if isinstance(cell, tuple)]
    assert len(split) <= 2
    for rid, b in split:
        for code in schedule.residents[rid].rotations[b]:
            joined, _ = parse_schedule(schedule.as_dict())
            assert joined is not None
            rotations = list(joined.residents[rid].rotations)
            rotations[b] = code
            joined.residents[rid] = replace(joined.residents[rid], rotations=rotations)
            report = checker.check(program, joined)
            assert report.violations or report.total_penalty > schedule.objective, (rid, b, code)


def test_a_re_solve_keeps_a_published_split_block_that_joining_would_change():
    """The last touches never raise the total: in a re-solve, making a published split
    block whole is a change, which costs, so the published October halves stay."""
    from dataclasses import replace

    program = split_program()
    first = solve_checked(program)
    october = 3
    published = {rid: replace(a, rotations=list(a.rotations))
                 for rid, a in first.residents.items()}
    published["a"].rotations[october] = ("SICU", "BODY")
    published["b"].rotations[october] = ("BODY", "SICU")
    previous = replace(first, residents=published)
    assert checker.check(program, previous).ok
    again = solve_checked(program, previous=previous)
    assert again.status == "OPTIMAL"
    assert again.objective == 0
    assert again.residents["a"].rotations[october] == ("SICU", "BODY")
    assert again.residents["b"].rotations[october] == ("BODY", "SICU")
    # without the published year, October is whole
    assert not isinstance(first.residents["a"].rotations[october], tuple)
