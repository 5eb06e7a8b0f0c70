"""A first schedule by way of the year without its weekly presence rows (solver/repair.py).

Without the weekly rows a search may leave a rotation short in a week; moving only that
schedule's weeks on the whole model gives one that keeps every rule, with the same
rotations, and what the search without the rows proves is a bound for the whole year.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model
from program_helpers import make_program, solve_checked
from test_guided import checked
from test_presence import residents
from test_requests import request

from solver import engine, repair
from solver.engine import SolveOptions, build_model, tune
from solver.stopping import AtMost

# CALL is the only rotation and needs one resident there every working day; both residents
# ask for the same week off (week 14, 4-10 October 2027).
COVERING = make_program("""
    [[rotation]]
    code = "CALL"
    min_present = 1
""" + residents(2) + request("r1", "vacation", "weeks = [2027-10-04, 2027-10-10]", weight=2)
    + request("r2", "vacation", "weeks = [2027-10-04, 2027-10-10]", weight=3),
    vacation_weeks=1)


def searched(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    tune(solver.parameters, SolveOptions(workers=2))
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def run(model: cp_model.CpModel, on_solution) -> tuple[cp_model.CpSolver, int]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 20
    return solver, solver.solve(model, on_solution)


def test_without_the_weekly_rows_both_take_the_weeks_they_asked_for_and_call_is_empty():
    ctx = build_model(COVERING, SolveOptions())
    solver = searched(repair.without_weekly_rows(ctx))
    assert solver.objective_value == 0   # both requests granted ...
    report = checked(ctx, solver)
    assert [v.source for v in report.violations] == ["rotation[0].min_present"]  # CALL empty


def test_moving_only_the_weeks_keeps_every_rule_and_every_rotation():
    ctx = build_model(COVERING, SolveOptions())
    short = searched(repair.without_weekly_rows(ctx))
    moved = repair.weeks_moved(ctx, short, run, AtMost(0))
    assert moved is not None
    report = checked(ctx, moved)
    assert report.ok
    # one of them gives the week up: the lighter request
    assert report.total_penalty == 2 == solve_checked(COVERING).objective
    assert {k: short.boolean_value(v) for k, v in ctx.x.items()} == \
        {k: moved.boolean_value(v) for k, v in ctx.x.items()}


def test_the_engines_step_gives_a_schedule_that_keeps_every_rule_and_a_true_bound():
    """engine._repaired, where the guided search found nothing: a schedule the checker
    passes, and a bound (what the search without the rows proved) at most the optimum."""
    ctx = build_model(COVERING, SolveOptions())
    options = SolveOptions(time_limit=20, workers=2)
    start = time.perf_counter()
    watcher = engine._Watcher(None, start)
    found = engine._repaired(ctx, options, start, watcher, engine._Found.nothing(), aim=0)
    assert found.status == "FEASIBLE"
    report = checked(ctx, found.solver)
    assert report.ok
    assert found.bound <= solve_checked(COVERING).objective <= report.total_penalty


def test_a_search_aimed_at_a_bound_no_schedule_reaches_leaves_time_to_finish_one():
    """Where the relaxation's bound lies below every schedule (soft coverage rules the
    busiest levels cannot meet), the searches aimed at it find nothing, and the search
    without the weekly rows walks down towards it without reaching it. It used to be given
    the rest of the limit: at 20 s this program then had no schedule at all in one run of
    two (and 110 residents of the same shape none at 60 s), though CP-SAT's defaults find
    one in a second. It now has at most half of what is left, then its weeks are moved and
    the searches go on from that schedule (44, the optimum, in three runs of three)."""
    from pathlib import Path

    from scheduler import load_program_file

    program = load_program_file(Path(__file__).parent / "data" / "weak_bound.toml").program
    schedule = solve_checked(program, time_limit=20)
    assert schedule.status in ("FEASIBLE", "OPTIMAL")
