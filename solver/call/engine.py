"""Solving the call year: who takes each shift, given the block schedule.

`solve_call(program, schedule, options)` is the one entry point. It refuses what cannot be
asked (a pin on a day the resident cannot take call, a schedule of other residents) with
every error at once; finds the shifts nobody may take before any search, naming them; else
searches, and when no call schedule exists explains which rules conflict. The answer is a
duty file (`scheduler.duty_file`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.call import Period, Shift, at, duty_of
from scheduler.duty_file import DutyFile, DutyPeriod
from scheduler.schema import Resident

from ..engine import STATUS_NAMES, Progress
from ..stopping import stopped_when
from .constraints.fairness import categories, members
from .constraints.requests import shifts_of
from .context import CallModel
from .explain import explain_call
from .model import build_call_model


@dataclass
class CallOptions:
    """How long to search and explain, with how many workers."""

    time_limit: float = 60.0
    workers: int = 0          # 0: let CP-SAT choose
    explain: bool = True
    explain_time_limit: float = 30.0
    stop: threading.Event | None = field(default=None, repr=False)
    memory_mb: int = 0  # 0: no limit; else the search stops with what it has beyond it
    # Made again: the shifts of `published` that began before `keep_before` (a moment, or a
    # day: before its midnight) stay as they were
    published: DutyFile | None = None
    keep_before: date | datetime | None = None


def input_errors(program: Program, schedule: Schedule, m: CallModel) -> list[dict[str, str]]:
    """What makes the question itself wrong, every error with its path: residents the
    schedule places who are not in the program, and hard pins no open shift can meet."""
    errors = []
    for rid in schedule.residents:
        if rid not in program.resident_by_id:
            errors.append({"path": f"schedule.residents.{rid}",
                           "message": f"the schedule places '{rid}', who is not in the program"})
    index = {resident.id: r for r, resident in enumerate(m.residents)}
    for i, request in enumerate(program.call_requests):
        if request.kind != "on_call" or not request.is_hard:
            continue
        r = index.get(request.resident)
        if r is None:
            errors.append({"path": f"call_request[{i}].resident",
                           "message": f"the schedule does not place {request.resident}"})
            continue
        if not shifts_of(m, request, r):
            reasons = sorted({m.refused[r][s] for s, shift in enumerate(m.shifts)
                              if shift.day == request.day and s in m.refused[r]
                              and (request.pool is None or shift.code == request.pool)})
            why = "; ".join(reasons) or "no call pool runs that day"
            errors.append({"path": f"call_request[{i}]",
                           "message": f"{request.resident} cannot be on call on "
                                      f"{request.day}: {why}"})
    return errors


def uncovered(program: Program, m: CallModel) -> list[dict[str, str]]:
    """Shifts that fewer residents may take than they need, each with who is missing and
    why (at most one per pool and reason, so a long absence reads as one line)."""
    found = []
    seen: set[tuple[int, str]] = set()
    for s, shift in enumerate(m.shifts):
        pool = program.call_pools[shift.pool]
        open_to = len(m.taken_by(s))
        if open_to >= pool.need:
            continue
        reasons = sorted({m.refused[r][s] for r in range(len(m.residents))
                          if s in m.refused[r] and program.binds(pool, m.residents[r])})
        key = (shift.pool, "; ".join(reasons))
        if key in seen:
            continue
        seen.add(key)
        found.append({"source": f"call_pool[{shift.pool}]",
                      "message": f"{pool.code} on {shift.day} needs {pool.need} and "
                                 f"{open_to} may take it: " + ("; ".join(reasons)
                                                               or "nobody it admits")})
    return found


def solve_call(program: Program, schedule: Schedule, options: CallOptions | None = None,
               on_progress: Callable[[Progress], None] | None = None) -> DutyFile:
    """The call schedule of the year, as a duty file; `on_progress` hears of every better
    call schedule (the weight of the requests it leaves unmet) and every better bound."""
    options = options or CallOptions()
    started = time.perf_counter()
    name = program.info.name
    m = build_call_model(program, schedule, published=options.published,
                         keep_before=options.keep_before)
    errors = input_errors(program, schedule, m)
    if errors:
        return DutyFile(name, "INVALID", errors=errors,
                        wall_time_s=time.perf_counter() - started)
    gaps = uncovered(program, m)
    if gaps:
        return DutyFile(name, "INFEASIBLE", conflicts=gaps[:20],
                        explanation="Some call shifts cannot be covered by the block "
                                    "schedule as it is: " + gaps[0]["message"] + ".",
                        wall_time_s=time.perf_counter() - started)
    solver = cp_model.CpSolver()
    tune_call(solver, options)
    reporter = _Reporter(on_progress, started)
    if on_progress is not None:
        solver.best_bound_callback = reporter.on_bound
    with stopped_when(solver.stop_search, options.stop):
        status = solver.solve(m.model, reporter)
    status_name = STATUS_NAMES.get(status, "UNKNOWN")
    result = DutyFile(name, status_name)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        _fill(program, m, solver, result)
    elif status == cp_model.INFEASIBLE and options.explain:
        conflicts, text = explain_call(program, schedule, options.explain_time_limit)
        result.conflicts = [c.as_dict() for c in conflicts]
        result.explanation = text
    result.wall_time_s = time.perf_counter() - started
    return result


def tune_call(solver: cp_model.CpSolver, options: CallOptions) -> None:
    """Search settings chosen across the call benchmark's program families
    (docs/benchmarks.md, "Call schedule: one presolve pass"). CP-SAT's default presolve
    goes over the model three times, which was most of a call solve's time (on the sample
    5.8 s of presolve before a search of under a second). One pass is kept: the time to
    the proven optimum fell by a quarter or more on every instance measured (the sample
    5.4 -> 3.2 s, 126 residents of each family 7.9-11.9 -> 5.2-7.4 s, 250 residents 29.0 ->
    21.2 s), each to the same optimum. The time limit, workers and memory cap are the
    caller's (`options`)."""
    solver.parameters.max_time_in_seconds = options.time_limit
    solver.parameters.max_presolve_iterations = 1
    if options.workers:
        solver.parameters.num_workers = options.workers
    if options.memory_mb:
        solver.parameters.max_memory_in_mb = options.memory_mb


def as_periods(year_start: date, periods: list[Period]) -> list[DutyPeriod]:
    """Periods of duty as the duty file writes them (dates and times)."""
    return [DutyPeriod(start=at(year_start, p.start), end=at(year_start, p.end),
                       kind=p.kind, what=p.what)  # type: ignore[arg-type]
            for p in periods]


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Relays each better call schedule and bound to the caller (the job page's chart)."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, started: float):
        super().__init__()
        self.on_progress, self.started = on_progress, started

    def on_solution_callback(self) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started,
                                      self.objective_value, self.best_objective_bound))

    def on_bound(self, bound: float) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started, None, bound))


def _fill(program: Program, m: CallModel, solver: cp_model.CpSolver, result: DutyFile) -> None:
    """The found schedule's duty, requests left unmet and fairness figures."""
    start = program.info.year_start
    result.objective = round(solver.objective_value) if m.objective else 0
    result.best_bound = round(solver.best_objective_bound) if m.objective else 0
    result.unmet_requests = sorted(i for i, lit in m.unmet.items() if solver.boolean_value(lit))
    taken = {resident.id: [m.shifts[s] for s in range(len(m.shifts))
                           if (r, s) in m.take and solver.boolean_value(m.take[r, s])]
             for r, resident in enumerate(m.residents)}
    for resident in m.residents:
        result.duty[resident.id] = as_periods(
            start, duty_of(m.year.work(resident), taken[resident.id]))
    result.calls, result.fairness = figures(program, m.shifts, m.residents, taken)


def figures(program: Program, shifts: list[Shift], residents: list[Resident],
            taken: dict[str, list[Shift]]
            ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, list[int]]]]:
    """Each resident's numbers of calls, weekend calls and holiday calls, and per level the
    fewest and most among those fairness counts (`fairness.members`)."""
    tests = categories(program.calendar.holidays)
    calls = {resident.id: {name: sum(1 for s in taken.get(resident.id, []) if test(s))
                           for name, test in tests.items()} for resident in residents}
    shares: dict[str, dict[str, list[int]]] = {}
    for level in program.info.levels:
        for name, test in tests.items():
            counts = [calls[residents[r].id][name]
                      for r in members(program, shifts, residents, level, test)]
            if counts:
                shares.setdefault(level, {})[name] = [min(counts), max(counts)]
    return calls, shares
