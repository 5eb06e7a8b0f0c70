"""The relaxation-guided search: a schedule that meets the relaxation's bound, looked for
among the schedules the relaxation's optimum points to.

Where the linear relaxation's bound equals the optimum (the sample, department- and
sites-shaped programs), the best schedules lie on the relaxation's optimal face, so a 0/1
variable its optimum leaves at 0 (a rotation nobody needs in that block, a penalty it
avoids) is as a rule 0 in them too. Fixing every such variable at 0 leaves a far smaller
search, which finds such a schedule in a fraction of the time the whole model takes
(docs/benchmarks.md: the sample 0.7 s against 10 s).

The engine runs it once the relaxation is solved, beside the main search
(`engine._search`). A schedule whose penalty meets the relaxation's bound is optimal for the
whole program, and the main search stops. Where the relaxation's point is not a schedule's
(its bound weaker than the optimum, or the schedules that meet it use a variable it left at
0), the smaller model has no such schedule, usually shown within seconds, and the main
search goes on alone; a schedule the guided search found stands beside the main search's,
and the better of the two is the answer. The guided search's own bound holds only inside
its neighbourhood and is never used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .context import ModelContext
from .relaxation import Relaxation
from .stopping import stopped_when


class GuidedSearch:
    """Searches the relaxation's neighbourhood (`run`, called once the relaxation is solved)
    until a schedule meets its bound, time runs out, or `stop` is called.

    `on_schedule(objective)` is called on every better schedule it finds and returns True
    when that schedule is proven optimal (its penalty meets the bound), which ends the
    search. `tune(solver)` sets the search's parameters (the engine's own)."""

    def __init__(self, ctx: ModelContext, deadline: float,
                 tune: Callable[[cp_model.CpSolver], None],
                 on_schedule: Callable[[float], bool]):
        self.ctx = ctx
        self.deadline = deadline
        self.tune = tune
        self.on_schedule = on_schedule
        self.best: cp_model.CpSolver | None = None  # holds the best schedule found
        self.objective: float | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def run(self, relaxation: Relaxation) -> None:
        """Search among the schedules that leave every variable the relaxation's optimum
        leaves unused at 0. Not when its bound is 0: the relaxation's optimum is then any
        fractional point without penalty, which points nowhere, and the main search finds
        penalty-free schedules on its own (the *boards* and *tight* families)."""
        if relaxation.infeasible or relaxation.bound <= 0 or not relaxation.unused.size:
            return
        model = self.ctx.model.clone()
        model.add_bool_and([~model.get_bool_var_from_proto_index(int(i))
                            for i in relaxation.unused])
        left = self.deadline - time.perf_counter()
        if self._stopped.is_set() or left <= 0.05:
            return
        solver = cp_model.CpSolver()
        self.tune(solver)
        solver.parameters.max_time_in_seconds = left
        with stopped_when(solver.stop_search, self._stopped):
            solver.solve(model, _Schedules(self, solver))

    def found(self, solver: cp_model.CpSolver, objective: float) -> bool:
        """Keep a better schedule (the solver holds the best of its search); True when it
        is proven optimal."""
        with self._lock:
            if self.objective is not None and objective >= self.objective:
                return False
            self.objective = objective
            self.best = solver
        return self.on_schedule(objective)

    def stop(self) -> None:
        """Stop the search (the main search is over); it ends within 0.1 s."""
        self._stopped.set()


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
