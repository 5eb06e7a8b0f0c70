"""The relaxation-guided search (solver/guided.py).

Where the relaxation's bound is the optimum, the search among the schedules its optimum
points to finds one that meets it, and that schedule is proven optimal for the whole
program; where the neighbourhood holds no such schedule, nothing is claimed.
"""

from __future__ import annotations

import time

import numpy as np
from program_helpers import make_program
from test_relaxation import OVERSUBSCRIBED

from scheduler import Schedule
from scheduler.schedule import block_dicts, week_dicts
from solver import checker, relaxation
from solver.engine import SolveOptions, _extract, build_model, tune
from solver.guided import GuidedSearch, guides


def guided_search(ctx, bound: int) -> GuidedSearch:
    """A guided search that calls a schedule proven when it meets `bound`."""
    return GuidedSearch(ctx, lambda s: tune(s.parameters, SolveOptions(workers=2)),
                        lambda objective: objective <= bound)


def checked(ctx, search: GuidedSearch):
    """The checker's report on the guided search's best schedule."""
    program = ctx.program
    schedule = Schedule(program=program.info.name, status="FEASIBLE",
                        blocks=block_dicts(program), weeks=week_dicts(program))
    schedule.residents = _extract(ctx, search.best)
    return checker.check(program, schedule)


def test_the_samples_optimum_lies_where_its_relaxation_points(duke_schedule):
    """The sample: the schedule the guided search finds meets the relaxation's bound, so it
    is optimal, with the same penalty as the whole search's proven optimum."""
    program, solved = duke_schedule
    ctx = build_model(program, SolveOptions())
    result = relaxation.solve_relaxation(relaxation.linear_program_of(ctx), time_limit=30)
    assert not result.infeasible and result.unused.size > 0
    search = guided_search(ctx, result.bound)
    search.run(result, time.perf_counter() + 30)
    assert search.objective == result.bound == 75
    report = checked(ctx, search)
    assert report.ok and report.total_penalty == 75
    if solved.status == "OPTIMAL":
        assert solved.objective == 75


def test_a_neighbourhood_without_the_optimum_claims_nothing():
    """Research takes two residents at a time in the spring blocks and all five ask for it
    (weights 1-5): the optimum refuses the three cheapest (6). With the most expensive
    request's blocks ruled out, the best schedule there costs 8, and it is not called
    optimal."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    r5 = next(i for i, res in enumerate(program.residents) if res.id == "r5")
    spring = [ctx.x[r5, b, "RES"].index for b in ctx.blocks if b in (9, 10)]
    assert len(spring) == 2
    proven: list[float] = []
    search = GuidedSearch(ctx, lambda s: tune(s.parameters, SolveOptions(workers=2)),
                          lambda objective: proven.append(objective) or objective <= 6)
    search.run(relaxation.Relaxation(6, 6.0, False, np.array(spring, dtype=np.int64)),
               time.perf_counter() + 20)
    assert search.objective == 8
    assert checked(ctx, search).total_penalty == 8
    assert all(objective > 6 for objective in proven)


def test_no_guidance_from_a_relaxation_without_schedules_or_penalty():
    """A relaxation that proves no schedule exists guides nothing, and nor does one whose
    bound is 0 (its optimum is then any point without penalty)."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    for answer in (relaxation.Relaxation(0, 0.0, True),
                   relaxation.Relaxation(0, 0.0, False, np.array([0], dtype=np.int64))):
        assert not guides(answer)
        search = guided_search(ctx, 6)
        search.run(answer, time.perf_counter() + 20)
        assert search.best is None
