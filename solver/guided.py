"""The relaxation-guided search: a schedule that meets the relaxation's bound, looked for
among the schedules the relaxation's optimum points to.

Where the linear relaxation's bound equals the optimum (the sample and the family programs
of bench/ timed, bounds of 0 included), the best schedules lie on the relaxation's optimal
face, so a choice its optimum leaves at 0 (a rotation for a resident in a block, a
vacation or service week, a penalty it avoids) is as a rule 0 in them too. Fixing those at
0 leaves a far smaller search, which finds such a schedule in a fraction of the time the
whole model takes (docs/benchmarks.md: the sample 1.4 s against about 10 s). The model's
helper literals (a resident gone from a rotation in a week, runs) stay free: the
relaxation satisfies "a and b imply h" with h at 0 whenever a and b are fractional, so its
0 there says nothing about schedules (fixed too, they left no schedule at all on the
department and tight families).

The search aims at the bound: it looks only for schedules whose penalty meets it (CP-SAT's
objective domain), and any it finds is optimal for the whole program; aimed, it found them
up to 2.7 times as fast as a search that walks down from its first schedule (the sample:
0.55 s against 1.6 s), and about as fast where the first schedule is already the optimum
(*tight* F2, docs/benchmarks.md). Where the neighbourhood holds no such schedule (the
relaxation's bound is below the optimum, or the optimum lies elsewhere), it searches the
neighbourhood again without the aim, for the best schedule there, which cannot be proven
optimal: the engine runs it once the relaxation is solved, in the tuned search's place
(`engine._search`, which gives it its turn: `_Turn`), and then, where no search has a
schedule yet, looks briefly for any first one (the neighbourhood's best, not aimed:
`best_here`; then local search on the whole model: `engine._first`), and where none is
found (`engine._aims`), runs the tuned search on the whole model aimed at the bound,
and then CP-SAT's defaults and the tuned search in turns
(`engine._in_turns`). The guided search's own bound holds only inside its neighbourhood
and is never used.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from .context import ModelContext
from .model import large
from .objective import aimed
from .relaxation import Relaxation
from .stopping import beside, stopped_when

# CP-SAT's probing in presolve, off: the neighbourhood is searched once, and its presolve
# was most of the search's time (sites F2, 125 residents: 3.3 of 3.6 s); without probing the
# guided search was 25-35 % faster on every family program it ran on (docs/benchmarks.md).
PROBING = 0
# Nor its search for large overlaps between linear constraints, which rewrites them to share
# their common sums: without it the guided search was faster, or the same within noise, on
# the eight programs measured (F2, 125 residents, both calendars: sites 2.9 -> 2.2 s,
# department 1.5 -> 1.0 s; the sample 0.33 -> 0.29 s; docs/benchmarks.md, eleventh session).
LINEAR_OVERLAP = False
# The local search beside the aimed search (`GuidedSearch._quick`) looks this long at most
# (where it found the aimed schedule, it did so within 0.65 s).
QUICK_SECONDS = 0.75

log = logging.getLogger(__name__)


class GuidedSearch:
    """Searches the relaxation's neighbourhood until a schedule meets its bound, the
    deadline passes, or one of `stops` is set (a chief pressed Cancel; a later answer of the
    relaxation proved a schedule optimal).

    `on_schedule(objective)` is called on every better schedule it finds and returns True
    when that schedule is proven optimal (its penalty meets the bound), which ends the
    search. `tune(solver)` sets the search's parameters (the engine's own)."""

    def __init__(self, ctx: ModelContext, tune: Callable[[cp_model.CpSolver], None],
                 on_schedule: Callable[[float], bool], *stops: threading.Event | None):
        self.ctx = ctx
        self.tune = tune
        self.on_schedule = on_schedule
        self.stops = stops
        self.best: cp_model.CpSolver | None = None  # holds the best schedule found
        self.objective: float | None = None
        self._here: cp_model.CpModel | None = None   # the neighbourhood, once searched
        self._empty = False   # proven to hold no schedule at all
        self._lock = threading.Lock()
        self._met = threading.Event()   # a schedule proven optimal: every search ends

    def fixed(self, relaxation: Relaxation) -> np.ndarray:
        """The model indices of the decisions and penalties the relaxation leaves unused."""
        choices = np.union1d(
            np.fromiter((var.index for var in self.ctx.decisions()), dtype=np.int64),
            np.asarray(self.ctx.model.proto.objective.vars, dtype=np.int64))
        return np.intersect1d(relaxation.unused, choices)

    def run(self, relaxation: Relaxation, deadline: float, latest: float | None = None,
            patience: float = 0.0) -> None:
        """Search among the schedules that leave every decision and penalty the
        relaxation's optimum leaves unused at 0: first only for one that meets the
        relaxation's bound; when none there does, for the best one there. Each search
        ends at `deadline`; the aimed one, past it, while it is still closing in on the aim
        (`_Turn`, with `patience`), and at `latest` at the most."""
        if deadline - time.perf_counter() <= 0.05:
            return
        turn = _Turn(time.perf_counter(), deadline, max(latest or deadline, deadline),
                     patience)
        model = self._neighbourhood(relaxation)
        if model is None:
            return
        log.debug("aimed at %d", relaxation.bound)
        with aimed(model, relaxation.bound):
            with self._quick(model, deadline) as searching:
                status = self._solve(model, turn, relaxation.bound, searching)
        if status == cp_model.INFEASIBLE:
            log.debug("no schedule meets the aim here: the best one here")
            self._empty = self._solve(model, turn) == cp_model.INFEASIBLE

    def _neighbourhood(self, relaxation: Relaxation) -> cp_model.CpModel | None:
        """A copy of the program's model with every choice the relaxation leaves unused
        fixed at 0 (made once); None where it leaves none."""
        if self._here is None:
            fixed = self.fixed(relaxation) if relaxation.guides else np.zeros(0)
            if not fixed.size:
                return None
            model = self._here = self.ctx.model.clone()
            model.add_bool_and([~model.get_bool_var_from_proto_index(int(i)) for i in fixed])
            log.debug("%d choices fixed", fixed.size)
        return self._here

    def best_here(self, relaxation: Relaxation, until: float) -> None:
        """The best schedule of the relaxation's neighbourhood, not aimed, until `until`:
        where the aimed search's turn ended with no schedule found by any search.

        There the relaxation's bound lay just below the optimum, and the aimed search
        spent its turn without proving that nothing here meets it (outside testers'
        programs, bench/programs: o09, 140 residents, relaxation 4, optimum 5: bound 1 of
        4 at 2.3 s, nothing more in 18 s). The neighbourhood's best, not aimed, came in 2 s
        (9, where the local search on the whole model found 470 in 5 s; docs/benchmarks.md,
        twenty-ninth session). Not on a large model, whose guided search is the local search
        alone, nor where the neighbourhood was proven to hold no schedule at all."""
        if large(self.ctx) or self._empty or until - time.perf_counter() <= 0.05:
            return
        model = self._neighbourhood(relaxation)
        if model is None:
            return
        log.debug("the best schedule here, not aimed")
        now = time.perf_counter()
        self._solve(model, _Turn(now, until, until, 0.0))

    @contextmanager
    def _quick(self, model: cp_model.CpModel, deadline: float
               ) -> Iterator[threading.Event | None]:
        """While the block runs (the aimed search), CP-SAT's local search on the model as
        it is, without presolve, on one thread of its own, until the aimed search has
        presolved and begins to search (it sets the event yielded), QUICK_SECONDS at most:
        the first schedule it finds meets the aim and ends both searches.

        CP-SAT presolves on one thread, and the neighbourhood's presolve was most of the
        aimed search's time where the schedule itself comes at once (the sample: 0.3 of
        0.35 s), leaving the machine's other thread idle meanwhile. There the local search
        found the aimed schedule first: the sample 0.36-0.56 -> 0.26 s, *department* 125
        1.1-1.4 -> 0.7 s, *sites* 50 0.56-0.81 -> 0.3-0.34 s. Where it finds none (*tight*
        F2), it would take a thread from the aimed search once that one searches: for
        0.75 s it held the whole solve back by 0.5-0.9 s (docs/benchmarks.md, eighteenth
        session). Not on a large model, whose aimed search is the local search alone."""
        if large(self.ctx):
            yield None
            return
        solver = cp_model.CpSolver()
        self.tune(solver)
        solver.parameters.cp_model_presolve = False
        solver.parameters.use_ls_only = True
        solver.parameters.stop_after_first_solution = True
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(
            min(QUICK_SECONDS, deadline - time.perf_counter()), 0.01)

        def search(searching: threading.Event) -> None:
            with stopped_when(solver.stop_search, searching, self._met, *self.stops):
                solver.solve(model, _Schedules(self, solver))

        with beside(search) as searching:
            yield searching

    def _solve(self, model: cp_model.CpModel, turn: _Turn, aim: float | None = None,
               searching: threading.Event | None = None) -> Any:
        """One CP-SAT search of `model` in its turn (aimed at `aim`, if any); its status.
        `searching` is set once its presolve is done and it searches (read from CP-SAT's
        log)."""
        if turn.deadline - time.perf_counter() <= 0.05:
            return cp_model.UNKNOWN
        solver = cp_model.CpSolver()
        self.tune(solver)
        solver.parameters.cp_model_probing_level = PROBING
        solver.parameters.find_big_linear_overlap = LINEAR_OVERLAP
        if large(self.ctx):
            # Only CP-SAT's local search (feasibility jump), on one thread: a full search
            # worker loads its own copy of the presolved model, about 600 MB on top at 500
            # residents with format 2 (600,000 variables), which put the solve over 2 GB,
            # and the local search found the aimed schedule there as soon
            # (docs/benchmarks.md, fourteenth session). It cannot prove that the
            # neighbourhood holds no such schedule: there the search ends at its deadline.
            solver.parameters.use_ls_only = True
            solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = turn.latest - time.perf_counter()
        pace = _Pace(aim)
        solver.best_bound_callback = pace.bound
        if searching is not None:
            solver.parameters.log_search_progress = True
            solver.parameters.log_to_stdout = False
            solver.log_callback = lambda line: searching.set() \
                if line.startswith("Starting search") else None
        with turn.over(pace) as over, \
                stopped_when(solver.stop_search, over, self._met, *self.stops):
            return solver.solve(model, _Schedules(self, solver))

    def found(self, solver: cp_model.CpSolver, objective: float) -> bool:
        """Keep a better schedule (the solver holds the best of its search); True when it
        is proven optimal."""
        with self._lock:
            if self.objective is not None and objective >= self.objective:
                return False
            self.objective = objective
            self.best = solver
        if self.on_schedule(objective):
            self._met.set()
            return True
        return False


class _Pace:
    """How an aimed search closes in on its aim: when its own bound (inside the
    neighbourhood only, never passed on) last rose, and when it met the aim (the search
    then looks for the aimed schedule itself, with nothing more to report).

    Where the relaxation's bound is the optimum but the neighbourhood's schedules are few,
    CP-SAT's core search finds the aimed schedule after raising its own bound to the aim
    one core at a time (*tight* F2, 125 residents, months: six cores in 6-9 s, 0.4-1.6 s
    apart, the schedule 1.0-3.0 s after the last). A turn of a fixed length ended it there
    in two runs of three, and the searches after it took 50-60 s instead of 9
    (docs/benchmarks.md, nineteenth session): a search still closing in keeps its turn, as
    in `engine._in_turns`, within bounds (`going`). A search not aimed (the best schedule
    of the neighbourhood) has nothing to close in on: its turn ends at its deadline."""

    def __init__(self, aim: float | None):
        self.aim = aim
        self.began = self.last = time.perf_counter()
        self.met_aim: float | None = None

    def bound(self, bound: float) -> None:
        """CP-SAT's best-bound callback."""
        self.last = time.perf_counter()
        if self.aim is not None and bound >= self.aim and self.met_aim is None:
            self.met_aim = self.last

    def going(self, now: float, patience: float, until: float) -> bool:
        """Whether an aimed search is still closing in: its bound met the aim no longer ago
        than it took to get there, or it rose within the last `patience` seconds and it is
        not yet `until`."""
        if self.aim is None:
            return False
        if self.met_aim is not None:
            return now - self.met_aim <= self.met_aim - self.began
        return now - self.last <= patience and now <= until


@dataclass(frozen=True)
class _Turn:
    """A guided search's time, from `began`: until `deadline`, then while it is still
    closing in (`_Pace.going`: its bound rising within `patience`, for as long again as
    its turn at the most; or its bound at the aim), and never past `latest` (the solve's
    time limit)."""

    began: float
    deadline: float
    latest: float
    patience: float

    @contextmanager
    def over(self, pace: _Pace) -> Iterator[threading.Event]:
        """An event set, while the block runs, once the turn is over."""
        over = threading.Event()
        until = self.deadline + (self.deadline - self.began)

        def watch(done: threading.Event) -> None:
            while not done.wait(0.05):
                now = time.perf_counter()
                if now >= self.deadline and not pace.going(now, self.patience, until):
                    over.set()
                    return

        with beside(watch):
            yield over


class _Schedules(cp_model.CpSolverSolutionCallback):
    """Passes each schedule of the guided search to it, and ends the search once one is
    proven optimal."""

    def __init__(self, search: GuidedSearch, solver: cp_model.CpSolver):
        super().__init__()
        self.search = search
        self.solver = solver

    def on_solution_callback(self) -> None:
        if self.search.found(self.solver, self.objective_value):
            self.stop_search()
