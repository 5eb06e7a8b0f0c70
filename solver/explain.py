"""Explaining infeasibility: which entries of the program file cannot hold together.

Every hard entry gets a switch (see `ModelContext.gate`). CP-SAT, asked to solve with all
switches assumed on, answers with a subset of them that is already infeasible. That subset is
then shrunk one entry at a time: an entry is dropped whenever the rest stay infeasible without
it. What remains is *real* (those entries alone admit no schedule: each test is a full solve,
or a certificate of the linear relaxation, which proves it as well) and *minimal* (dropping
any one of them leaves a schedule: each was tested).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from scheduler import Program
from scheduler.sources import file_order

from . import describe, relaxation
from .model import SolveOptions, build_model, threads


@dataclass(frozen=True)
class Conflict:
    """One entry of a conflict set, with the rule it states in words."""

    source: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "message": self.message}


# A switch the elastic relaxation left below this was turned down. A rule gated in many
# residents' sums gives way a lot when its switch gives a little: at 0.99 a rotation's
# maximum at 0.9945 counted as kept on, the elastic relaxation found no conflict, and an
# outside tester's 100 residents (bench/programs/o15) were explained by 9 entries not proven
# minimal in 30 s; at 0.999, by the 6 that conflict, proven, in 20 s (twenty-eighth session).
ELASTIC_GIVEN = 0.999
ELASTIC_TEST_AT_LEAST = 0.5   # seconds a test of the entries kept on may wait, at least
ELASTIC_SHARE = 2 / 3   # of the explanation's time, at most, before any other test


class _Tester:
    """Solves the gated model with a chosen set of entries switched on.

    Three ways to test a set: *with assumptions* (the set's switches assumed on), which also
    yields a smaller infeasible subset; *relaxed* (the linear relaxation with the set's
    switches at 1 and the others at 0), whose certificate, where it has one, proves the set
    infeasible and names the entries it leans on; and *fixed* (the switches set to true),
    which lets presolve and the linear relaxation see the constraints as plain ones.
    Assumptions come first; counting arguments (13 weeks of vacation in 12 months, residents
    covering each other; 180 residents wanting 120 places) can be slow to refute that way,
    so a test that runs out of its share of time is repeated relaxed and then fixed, and
    after that every test goes relaxed, then fixed, first. Where the linear relaxation
    already proved that no schedule exists (`relaxed_first`, engine.solve), tests start
    relaxed: a chief is not kept waiting for CP-SAT to fail first (a capacity shortfall at
    180 residents: no conflict at all in 30 s before).
    """

    def __init__(self, program: Program, options: SolveOptions, deadline: float,
                 relaxed_first: bool = False):
        self.ctx = build_model(program, options, explain=True)
        self.deadline = deadline
        self.threads = threads(options)
        self.unsure = False  # a test ran out of time: the set may not be minimal
        self.assumptions_slow = relaxed_first
        self._relaxation: relaxation.LinearProgram | None = None
        self._refuted_in = 0.0   # the longest a certificate took to come, so far
        self.certified: set[frozenset[str]] = set()   # sets a certificate proved

    def _solve(self, sources: list[str], assume: bool, limit: float
               ) -> tuple[Any, list[str]]:
        # Dropped entries are switched off outright (not merely left unassumed), so presolve
        # removes their constraints and each test is a small problem.
        model = self.ctx.model.clone()
        kept = set(sources)
        for source, gate in self.ctx.gates.items():
            var = model.get_bool_var_from_proto_index(gate.index)
            if source not in kept:
                model.add(var == 0)
            elif not assume:
                model.add(var == 1)
        if assume:
            model.add_assumptions([model.get_bool_var_from_proto_index(self.ctx.gates[s].index)
                                   for s in sources])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        # The full linear relaxation: counting conflicts (13 blocks to cover, 12 blocks of
        # residents' time) are refuted at the root, where clause learning alone runs out of
        # time and would keep an entry the conflict does not need.
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = max(limit, 0.05)
        status = solver.solve(model)
        if status != cp_model.INFEASIBLE or not assume:
            return status, list(sources)
        by_index = {self.ctx.gates[s].index: s for s in sources}
        core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                if i in by_index]
        return status, core or list(sources)

    def _relaxed(self, sources: list[str], limit: float) -> list[str] | None:
        """The entries of `sources` a certificate of the linear relaxation (switches of
        `sources` at 1, the others at 0) leans on, which admit no schedule together; None
        where it found no certificate in `limit` seconds (a schedule may exist)."""
        gates = self.ctx.gates
        on = np.array([gates[s].index for s in sources], dtype=np.int64)
        test = self._switched(sources)
        began = time.perf_counter()
        prices = relaxation.refutation(test, limit, self.threads)
        if prices is None:
            return None
        self._refuted_in = max(self._refuted_in, time.perf_counter() - began)
        leaned = set(relaxation.leaned_on(test, prices, on).tolist())
        core = [s for s in sources if gates[s].index in leaned]
        if not core:
            return None   # a certificate on no entry at all is not trusted
        self.certified.add(frozenset(core))
        return core

    def _switched(self, on: list[str], free: Sequence[str] = ()) -> relaxation.LinearProgram:
        """The linear relaxation with the switches of `on` at 1, those of `free` anywhere
        from 0 to 1 (each costing 1 below 1), and every other switch at 0."""
        if self._relaxation is None:   # without the weekly presence helpers' rows (loose):
            # weaker, but two to three times faster to solve (relaxation.py); where a
            # conflict needs them, the test falls back to CP-SAT
            self._relaxation = relaxation.linear_program_of(self.ctx)
        lp = self._relaxation
        gates = self.ctx.gates
        every = np.array([gate.index for gate in gates.values()], dtype=np.int64)
        ones = np.array([gates[s].index for s in on], dtype=np.int64)
        loose = np.array([gates[s].index for s in free], dtype=np.int64)
        lower, upper = lp.lower.copy(), lp.upper.copy()
        lower[every] = upper[every] = 0
        lower[ones] = upper[ones] = 1
        upper[loose] = 1
        cost = np.zeros_like(lp.cost)
        cost[loose] = -1.0
        return relaxation.LinearProgram(cost, 0.0, 1.0, lp.matrix, lp.row_lower,
                                        lp.row_upper, lower, upper)

    def elastic(self, sources: list[str], until: float | None = None) -> list[str] | None:
        """A few entries of `sources` that admit no schedule together, found by the linear
        relaxation with every switch free to give (the elastic filter): it keeps as many
        switches on as it can, and those it must turn down are in a conflict; they are
        switched on for good, the relaxation solved again, until the entries switched on
        for good admit no solution (a certificate proves it). None where the relaxation
        admits them all, or time ran out (at `until`, else at the explanation's deadline).

        At 180 residents, where the certificates of the whole set lean on a hundred entries
        and halving them did not reach the two that conflict within the time, it names them
        at the second turn (a rotation of 10 places a block, and a requirement all 180
        residents need once)."""
        gates = self.ctx.gates
        end = min(self.deadline, until if until is not None else self.deadline)
        kept: list[str] = []
        free = list(sources)
        while free and time.perf_counter() < end:
            began = time.perf_counter()
            test = self._switched(kept, free)
            point, prices, infeasible = relaxation.pdlp_answer(test, end, self.threads)
            if infeasible:   # the entries kept on admit no solution, whatever the others
                on = np.array([gates[s].index for s in kept], dtype=np.int64)
                leaned = set(relaxation.leaned_on(test, prices, on).tolist())
                core = [s for s in kept if gates[s].index in leaned]
                if core:
                    self.certified.add(frozenset(core))
                return core or None
            gave = [s for s in free if point[gates[s].index] < ELASTIC_GIVEN]
            if not gave:
                return None   # the relaxation admits them all
            kept += gave
            free = [s for s in free if s not in set(gave)]
            # The entries kept on may conflict by themselves already: a certificate comes
            # sooner than the next elastic turn proves it (3 s against 18 s at 180
            # residents), but where they do not, PDLP takes as long as a turn to settle; so
            # it waits half as long as the turn took.
            refuted = self._relaxed(kept, min(end - time.perf_counter(), max(
                ELASTIC_TEST_AT_LEAST, (time.perf_counter() - began) / 2)))
            if refuted is not None:
                return refuted
        return None

    def infeasible_core(self, sources: list[str]) -> list[str] | None:
        """A subset of `sources` that admits no schedule, or None if `sources` do admit one
        (or time ran out before it was proven: then the answer is unsure).

        A relaxed test waits at most twice as long as the slowest certificate so far (at
        least a second): PDLP finds a certificate sooner than it settles on a solution, and
        a set with a solution is better tested fixed, where CP-SAT soon finds a schedule (a
        capacity shortfall at 180 residents: certificates in 2-3 s, 5.5 s to settle)."""
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            self.unsure = True
            return None
        if not self.assumptions_slow:
            status, core = self._solve(sources, True, max(1.0, remaining / 3))
            if status != cp_model.UNKNOWN:
                return core if status == cp_model.INFEASIBLE else None
            self.assumptions_slow = True
            remaining = self.deadline - time.perf_counter()
        wait = remaining / 2
        if self._refuted_in:
            wait = min(wait, max(1.0, 2 * self._refuted_in))
        relaxed = self._relaxed(sources, wait) if wait > 0 else None
        if relaxed is not None:
            return relaxed
        left = self.deadline - time.perf_counter()
        if left <= 0:
            self.unsure = True
            return None
        status, core = self._solve(sources, False, left)
        if status == cp_model.UNKNOWN:
            self.unsure = True
        return core if status == cp_model.INFEASIBLE else None


def conflict_sources(program: Program, options: SolveOptions, relaxed_first: bool = False
                     ) -> tuple[list[str], bool]:
    """A real set of hard entries that admit no schedule together ([] if none was found in
    time), and whether it is proven minimal (`relaxed_first`: see `_Tester`)."""
    deadline = time.perf_counter() + options.explain_time_limit
    tester = _Tester(program, options, deadline, relaxed_first)
    everything = sorted(tester.ctx.gates, key=file_order)
    # Where the relaxation proved it, the elastic relaxation names the entries soonest; two
    # thirds of the time at most, so that certificates and CP-SAT still have some.
    core = tester.elastic(everything, time.perf_counter()
                          + ELASTIC_SHARE * options.explain_time_limit) if relaxed_first else None
    if core is None:
        core = tester.infeasible_core(everything)
        if core is None:
            return [], False
        # The core CP-SAT returns is not trusted blindly: the deletion loop re-proves it.
        if len(core) < len(everything) and frozenset(core) not in tester.certified:
            confirmed = tester.infeasible_core(core)
            core = confirmed if confirmed is not None else everything
        if tester.assumptions_slow and len(core) > 2:   # the relaxation's certificate: fewer
            core = tester.elastic(core, time.perf_counter() + ELASTIC_SHARE * max(
                tester.deadline - time.perf_counter(), 0.0)) or core
    return shrink(tester, core), not tester.unsure


def shrink(tester: Any, core: list[str]) -> list[str]:
    """Drop entries while the rest stay infeasible: chunks first (halving on failure,
    doubling again after two chunks dropped in a row), so a large set that assumptions could
    not shrink needs far fewer tests than one per entry. An entry is kept only where the rest
    without it admit a schedule; dropping others later cannot change that, so the set is
    minimal.

    Without the doubling, once the chunks had halved down to one entry, every entry left
    took a test of its own: 107 entries, of which 70 could go one by one, spent the whole
    30 s of an explanation (an outside tester's 55 residents, whose vacation weeks exceed
    what an away limit lets them take by 3), and the set was not proven minimal. Doubling
    after every chunk dropped took more tests where most entries clash (100 entries, 50 of
    them needed at random places: 137 tests against 105); after two in a row, 113, and on
    sparse clashes (3 of 100) as few (37 against 83 without doubling)."""
    needed: list[str] = []
    candidates = sorted(core, key=file_order)
    chunk = max(1, len(candidates) // 2)
    dropped = 0   # chunks dropped in a row
    while candidates:
        chunk = min(chunk, len(candidates))
        rest = needed + candidates[chunk:]
        smaller = tester.infeasible_core(rest) if rest else None
        if smaller is not None:
            kept = set(smaller)
            needed = [s for s in needed if s in kept]
            candidates = [s for s in candidates[chunk:] if s in kept]
            dropped += 1
            if dropped == 2:
                chunk, dropped = 2 * chunk, 0
            continue
        dropped = 0
        if chunk > 1:
            chunk //= 2
        else:
            needed.append(candidates.pop(0))  # without it a schedule exists (or time ran out)
    return sorted(needed, key=file_order)


def explain(program: Program, options: SolveOptions, relaxed_first: bool = False
            ) -> tuple[list[Conflict], str]:
    """The conflict set of an infeasible program, each entry with a message a chief reads,
    and the whole conflict in a sentence (`relaxed_first`: the linear relaxation proved that
    no schedule exists; see `_Tester`)."""
    sources, minimal = conflict_sources(program, options, relaxed_first)
    if not sources:
        return [], "No schedule exists, and no smaller conflict was found in the time allowed."
    text = describe.summary(program, sources)
    if not minimal:
        text += " (Time ran out before this list was proven minimal.)"
    return [Conflict(s, describe.entry(program, s)) for s in sources], text
