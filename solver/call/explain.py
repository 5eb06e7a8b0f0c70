"""Explaining why no call schedule exists: which pools, limits and requests conflict.

As for blocks (`solver/explain.py`): every hard rule of the call year is gated, CP-SAT's
core under assumptions gives a first infeasible subset, and `shrink` drops rules while the
rest stay infeasible, each test a full solve, so what remains is real and minimal.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.sources import file_order

from ..explain import Conflict, shrink
from . import describe
from .model import build_call_model


class _Tester:
    """Solves the gated call model with a chosen set of rules switched on."""

    def __init__(self, program: Program, schedule: Schedule, deadline: float):
        self.m = build_call_model(program, schedule, explain=True)
        self.deadline = deadline
        self.unsure = False

    def infeasible_core(self, sources: list[str]) -> list[str] | None:
        """A subset of `sources` that admits no call schedule, or None if they admit one
        (or time ran out before that was proven)."""
        model = self.m.model.clone()
        kept = set(sources)
        for source, gate in self.m.gates.items():
            var = model.get_bool_var_from_proto_index(gate.index)
            if source not in kept:
                model.add(var == 0)
        model.add_assumptions([model.get_bool_var_from_proto_index(self.m.gates[s].index)
                               for s in sources])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(self.deadline - time.perf_counter(), 0.05)
        status = solver.solve(model)
        if status == cp_model.UNKNOWN:
            self.unsure = True
        if status != cp_model.INFEASIBLE:
            return None
        by_index = {self.m.gates[s].index: s for s in sources}
        core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                if i in by_index]
        return core or list(sources)


def explain_call(program: Program, schedule: Schedule, time_limit: float
                 ) -> tuple[list[Conflict], str]:
    """The rules of the call year that cannot hold together, each in words, and the whole
    conflict in a sentence."""
    tester = _Tester(program, schedule, time.perf_counter() + time_limit)
    everything = sorted(tester.m.gates, key=file_order)
    core = tester.infeasible_core(everything)
    if core is None:
        return [], "No call schedule exists, and no smaller conflict was found in the time " \
                   "allowed."
    if len(core) < len(everything):
        confirmed = tester.infeasible_core(core)
        core = confirmed if confirmed is not None else everything
    sources: list[Any] = shrink(tester, core)
    text = describe.summary(program, sources)
    if tester.unsure:
        text += " (Time ran out before this list was proven minimal.)"
    return [Conflict(s, describe.entry(program, s)) for s in sources], text
