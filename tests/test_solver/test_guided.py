"""The relaxation-guided search (solver/guided.py).

Where the relaxation's bound is the optimum, the search among the schedules its optimum
points to finds one that meets it, and that schedule is proven optimal for the whole
program; where the neighbourhood holds no such schedule, nothing is claimed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model
from program_helpers import make_program, solve_checked
from test_relaxation import OVERSUBSCRIBED, research_program

from scheduler import Schedule, load_program, load_program_file
from scheduler.schedule import block_dicts, week_dicts
from solver import checker, engine, guided, model, relaxation
from solver.engine import SolveOptions, _extract, build_model, tune
from solver.guided import GuidedSearch, _Pace, _Turn
from solver.objective import INT_LIMIT, aimed, narrowed
from solver.stopping import beside

PROGRAMS = Path(__file__).parents[2] / "bench" / "programs"


def guided_search(ctx, bound: int) -> GuidedSearch:
    """A guided search that calls a schedule proven when it meets `bound`."""
    return GuidedSearch(ctx, lambda s: tune(s.parameters, SolveOptions(workers=2)),
                        lambda objective: objective <= bound)


def checked(ctx, solver: cp_model.CpSolver):
    """The checker's report on the schedule a search's solver holds."""
    program = ctx.program
    schedule = Schedule(program=program.info.name, status="FEASIBLE",
                        blocks=block_dicts(program), weeks=week_dicts(program))
    schedule.residents = _extract(ctx, solver)
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
    report = checked(ctx, search.best)
    assert report.ok and report.total_penalty == 75
    if solved.status == "OPTIMAL":
        assert solved.objective == 75


def test_on_a_model_too_large_for_a_second_copy_local_search_alone_finds_it(
        duke_schedule, monkeypatch):
    """On a large model (model.LARGE_MODEL_VARIABLES) the guided search runs only CP-SAT's
    local search (no full worker loads its own copy of the model); with the threshold below
    the sample's size, it finds the schedule that meets the relaxation's bound, and it passes the
    checker at that penalty."""
    program, _ = duke_schedule
    monkeypatch.setattr(model, "LARGE_MODEL_VARIABLES", 0)
    ctx = build_model(program, SolveOptions())
    result = relaxation.solve_relaxation(relaxation.linear_program_of(ctx), time_limit=30)
    search = guided_search(ctx, result.bound)
    search.run(result, time.perf_counter() + 30)
    assert search.best is not None and search.best.parameters.use_ls_only
    assert search.objective == result.bound == 75
    report = checked(ctx, search.best)
    assert report.ok and report.total_penalty == 75


def test_the_local_search_beside_the_aimed_one_finds_the_samples_optimum_alone(
        duke_schedule, monkeypatch):
    """The local search that runs beside the aimed search (on the model as it is, without
    presolve): given time, it alone finds a schedule that meets the sample's bound, which
    ends every search and passes the checker at that penalty."""
    program, _ = duke_schedule
    monkeypatch.setattr(guided, "QUICK_SECONDS", 30)
    ctx = build_model(program, SolveOptions())
    result = relaxation.solve_relaxation(relaxation.linear_program_of(ctx), time_limit=30)
    search = guided_search(ctx, result.bound)
    neighbourhood = ctx.model.clone()
    neighbourhood.add_bool_and([~neighbourhood.get_bool_var_from_proto_index(int(i))
                                for i in search.fixed(result)])
    with aimed(neighbourhood, result.bound), \
            search._quick(neighbourhood, time.perf_counter() + 30):
        assert search._met.wait(30)
    best = search.best
    assert best is not None and best.parameters.use_ls_only
    assert not best.parameters.cp_model_presolve
    assert search.objective == result.bound == 75
    report = checked(ctx, best)
    assert report.ok and report.total_penalty == 75


def test_the_aimed_search_says_when_it_begins_to_search():
    """The local search beside the aimed search stops once that one has presolved: CP-SAT's
    log says so ("Starting search"), and the event is set from it. Were the line ever
    worded otherwise, the local search would take a thread from the aimed search."""
    ctx = build_model(make_program(OVERSUBSCRIBED), SolveOptions())
    search = guided_search(ctx, 6)
    searching = threading.Event()
    deadline = time.perf_counter() + 20
    search._solve(ctx.model.clone(), _Turn(time.perf_counter(), deadline, deadline, 0.0), 6,
                  searching)
    assert searching.is_set()


def test_a_search_still_closing_in_keeps_its_turn_past_the_deadline():
    """Past its deadline an aimed guided search goes on while its own bound rose within
    the patience (for as long again as its turn at the most), or, once its bound met the
    aim, for as long again as it took to get there; a search not aimed does not."""
    pace = _Pace(aim=6)
    pace.began = 100.0
    pace.last = 103.0                          # its bound last rose at 103
    assert pace.going(104.9, patience=2.0, until=110.0)
    assert not pace.going(105.1, patience=2.0, until=110.0)
    pace.last = 109.5
    assert not pace.going(110.1, patience=2.0, until=110.0)   # rising, but its turn is over
    pace.met_aim = 108.0                       # the aim met 8 s after it began
    assert pace.going(115.9, patience=2.0, until=110.0)
    assert not pace.going(116.1, patience=2.0, until=110.0)
    unaimed = _Pace(aim=None)
    assert not unaimed.going(unaimed.last, patience=2.0, until=unaimed.last + 10)


def test_a_search_whose_bound_never_stops_rising_ends_at_twice_its_turn():
    """However steadily its bound rises, a turn of 0.2 s ends by 0.4 s."""
    pace = _Pace(aim=1000)
    began = time.perf_counter()
    turn = _Turn(began, began + 0.2, began + 30, patience=1.0)

    def rising(done: threading.Event) -> None:
        bound = 0
        while not done.wait(0.02):
            bound += 1
            pace.bound(bound)

    with beside(rising), turn.over(pace) as over:
        assert over.wait(5)
        ended = time.perf_counter() - began
    assert 0.2 <= ended < 0.6


@pytest.mark.parametrize("searched", ["aimed first", "not aimed"])
def test_a_neighbourhood_without_the_optimum_claims_nothing(searched):
    """Research takes two residents at a time in the spring blocks and all five ask for it
    (weights 1-5): the optimum refuses the three cheapest (6). With the most expensive
    request's blocks ruled out, the best schedule there costs 8, and it is not called
    optimal: whether the aimed search proves first that nothing there meets 6, or the
    neighbourhood's best is looked for at once (`best_here`: where the aimed search's turn
    ended with nothing)."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    r5 = next(i for i, res in enumerate(program.residents) if res.id == "r5")
    spring = [ctx.x[r5, b, "RES"].index for b in ctx.blocks if b in (9, 10)]
    assert len(spring) == 2
    proven: list[float] = []
    search = GuidedSearch(ctx, lambda s: tune(s.parameters, SolveOptions(workers=2)),
                          lambda objective: proven.append(objective) or objective <= 6)
    pointed = relaxation.Relaxation(6, 6.0, False, np.array(spring, dtype=np.int64))
    if searched == "aimed first":
        search.run(pointed, time.perf_counter() + 20)
    else:
        search.best_here(pointed, time.perf_counter() + 20)
    assert search.objective == 8
    assert checked(ctx, search.best).total_penalty == 8
    assert all(objective > 6 for objective in proven)


def test_the_searches_after_it_see_the_whole_program_again():
    """The guided search leaves the program's model as it was: the tuned search that may
    follow finds the optimum (6) that the guided search's neighbourhood lacked, and every
    variable has its whole domain."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    domains = [list(var.domain) for var in ctx.model.proto.variables]
    aim = list(ctx.model.proto.objective.domain)
    r5 = next(i for i, res in enumerate(program.residents) if res.id == "r5")
    spring = [ctx.x[r5, b, "RES"].index for b in ctx.blocks if b in (9, 10)]
    search = guided_search(ctx, 6)
    search.run(relaxation.Relaxation(6, 6.0, False, np.array(spring, dtype=np.int64)),
               time.perf_counter() + 20)
    assert search.objective == 8
    assert [list(var.domain) for var in ctx.model.proto.variables] == domains
    assert list(ctx.model.proto.objective.domain) == aim
    solver = cp_model.CpSolver()
    tune(solver.parameters, SolveOptions(workers=2))
    assert solver.solve(ctx.model) == cp_model.OPTIMAL
    assert solver.objective_value == 6


# A small program whose relaxation's bound (3) is below its optimum (7), found by the
# property tests' generator: two R3s, night float needed twice a year at one a week.
BELOW_THE_OPTIMUM = """
format = 2
resident = [
    { id = "res0", level = "R3", track = "IR", history = { C_2 = 0, G1 = 0 } },
    { id = "res1", level = "R3", track = "IR", history = { C_2 = 0, G1 = 0 } },
]
blackout = [
    { from = 2027-08-13, to = 2027-09-03, name = "blackout 0", hard = false, weight = 4 },
    { from = 2028-02-06, to = 2028-02-09, hard = false, weight = 3 },
]
away_limit = [
    { max = 2, rotation = "C_2", hard = false, weight = 0 },
    { max = 2, rotation = "C_2", hard = false, weight = 4 },
]
rotation = [
    { code = "A", groups = ["G2"], levels = ["R3"], split = true },
    { code = "B-1", groups = ["G1", "G2"], min_present = 1, vacation = true, split = true },
    { code = "C_2", min_present = 1, vacation = false, split = true },
]
requirement = [
    { rotation = "A", exactly = 0, scope = "year" },
    { service = "NF", min = 2, hard = false, weight = 1 },
    { service = "NF", min = 0, tracks = ["DR"], hard = false, weight = 0 },
]
service = [{ code = "NF", name = "Service NF", max = 1, weeks = [3, 29, 32, 39] }]

[program]
name = "Property program"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
vacation_weeks = 0
holidays = [2027-08-14, 2028-02-07, 2028-05-26, 2028-06-16]
split_blocks = true

[[rule]]
kind = "prerequisite"
rotation = "A"
requires = "A"
tracks = ["IR"]
hard = false
weight = 4

[[rule]]
kind = "coverage"
rotation = "B-1"
max = 3
blocks = [7]
hard = false
weight = 1

[[request]]
resident = "res1"
kind = "assign"
group = "G1"
blocks = [3]
hard = true

[[request]]
resident = "res1"
kind = "vacation"
weeks = [2028-02-21, 2027-09-12]
hard = false

[[request]]
resident = "res0"
kind = "assign"
service = "NF"
weeks = [2028-01-29]
hard = false
weight = 2
"""


def test_where_the_relaxation_is_below_the_optimum_the_tuned_search_proves_it_after():
    """The guided search cannot prove a schedule optimal when the relaxation's bound is
    below the optimum: after it, the tuned search starts again and proves the optimum."""
    loaded = load_program(tomllib.loads(BELOW_THE_OPTIMUM))
    assert loaded.program is not None, loaded.errors
    ctx = build_model(loaded.program, SolveOptions())
    result = relaxation.solve_relaxation(relaxation.linear_program_of(ctx), time_limit=20)
    assert result.guides and result.bound == 3
    shown: list[float] = []
    watcher = engine._Watcher(lambda p: shown.append(p.objective) if p.objective else None,
                              time.perf_counter())
    watcher.on_relaxation(result)
    found = engine._guided(ctx, SolveOptions(time_limit=30, workers=2), time.perf_counter(),
                           watcher, engine._Found.nothing())
    # proven by a search's own bound (CP-SAT's status, or the bound that stopped it)
    assert found.status in ("OPTIMAL", "FEASIBLE") and found.solver.objective_value == 7
    assert math.ceil(found.bound - 1e-6) == 7 and watcher.relaxation_bound == 3
    assert shown and min(shown) == 7


def test_no_guidance_from_a_relaxation_without_schedules_or_unused_choices():
    """A relaxation that proves no schedule exists guides nothing, and nor does one whose
    optimum leaves no choice unused."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    for answer in (relaxation.Relaxation(0, 0.0, True, np.array([0], dtype=np.int64)),
                   relaxation.Relaxation(6, 6.0, False)):
        assert not answer.guides
        search = guided_search(ctx, 6)
        search.run(answer, time.perf_counter() + 20)
        assert search.best is None


def test_a_relaxation_without_penalty_guides_to_a_schedule_without_penalty():
    """Research takes all five residents who ask for it: the relaxation's bound is 0, and
    the schedule the guided search finds near its optimum grants every request."""
    program = make_program(research_program(capacity=5, blocks_each=2, requests=True))
    ctx = build_model(program, SolveOptions())
    result = relaxation.solve_relaxation(relaxation.linear_program_of(ctx), time_limit=20)
    assert result.bound == 0 and result.guides
    search = guided_search(ctx, 0)
    search.run(result, time.perf_counter() + 20)
    assert search.objective == 0
    report = checked(ctx, search.best)
    assert report.ok and report.total_penalty == 0 and not report.unmet_requests


def test_the_aimed_search_looks_only_at_schedules_that_meet_the_bound():
    """Aimed at the relaxation's bound (6, the optimum), the tuned search reports no
    schedule above it: the first it finds is optimal, and proven on the spot; afterwards
    the model's objective is whole again."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    aim = list(ctx.model.proto.objective.domain)
    shown: list[float] = []
    watcher = engine._Watcher(lambda p: shown.append(p.objective) if p.objective else None,
                              time.perf_counter())
    watcher.on_relaxation(relaxation.Relaxation(6, 6.0, False, np.zeros(0, dtype=np.int64)))
    found = engine._aimed(ctx, SolveOptions(time_limit=30, workers=2), time.perf_counter(),
                          watcher, engine._Found.nothing(), 6)
    assert found.solver.objective_value == 6 and watcher.proven()
    assert shown == [6]
    assert list(ctx.model.proto.objective.domain) == aim


def test_an_aim_no_schedule_meets_raises_the_bound():
    """The relaxation's bound (3) is below the optimum (7): the aimed search proves that
    no schedule costs 3 or less, so the bound becomes 4, and the schedule it did not find
    is not claimed."""
    loaded = load_program(tomllib.loads(BELOW_THE_OPTIMUM))
    assert loaded.program is not None, loaded.errors
    ctx = build_model(loaded.program, SolveOptions())
    watcher = engine._Watcher(None, time.perf_counter())
    found = engine._aimed(ctx, SolveOptions(time_limit=30, workers=2), time.perf_counter(),
                          watcher, engine._Found.nothing(), 3)
    assert found.status == "UNKNOWN" and found.bound == 4
    assert watcher.objective is None and watcher.bound is None and not watcher.proven()


def test_an_aim_never_admits_a_penalty_the_model_excludes():
    """Where the model's objective has a domain of its own (here: penalties 7 to 100, which
    leaves out the optimum 6), the aim at 6 narrows it instead of replacing it: nothing
    meets both, so no schedule is claimed and the bound becomes 7; the model's own domain
    is back afterwards."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    objective = ctx.model.proto.objective
    objective.domain.extend([7, 100])
    watcher = engine._Watcher(None, time.perf_counter())
    found = engine._aimed(ctx, SolveOptions(time_limit=30, workers=2), time.perf_counter(),
                          watcher, engine._Found.nothing(), 6)
    assert found.status == "UNKNOWN" and found.bound == 7
    assert watcher.objective is None
    assert list(objective.domain) == [7, 100]
    assert narrowed([0, 3, 5, 10], 6) == [0, 3, 5, 6]
    assert narrowed([], 6) == [-INT_LIMIT, 6]
    assert narrowed([7, 100], 6) == [INT_LIMIT, INT_LIMIT]


def test_where_no_search_found_a_schedule_local_search_finds_the_first():
    """Where a turn of the tuned search has ended without any schedule, CP-SAT's local
    search on every thread looks for one (engine._first) and stops at its first schedule
    (each of the two threads may report one before the stop reaches the other): one that
    breaks no hard rule, shown to the chief as it comes, whose penalty the checker counts
    the same."""
    program = make_program(OVERSUBSCRIBED)
    ctx = build_model(program, SolveOptions())
    shown: list[float] = []
    watcher = engine._Watcher(lambda p: shown.append(p.objective) if p.objective else None,
                              time.perf_counter())
    start = time.perf_counter()
    found = engine._first(ctx, SolveOptions(time_limit=30, workers=2), start, watcher,
                          engine._Found.nothing(), start + 30)
    assert found.status == "FEASIBLE"
    assert 1 <= len(shown) <= 2 and shown[-1] == found.solver.objective_value
    assert shown == sorted(shown, reverse=True)
    report = checked(ctx, found.solver)
    assert report.ok and report.total_penalty == found.solver.objective_value


def test_a_bound_below_the_relaxations_is_no_progress_and_the_turn_goes_stale():
    """A search's turn ends once no search has found a better schedule or a better bound
    for its patience (`engine._stale`). A bound below the relaxation's proves nothing new:
    an outside tester's 72 residents (bench/programs/o08, relaxation 88) had the tuned
    search's core search raise its own bound from 32 to 55 over 12 s, and each rise kept
    its turn. Rising above the relaxation's bound, it keeps it."""
    watcher = engine._Watcher(None, time.perf_counter())
    watcher.on_relaxation(relaxation.Relaxation(88, 88.0))

    def rising(bounds: range) -> threading.Event:
        with engine._stale(watcher, patience=1.0) as stale:
            for bound in bounds:
                watcher.on_bound(float(bound))
                time.sleep(0.05)
            return stale

    assert rising(range(32, 62)).is_set()           # 1.5 s of rises below 88
    assert not rising(range(89, 119)).is_set()      # 1.5 s of rises above it
    assert watcher.bound == 118


def test_the_last_step_is_one_above_the_best_bound_of_any_search():
    """Only the last step is left once the best schedule is one above the best proven
    bound, whichever proved it: the relaxation, a whole-model search, or an aimed search
    that found nothing at the bound (`floor`)."""
    watcher = engine._Watcher(None, time.perf_counter())
    assert not watcher.one_above(0)                    # no schedule yet
    watcher.on_relaxation(relaxation.Relaxation(88, 88.0))
    watcher.on_schedule(90.0)
    assert not watcher.one_above(0)
    assert watcher.one_above(89)                       # the aimed search's bound + 1
    watcher.on_bound(89.0)
    assert watcher.one_above(0)
    watcher.on_schedule(89.0)
    assert watcher.one_above(0)


def test_a_turn_walking_down_ends_at_the_last_step():
    """A turn of the tuned search ends once its schedules have come down to one above the
    bound it began with and a second has passed without a better one (`engine._stale` with
    `last_step`), though its patience is far from spent: the race takes over
    (`engine._in_turns`)."""
    watcher = engine._Watcher(None, time.perf_counter())
    watcher.on_relaxation(relaxation.Relaxation(88, 88.0))
    with engine._stale(watcher, 30.0, 89) as stale:
        for penalty in range(100, 89, -1):   # walking down to 90
            watcher.on_schedule(float(penalty))
            time.sleep(0.1)
        assert not stale.is_set()
        watcher.on_schedule(89.0)               # the last step
        assert not stale.wait(engine.LAST_STEP_WAIT / 2)   # a moment for a better one
        assert stale.wait(10.0)
        waited = time.perf_counter() - watcher.progressed
    assert engine.LAST_STEP_WAIT <= waited < 10.0


def test_the_last_step_races_the_linear_relaxations_search_beside_the_core_search(caplog):
    """The last step needs a schedule that meets the bound or the proof that none does,
    and which full search proves it depends on the program: on an outside tester's 72
    residents (bench/programs/o08, relaxation 88, optimum 89) CP-SAT's search on its
    linear relaxation proves 89 within seconds where the core search's own bound stays
    near 55; on its 40 residents with PGY tracks (o07, relaxation 4, optimum 5) the core
    search proves it. So the last step runs both, beside the schedule finders' thread."""
    caplog.set_level(logging.DEBUG, logger="solver.engine")
    program = load_program_file(PROGRAMS / "o07-pgy-tracks-ir-night-float.toml").program
    assert program is not None
    schedule = solve_checked(program, time_limit=40)
    assert (schedule.status, schedule.objective, schedule.best_bound) == ("OPTIMAL", 5, 5)
    assert "racing search again" in caplog.messages
