"""Solving a program: build the CP-SAT model, run it, and turn the answer into a schedule file.

`solve(program, options)` is the one entry point the CLI and the web app use. It reports
progress (objective and bound over time) through a callback, explains infeasibility with a
minimal conflict set, and scores the schedule it returns with the independent checker.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import SatParameters

from scheduler import Assignment, Program, Schedule
from scheduler.schedule import Cell, block_dicts, week_dicts

from . import checker, repair, spread
from .context import ModelContext
from .explain import explain
from .model import SolveOptions, build_model, large, threads
from .objective import aimed
from .stopping import AtMost, beside, stopped_when

if TYPE_CHECKING:
    from .relaxation import Relaxation, RelaxationBound

__all__ = ["Progress", "SolveOptions", "build_model", "solve"]

# Each phase of a solve, at DEBUG level (bench/timeline.py prints them with their times)
log = logging.getLogger(__name__)

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class Progress:
    """One point of the solve's progress: best schedule's penalty and proven lower bound."""

    wall_time_s: float
    objective: float | None
    bound: float | None


LARGE_PROGRAM = 100  # residents; from here on, lighter probing (see tune)
# The core search's order of penalties: all at once (see tune)
NO_STRATIFICATION = SatParameters.MaxSatStratificationAlgorithm.STRATIFICATION_NONE


def tune(parameters: SatParameters, options: SolveOptions, residents: int = 0) -> None:
    """Search settings chosen across the benchmark's program families (docs/benchmarks.md).

    Our own symmetry breaking (symmetry.py) replaces CP-SAT's costly symmetry detection, and
    one presolve pass suffices for these models. The objective is a sum of many small 0/1
    penalties, which CP-SAT's core-based search proves fastest where the linear relaxation
    beside the search (see `_search`) does not; on small machines CP-SAT's default portfolio
    leaves that worker out, so it is named explicitly (with the search on the full linear
    relaxation, max_lp, beside it when there are threads for both); CP-SAT interleaves its
    neighbourhood and local searches, which find the schedules, on the remaining thread. The
    core search takes every penalty at once instead of the heaviest first: weight by weight
    it found no core at all beyond 250 residents. From LARGE_PROGRAM residents on, probing
    at level 1 instead of 2 keeps 500 residents under 2 GB (format 1: 2.3 GB -> 1.4 GB);
    below it, level 2 is as fast or faster. CP-SAT's feasibility pump is left out: it never
    found a schedule on the families, and it took turns with the schedule finders on their
    one thread (500 residents with format 2: 20 of the first 50 s, the first schedule then
    only at 58 s, against 41 s without it); without it the 125-resident proofs were as fast
    or faster and memory 5-15 % lower (docs/benchmarks.md, 2026-12-05).
    """
    parameters.max_time_in_seconds = options.time_limit
    if options.memory_mb:
        parameters.max_memory_in_mb = options.memory_mb
    parameters.symmetry_level = 0
    parameters.max_sat_stratification = NO_STRATIFICATION
    parameters.max_presolve_iterations = 1
    parameters.use_feasibility_pump = False
    if residents >= LARGE_PROGRAM:
        parameters.cp_model_probing_level = 1
    workers = threads(options)
    parameters.num_workers = workers
    if workers < 8:
        parameters.subsolvers.extend(["core", "max_lp", "default_lp", "quick_restart"][:workers])


# The last step's race (`_in_turns`): on fewer than 8 threads, one thread more than the
# tuned search, for these full-problem workers (in order) beside the schedule finders' thread
RACE_WORKERS = ("core", "default_lp", "max_lp", "quick_restart")


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Relays every better schedule (of the tuned searches or the guided search) and every
    better bound to the caller's progress callback, and stops the tuned search once the best
    schedule meets the linear relaxation's bound (it is then optimal) or the relaxation
    proves that no schedule exists; hands over to the guided search (see `_search`) when
    the relaxation's answer guides."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, start: float):
        super().__init__()
        self.on_progress = on_progress
        self.start = start
        self.solver: cp_model.CpSolver | None = None   # the tuned search running
        self.bound: float | None = None
        self.objective: float | None = None   # the best schedule's, of either search
        self.relaxation_bound: int | None = None
        self.rows_bind = False   # the relaxation's later answer, with its loose rows, is higher
        self.infeasible = False  # proven by the relaxation
        self.infeasible_lean = False  # ... by its first answer, without the loose rows
        self.finished = threading.Event()  # set once proven: the tuned search stops
        self.guidance: Relaxation | None = None  # the relaxation's answer, when it guides
        self.handover = threading.Event()  # set with it: the guided search takes over
        self.progressed = start  # when a search last found a better schedule or bound
                                 # (above the relaxation's: `on_bound`)
        self.spread_at: float | None = None   # when the spread's kept time begins, if any
        self.spread_due = threading.Event()  # set then, once a schedule is in hand
        self._lock = threading.Lock()

    def searching_until(self, options: SolveOptions) -> float:
        """When the searches end: the limit, or, once a schedule is in hand, when the
        spread's kept time begins (`_spread_kept`)."""
        if self.spread_at is not None and self.objective is not None:
            return self.spread_at
        return self.start + options.time_limit

    def _proven(self) -> bool:
        """Whether the best schedule meets a proven bound: the relaxation's, or a tuned or
        plain search's own (a search started from a hint may prove what another found
        while it has not found that schedule itself: an outside tester's 72 residents,
        proven 89 at 36.8 s by CP-SAT's defaults, which searched on until 44.7 s)."""
        if self.objective is None:
            return False
        bounds = [b for b in (self.relaxation_bound, self.bound) if b is not None]
        return any(self.objective <= math.ceil(b - 1e-6) for b in bounds)

    def best_bound(self, floor: float) -> int:
        """The best proven bound: `floor` (one above an aim nothing met, say), the
        relaxation's or a whole-model search's own, whichever is highest."""
        bound = max(b for b in (floor, self.relaxation_bound, self.bound) if b is not None)
        return math.ceil(bound - 1e-6)

    def at_most(self, penalty: float) -> bool:
        """Whether the best schedule's penalty is at most `penalty`."""
        return self.objective is not None and self.objective <= penalty

    def one_above(self, floor: float) -> bool:
        """Whether the best schedule is one above the best proven bound (`best_bound`):
        only the last step is left, a schedule that meets the bound or the proof that none
        does."""
        return self.at_most(self.best_bound(floor) + 1)

    def on_solution_callback(self) -> None:
        self.on_schedule(self.objective_value, self.best_objective_bound)

    def on_schedule(self, objective: float, bound: float | None = None) -> bool:
        """A schedule of any search (`bound`: the tuned search's own, with it); True when
        it is proven optimal (the tuned search is then stopped)."""
        with self._lock:   # held while it is reported: two searches may report at once
            if self.objective is not None and objective >= self.objective:
                return self._proven()
            if self.objective is None and self.spread_at is not None:
                # the first schedule: from now on a search (even one begun without any)
                # ends when the spread's time begins
                due = threading.Timer(max(self.spread_at - time.perf_counter(), 0.0),
                                      self.spread_due.set)
                due.daemon = True
                due.start()
            self.objective = objective
            self.progressed = time.perf_counter()
            proven = self._proven()
            if proven:
                self._finish()
            if self.on_progress:
                shown = max(bound or 0, self.bound or 0, self.relaxation_bound or 0)
                self.on_progress(Progress(time.perf_counter() - self.start, objective, shown))
        return proven

    def on_bound(self, bound: float) -> None:
        """A better bound of a search on the whole model (the tuned search, CP-SAT's
        defaults, the local search; each starts again from nothing): once it meets the best
        schedule, that schedule is proven optimal and every search stops. Only a bound
        above the relaxation's is progress (`_stale`): below it, it proves nothing new (an
        outside tester's 72 residents, bench/programs/o08: the core search's bound rose
        from 32 to 55 over 12 s beside the relaxation's 88, and each rise kept a stale
        turn going)."""
        with self._lock:
            if bound <= (self.bound or 0):
                return
            self.bound = bound
            if bound > (self.relaxation_bound or 0):
                self.progressed = time.perf_counter()
            if self._proven():
                self._finish()
        if self.on_progress and bound > (self.relaxation_bound or 0):
            self.on_progress(Progress(time.perf_counter() - self.start, None, bound))

    def on_relaxation(self, result: Relaxation) -> None:
        """An answer of the relaxation (there may be a second, with a higher bound): its
        bound, or its proof that no schedule exists; the first answer that guides hands
        over to the guided search."""
        log.debug("relaxation: bound %d, %s, %d unused", result.bound,
                  "infeasible" if result.infeasible else "feasible", result.unused.size)
        with self._lock:
            if result.infeasible:
                self.infeasible = True
                # the first answer (a second comes only after a feasible first one): the
                # explanation's relaxation, without the loose rows, proves it as well
                self.infeasible_lean = self.relaxation_bound is None
            else:
                self.rows_bind = self.relaxation_bound is not None \
                    and result.bound > self.relaxation_bound
                self.relaxation_bound = max(result.bound, self.relaxation_bound or 0)
            if self.infeasible or self._proven():
                self._finish()
            elif result.guides and self.guidance is None:
                self.guidance = result
                self.handover.set()
                if self.solver is not None:
                    self.solver.stop_search()
        if self.on_progress and not result.infeasible and result.bound > (self.bound or 0):
            self.on_progress(Progress(time.perf_counter() - self.start, None, result.bound))

    def _finish(self) -> None:
        self.finished.set()
        if self.solver is not None:
            self.solver.stop_search()

    def proven(self) -> bool:
        return self.finished.is_set()


@dataclass
class _Found:
    """What the searches found: the solver holding the best schedule, its status, and a
    proven lower bound on the whole model's penalty (CP-SAT's own, or one above an aim
    nothing met, see `_aimed`)."""

    solver: cp_model.CpSolver
    status: str
    bound: float

    @classmethod
    def nothing(cls) -> _Found:
        """No search ran (cancelled first) or none has a schedule yet."""
        return cls(cp_model.CpSolver(), "UNKNOWN", 0)


def solve(program: Program, options: SolveOptions | None = None,
          on_progress: Callable[[Progress], None] | None = None) -> Schedule:
    """Solve a validated program; the answer is a schedule file (any status but INVALID)."""
    options = options or SolveOptions()
    start = time.perf_counter()
    watcher = _Watcher(on_progress, start)
    lower = _relaxation(options, start, watcher)
    try:
        ctx = build_model(program, options)
        log.debug("model built: %d variables, %d constraints", len(ctx.model.proto.variables),
                  len(ctx.model.proto.constraints))
        is_large = large(ctx)
        built = time.perf_counter() - start
        touches_kept = _touches_kept(ctx, options, built)
        kept = _spread_kept(ctx, options, built) + touches_kept
        if kept:
            watcher.spread_at = start + options.time_limit - kept
        if lower is not None:
            lower.start(ctx, threads(options) if is_large else 1)
            if is_large:
                _await_relaxation(lower, options, start)
        probe = None if _stopped(options) or is_large or _late(options, start) else \
            _probe(ctx, options, start, on_progress)
        if probe is not None and (probe.status in ("OPTIMAL", "INFEASIBLE")
                                  or _stopped(options)):
            found = _Found(probe.solver, probe.status, probe.solver.best_objective_bound)
        elif _stopped(options) or _late(options, start):
            found = _Found.nothing()   # cancelled, or out of time, before any search
        else:
            found = _search(ctx, options, start, watcher, probe)
    finally:
        if lower is not None:
            lower.stop()
    relaxation_bound = watcher.relaxation_bound
    status = found.status
    schedule = Schedule(program=program.info.name, status=status, blocks=block_dicts(program),
                        weeks=week_dicts(program))
    log.debug("searches done: %s", status)
    if status in ("OPTIMAL", "FEASIBLE"):
        answer = found.solver
        if not _stopped(options):
            total = round(found.solver.objective_value) if ctx.objective else 0
            touches = not is_large and spread.touches_due(ctx, found.solver)
            answer = _spread(ctx, found.solver, options, start, total,
                             touches_kept if touches else 0.0) or answer
            log.debug("spread done")
            if touches and not _stopped(options):
                lowest = min(total, math.ceil(found.bound - 1e-6)) if ctx.objective else 0
                answer = _last_touches(ctx, answer, options, start, total, lowest) or answer
                log.debug("last touches done")
        schedule.residents = _extract(ctx, answer)
        report = checker.check(program, schedule, options.previous, options.freeze_through)
        schedule.objective = report.total_penalty
        schedule.unmet_requests = report.unmet_requests
        schedule.penalties = [f.as_dict() for f in report.penalties]
        bound = math.ceil(found.bound - 1e-6) if ctx.objective else 0
        if relaxation_bound is not None:
            bound = max(bound, relaxation_bound)
        if watcher.bound is not None:   # a whole-model search's own, whichever it was
            bound = max(bound, math.ceil(watcher.bound - 1e-6))
        schedule.best_bound = min(bound, report.total_penalty)
        # OPTIMAL only when the proven bound meets the total the checker counts: were the
        # model and the checker ever to disagree, the answer says FEASIBLE, not a false proof.
        status = schedule.status = "OPTIMAL" if bound >= report.total_penalty else "FEASIBLE"
    elif status == "INFEASIBLE" and options.explain:
        conflicts, schedule.explanation = explain(program, options,
                                                  relaxed_first=watcher.infeasible_lean)
        schedule.conflicts = [c.as_dict() for c in conflicts]
    schedule.wall_time_s = time.perf_counter() - start
    return schedule


LEAST_SEARCH = 0.1   # seconds: no search starts with less of the limit left (`_late`)
SPREAD_PER_BUILD = 1.5   # the spread's time kept from the searches: this many times the
SPREAD_KEPT_LEAST = 1.0  # model's building, and this long, but at most the spread's share
TOUCHES_PER_BUILD = 1.0  # the last touches' time kept (`_touches_kept`): this many times
TOUCHES_KEPT_LEAST = 0.5  # the model's building, and this long, but at most their share


def _spread_kept(ctx: ModelContext, options: SolveOptions, built: float) -> float:
    """The seconds at the end of the limit kept for the spread (the secondary aim) where
    there is vacation to spread: once a schedule is in hand, every search ends that much
    before the limit, and no search starts then (`_Watcher.spread_due`, `_over`); without
    one, a search has the whole limit, for its first schedule or a proof. Searches that ran to
    the limit used to leave the spread nothing, and unrequested vacation bunched up (an
    outside tester's program of 15 residents with split blocks, no optimum proven in 60 s:
    6 of them away at Christmas, none of them asked; 5 in a week with a limit of 5 s, 1
    with the spread's time kept). The spread presolves the whole model with every rotation
    fixed, which takes about as long as building it (`built` seconds): 0.4-0.8 times on the
    sample, *sites* 125 and that program; so it keeps SPREAD_PER_BUILD times that, and a
    second more (on a small model, 0.1 or 0.5 s more than that build left the spread too
    little on a busy machine, where it shares the CPUs with other solves: 4 away at once in
    that program, three runs of the whole test suite of four), but at most its share of the
    limit."""
    if not spread.unrequested(ctx):
        return 0.0
    return min(SPREAD_KEPT_LEAST + SPREAD_PER_BUILD * built,
               spread.SPREAD_SHARE * options.time_limit)


def _touches_kept(ctx: ModelContext, options: SolveOptions, built: float) -> float:
    """The seconds at the very end of the limit kept for the last touches
    (spread.last_touches) where the program has split rotations or soft vacation requests
    (not on a large model: they are skipped there, `solve`): their search presolves the
    whole model with nearly everything fixed, as the spread's does (0.2-0.6 s on the
    families' 50-125 residents)."""
    if large(ctx) or not spread.touches(ctx):
        return 0.0
    return min(TOUCHES_KEPT_LEAST + TOUCHES_PER_BUILD * built,
               spread.SPREAD_SHARE * options.time_limit)


def _search(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
            probe: _Probe | None) -> _Found:
    """The tuned search, with the linear relaxation's bound computed beside it; once the
    relaxation is solved, the search it guides (guided.py) takes over for a while. (On a
    large model the relaxation has answered already: see `_await_relaxation`.)

    Which bound proves the optimum depends on the program's shape, not its size
    (docs/benchmarks.md): on department- and sites-shaped programs the relaxation's bound
    meets the optimum long before the core search's does, and the guided search soon finds
    a schedule that meets it; where the relaxation's bound is below the optimum (some
    tight or board-dominated programs), the core search proves what the relaxation cannot.
    So the tuned search starts with the relaxation beside it.
    When the relaxation's answer comes and points somewhere, the tuned search stops and the
    guided search has the machine's threads to itself, for GUIDED_TIMES what the solve has
    taken so far (GUIDED_AT_LEAST seconds at least), its aimed search longer while it still
    closes in on the aim (guided._Turn: at most twice as long, or as long again as it took
    to meet the aim; never past the time limit). (Twice was too short once the
    relaxation answered sooner: tight F2, 4-week blocks, 125 residents, seed 1, needs about
    5 s to its first schedule there, when the relaxation answers at 2 s; docs/benchmarks.md,
    tenth session.) Unless it proved the optimum, and where no search has a schedule yet,
    local search looks for any first one, briefly (`_first`), and where it finds none
    (`_aims`), the tuned search on the whole model, aimed at the relaxation's bound, has
    GUIDED_TIMES what the solve has then taken (`_aimed`);
    then CP-SAT's default portfolio and the tuned search take turns from the best schedule
    found (`_in_turns`). The answer is the best schedule of the searches and the probe; the
    bound is the searches' own and the relaxation's (raised by one where the aimed search
    proved that nothing meets it).
    """
    if watcher.handover.is_set() or watcher.proven():
        # The relaxation answered first (during the probe, or on a large model before any
        # search): it guides, or it proved that no schedule exists
        found = _Found.nothing()
    else:
        solver, status = _run(ctx, options, start, watcher, watcher.handover)
        found = _Found(solver, status, solver.best_objective_bound)
    if watcher.guidance is not None and found.status in ("UNKNOWN", "FEASIBLE") \
            and not _over(watcher, options, start):
        found = _guided(ctx, options, start, watcher, found)
    if found.status == "UNKNOWN" and watcher.infeasible:
        found.status = "INFEASIBLE"
    if found.status in ("UNKNOWN", "INFEASIBLE") and probe is not None \
            and probe.status == "FEASIBLE":
        # Stopped before the tuned search found a schedule (or the relaxation's
        # certificate says none exists, against a schedule in hand): the probe's stands.
        bound = probe.solver.best_objective_bound
        if found.status == "UNKNOWN":   # its bound holds (an aim nothing met raised it)
            bound = max(bound, found.bound)
        found = _Found(probe.solver, probe.status, bound)
    return found


def _relaxation(options: SolveOptions, start: float, watcher: _Watcher
                ) -> RelaxationBound | None:
    """The linear relaxation (relaxation.py) in its own process, spawned before the model is
    built and handed it before the probe, so that its answer comes as early as it can."""
    if not options.relaxation or _stopped(options):
        return None
    from .relaxation import RelaxationBound  # numpy and scipy: only when used

    return RelaxationBound(options.time_limit - (time.perf_counter() - start),
                           watcher.on_relaxation).spawn()


def _await_relaxation(lower: RelaxationBound, options: SolveOptions, start: float) -> None:
    """On a large model (model.large), wait for the relaxation's first answer before any
    search (cancelling, the time limit, or a relaxation that cannot run end the wait).

    There the tuned search spent the relaxation's time in CP-SAT's presolve and found no
    schedule before the relaxation answered, and once searching it held a second copy of the
    model beside the relaxation's process (department F2, 500 residents, 4-week blocks: 2.2
    GB together). Waiting, PDLP has both threads and answers sooner, and the guided search
    starts at once (500 residents: 52.8 -> 36.1 s in months, 55.2 -> 45.6 s in 4-week
    blocks; docs/benchmarks.md, fourteenth session)."""
    end = start + options.time_limit
    while not _stopped(options) and time.perf_counter() < end:
        if lower.answered(min(0.1, max(end - time.perf_counter(), 0.0))):
            return


GUIDED_TIMES = 3.0     # the guided search may take this many times what the solve took ...
GUIDED_AT_LEAST = 1.0  # ... and at least this many seconds


def _guided(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
            found: _Found) -> _Found:
    """The guided search in the tuned search's place (see `_search`), then, where no search
    has a schedule yet, a short search for any first one (FIRST_TIMES): the best of the
    guided search's neighbourhood, not aimed (`GuidedSearch.best_here`), and where that
    holds none, local search on the whole model (`_first`); if neither finds one, the
    tuned search aimed at the relaxation's bound (`_aimed`, `_aims`),
    then, if still no search has a schedule, the search without the weekly presence rows
    with its weeks moved (`_repaired`), then the searches in turn (`_in_turns`), unless one
    of them proved the optimum.

    Where a schedule is found first, the searches aimed at the bound do not run and the
    searches in turn walk down from it: where the bound lies just below the optimum, each
    aimed search spent its whole turn proving that nothing meets it (an outside tester's 72
    residents with soft coverage targets, bench/programs/o08: relaxation 88, optimum 89; 4 s
    guided, 16 s aimed, 19 s without the weekly rows, the first schedule at 41 s; now at
    5 s, and 89 at 19 s). Where schedules are hard to find (*tight*), the local search
    finds none in its short turn, and the aimed searches run as before, about a second
    later (docs/benchmarks.md, twenty-eighth session). The neighbourhood's best comes
    first: its schedules were better and came sooner (o05 61 against 276, o08 216 against
    492, o09 9 against 470; o09 ended at 5, 5 and 9 in three runs, at 197-200 before;
    twenty-ninth session)."""
    from .guided import GuidedSearch

    guidance = watcher.guidance
    if guidance is None:
        return found
    log.debug("guided search")
    guided = GuidedSearch(ctx, lambda s: tune(s.parameters, options, len(ctx.program.residents)),
                          watcher.on_schedule, options.stop, watcher.finished,
                          watcher.spread_due)   # the time kept for the spread is not its
    guided.run(guidance, _turn_ends(options, start), start + options.time_limit,
               patience=max(time.perf_counter() - start, GUIDED_AT_LEAST))
    if guided.best is not None and guided.objective is not None \
            and _beats(guided.objective, found):
        found = _Found(guided.best, "FEASIBLE", found.bound)  # proven or not: solve() decides
    if _over(watcher, options, start):
        return found
    if found.status != "FEASIBLE" and not large(ctx):
        # A first schedule, in FIRST_TIMES what the solve has taken: the neighbourhood's
        # best, and where it holds none, local search on the whole model in what is left
        until = _turn_ends(options, start, FIRST_TIMES)
        guided.best_here(guidance, until)
        if guided.best is not None and guided.objective is not None:
            found = _Found(guided.best, "FEASIBLE", found.bound)
        elif not _over(watcher, options, start) and until - time.perf_counter() > LEAST_SEARCH:
            found = _first(ctx, options, start, watcher, found, until)
        if _over(watcher, options, start):   # the turns start from what was found
            return found
    # The relaxation's second answer may be higher; where the tuned search's own bound is
    # higher still, no schedule meets the aim
    aim = watcher.relaxation_bound or 0
    if aim > 0 and aim >= math.ceil(found.bound - 1e-6) and _aims(ctx, found):
        found = _aimed(ctx, options, start, watcher, found, aim)
        if _over(watcher, options, start):
            return found
    if found.status != "FEASIBLE" and ctx.loose_rows and not large(ctx) \
            and not watcher.rows_bind:
        found = _repaired(ctx, options, start, watcher, found,
                          max(aim, math.ceil(found.bound - 1e-6)))
        if found.status == "INFEASIBLE" or _over(watcher, options, start):
            return found
    return _in_turns(ctx, options, start, watcher, found)


STALE_TIMES = 3.0  # a search's turn ends after this many times the solve so far without progress
STALE_SHARE = 3.0  # ... or this part of what is left of the limit, if that is sooner


def _in_turns(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
              found: _Found) -> _Found:
    """The rest of the time limit, where neither the guided nor the aimed search proved the
    optimum: the tuned search goes on from the best schedule so far, and whenever a search
    has found neither a better schedule nor a better bound (above the relaxation's:
    `_Watcher.on_bound`) for STALE_TIMES what the solve
    had taken when its turn began (`_stale`), it hands over to the other one,
    CP-SAT's default portfolio, and that one back in turn, each from the best schedule so
    far. (Told the best bound as the objective's floor, the tuned search took three times
    as long to prove an optimum the relaxation's bound already met: *tight* F2, 50
    residents, 4-week blocks, seed 1, 1.6 -> 5 s.)

    Which of the two proves a program whose relaxation is weak depends on its shape: the
    tuned search's core search proves most *tight* and *boards* programs fastest, but on a
    small Duke-like year (tests/test_bench/test_reference.py, MINI_DUKE: relaxation 6,
    optimum 14) it stayed at 13 for a minute, where CP-SAT's defaults (their search on the
    linear relaxation after a full presolve) prove 14 in 0.2 s. A search still improving
    keeps its turn: turns of fixed length took the *tight* family's months program (125
    residents) from 14 to 23 s, its schedules coming down all the way (docs/benchmarks.md,
    fifteenth session). Late in the limit a turn waits for progress at most a third of what
    is left of the searches' time (STALE_SHARE; GUIDED_AT_LEAST seconds at least, so that
    the last seconds are not spent presolving turn after turn), so that each search still
    has a turn: three times a solve of 40 s is more than a minute holds, and the defaults,
    which raised the bound of a program whose core search stayed where it was, never had
    one (twenty-seventh session). Where a turn of the tuned search ends without any
    schedule found, local search looks for the first one (`_first`) instead of CP-SAT's
    defaults, which would start from nothing as slowly. A large model (model.large) keeps
    the tuned search alone: a second full presolve and search worker would not fit in
    memory there.

    **The last step races.** Once the best schedule is one above the best proven bound
    (`_Watcher.one_above`), all that is left is a schedule that meets the bound or the proof
    that none does, and which full search gives it depends on the program: on an outside
    tester's 72 residents (bench/programs/o08: relaxation 88, optimum 89) the core
    search's own bound stayed at 32-55, and CP-SAT's search on the linear relaxation
    (`default_lp`, which the defaults run) proved 89 in 3-4.5 s; on its 40 residents with
    PGY tracks (o07: 4 and 5) and its 64 DR residents (o02: 13 and 20) the core search
    proves it, and with the search on the linear relaxation in its place o02 was not
    proven in 60 s. So the tuned search races on with both full searches, on one thread
    more than there are CPUs, beside the schedule finders' thread (RACE_WORKERS), and a
    turn whose schedules come down to the last step ends after LAST_STEP_WAIT without a
    better one (o08 had found 89 at 17-22 s, and its turn went on to 36 s; the defaults
    then proved it at 39-44 s, the plain model at 25-41 s; now 24-28 s). Only at the last
    step: with three threads on two CPUs the schedule finders walk down more slowly, and
    *tight* (125 residents, months, seed 0), whose schedules come down from about 30 to
    its bound 0 in these turns, took 21-38 s with the race in every turn, against 14-20 s.
    A turn whose own bound rises to the last step keeps it: restarted, the core search
    lost the ground it had made (o02 7.2 -> 9.0 s; docs/benchmarks.md, thirtieth
    session)."""
    plain, alone = False, large(ctx)
    if found.status == "FEASIBLE" and not ctx.previous:
        ctx.hint(found.solver)
    while not _over(watcher, options, start) and not _met(found):
        race = not plain and not alone and watcher.one_above(found.bound)
        log.debug("%s search again", "plain" if plain else "racing" if race else "tuned")
        now = time.perf_counter()
        left = watcher.searching_until(options) - now
        patience = None if alone else min(STALE_TIMES * max(now - start, GUIDED_AT_LEAST),
                                          max(left / STALE_SHARE, GUIDED_AT_LEAST))
        last_step = None if plain or race else watcher.best_bound(found.bound) + 1
        with _stale(watcher, patience, last_step) as stale:
            solver, status = _run(ctx, options, start, watcher, stale, plain=plain,
                                  race=race)
        bound = max(found.bound, solver.best_objective_bound)
        if status in ("OPTIMAL", "INFEASIBLE"):
            return _Found(solver, status, bound)
        if status == "FEASIBLE" and _beats(solver.objective_value, found):
            found = _Found(solver, status, bound)
            if not ctx.previous:
                ctx.hint(found.solver)
        found.bound = bound
        if stale is None or not stale.is_set():
            break   # it ended on its own: the time limit, a cancel, CP-SAT's memory limit
        if found.status != "FEASIBLE":   # still no schedule: local search for the first
            found = _first(ctx, options, start, watcher, found,
                           _turn_ends(options, start, STALE_TIMES))
            if found.status == "FEASIBLE" and not ctx.previous:
                ctx.hint(found.solver)
            plain = False   # the tuned search goes on from it (or looks again)
            continue
        if not plain and not race and watcher.one_above(found.bound):
            continue   # at the last step: the tuned search races on
        plain = not plain
    return found


FIRST_TIMES = 1 / 3   # a first schedule looked for after the guided search (in its
                      # neighbourhood, then by local search): this part of what the solve
                      # has taken so far, GUIDED_AT_LEAST seconds at least


def _first(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
           found: _Found, until: float) -> _Found:
    """Where the guided search, or a turn of the tuned search, has ended without any
    schedule, CP-SAT's local search (feasibility jump and its kin) on every thread looks for
    the first one until `until` (after the guided search: what the neighbourhood's best
    search left of FIRST_TIMES; after a turn: STALE_TIMES what the solve has taken so far);
    the searches then go on from it (`_in_turns`).

    There finding a schedule is the hard part: the tuned search gives the local search one
    thread beside its core search, and it was the local search that found the first
    schedule on *tight* programs (months, 125 residents, the engine's model: local search
    alone on both threads 1.4-9.0 s on seeds 0-2, the tuned search 3.5-13 s, CP-SAT's
    defaults 6.7-11 s; before, a tuned turn without a schedule handed over to the defaults,
    and seed 1 found its first schedule only at 31 s). It comes second, not first: it
    cannot prove that no schedule exists, which the tuned search proved in 0.5 s on an
    infeasible variant whose relaxation is feasible (runs of four consults: 4.0 s in all,
    13-20 s with local search first; docs/benchmarks.md, sixteenth session)."""
    log.debug("local search for a first schedule")
    solver, status = _run(ctx, options, start, watcher, local=True, until=until)
    if status in ("OPTIMAL", "FEASIBLE"):
        return _Found(solver, "FEASIBLE", found.bound)  # proven or not: solve() decides
    return found


def _repaired(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
              found: _Found, aim: int) -> _Found:
    """Where neither the guided search nor the aimed one found any schedule: the search
    without the weekly presence rows, aimed at the bound, for at most GUIDED_TIMES what the
    solve has taken so far and at most half of what is left of the limit, and then its
    schedule's weeks moved on the whole model (repair.py; GUIDED_AT_LEAST seconds at least).
    Its bound holds for the whole model; where it proves that no schedule exists, none does.

    Where the bound lies below every schedule, the search walks down towards it without
    reaching it; given the rest of the limit (three times the 20 s the aimed searches had
    taken), it left no time to move its schedule's weeks, and the solve ended without any
    schedule (an outside tester's 110 DR residents with soft coverage rules by level:
    relaxation 187, optimum 240, which CP-SAT's defaults prove in 20 s; now 240 at 40 s,
    docs/benchmarks.md, twenty-seventh session)."""
    log.debug("search without the weekly rows, aimed at %d", aim)
    now = time.perf_counter()
    until = min(_turn_ends(options, start), now + (start + options.time_limit - now) / 2)
    first = cp_model.CpSolver()
    tune(first.parameters, options, len(ctx.program.residents))
    first.parameters.max_time_in_seconds = max(until - time.perf_counter(), 0.05)
    with stopped_when(first.stop_search, options.stop, watcher.finished):
        status = STATUS_NAMES.get(first.solve(repair.without_weekly_rows(ctx),
                                              AtMost(aim)), "UNKNOWN")
    if status == "INFEASIBLE":
        return _Found(first, status, found.bound)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return found
    bound = max(found.bound, first.best_objective_bound)
    log.debug("without the weekly rows: %d (bound %d)", first.objective_value,
              first.best_objective_bound)
    watcher.on_bound(bound)   # shown with the schedules found from now on
    until = max(until, _turn_ends(options, start, 0.0))
    moved = repair.weeks_moved(ctx, first, _fixed_run(options, until), AtMost(aim))
    if moved is None:
        found.bound = bound
        return found
    watcher.on_schedule(moved.objective_value)
    return _Found(moved, "FEASIBLE", bound)


def _fixed_run(options: SolveOptions, until: float) -> spread.Run:
    """How a search that keeps every rotation runs (the repair's weeks, the spread): with
    the spread's settings (spread.tune), until `until`."""

    def run(model: cp_model.CpModel, on_solution: cp_model.CpSolverSolutionCallback
            ) -> tuple[cp_model.CpSolver, Any]:
        second = cp_model.CpSolver()
        spread.tune(second.parameters, threads(options))
        second.parameters.max_time_in_seconds = max(until - time.perf_counter(), 0.05)
        if options.memory_mb:
            second.parameters.max_memory_in_mb = options.memory_mb
        with stopped_when(second.stop_search, options.stop):
            return second, second.solve(model, on_solution)

    return run


def _aimed(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
           found: _Found, bound: int) -> _Found:
    """The tuned search on the whole model aimed at the relaxation's bound: it looks only
    for schedules whose penalty meets it (objective.aimed), any of which is optimal, for up to
    GUIDED_TIMES what the solve has taken so far, as the guided search. Where the guided
    search's neighbourhood held no such schedule, the best ones were elsewhere, and an aimed
    search found them sooner than one that walks down from its first schedule (*tight*, 125
    residents: 3-10 s against 16-57 s, docs/benchmarks.md, thirteenth session). Where it
    proves that no schedule meets the aim, the optimum is above the bound, which it then
    raises by one. Only a bound above 0 is aimed at: aimed at 0, every penalty is fixed, the
    neighbourhood searches have no penalty to walk down, and a schedule took 30-60 s instead
    of 14 s (*tight*, months, 125 residents, seed 0). The aimed search's own bound is not
    used: it holds only for the schedules it may look at (the bound shown with a schedule it
    finds is: that schedule meets the relaxation's bound, so it is optimal)."""
    log.debug("tuned search aimed at %d", bound)
    with aimed(ctx.model, bound):
        solver, status = _run(ctx, options, start, watcher, until=_turn_ends(options, start),
                              aimed=True)
    if status == "INFEASIBLE":
        found.bound = max(found.bound, bound + 1)
    elif status in ("OPTIMAL", "FEASIBLE") and _beats(solver.objective_value, found):
        found = _Found(solver, "FEASIBLE", found.bound)  # proven or not: solve() decides
    return found


def _turn_ends(options: SolveOptions, start: float, times: float = GUIDED_TIMES) -> float:
    """When a search that takes its turn now (the guided one, the aimed one; the local one
    with STALE_TIMES) must stop: after `times` what the solve has taken so far
    (GUIDED_AT_LEAST seconds at least), within the time limit."""
    now = time.perf_counter()
    return min(start + options.time_limit,
               now + max(times * (now - start), GUIDED_AT_LEAST))


def _over(watcher: _Watcher, options: SolveOptions, start: float) -> bool:
    """Whether the searches are over: proven, cancelled, or (almost) out of their time
    (the spread's kept time included, once a schedule is in hand)."""
    return watcher.proven() or _stopped(options) or _late(options, start) \
        or time.perf_counter() > watcher.searching_until(options) - 0.1


def _late(options: SolveOptions, start: float) -> bool:
    """Whether the time limit has (all but) passed: no search starts then. CP-SAT loads a
    model before it looks at its time limit, and a search started with no time left on a
    model of three million variables (*sites* F2, 500 residents, whose model took 39 s to
    build) took 7.5 s to load it and answer nothing: that solve ended at 70.5 s for a limit
    of 60 (docs/benchmarks.md, sixteenth session)."""
    return time.perf_counter() > start + options.time_limit - LEAST_SEARCH


def _aims(ctx: ModelContext, found: _Found) -> bool:
    """Whether the tuned search aimed at the relaxation's bound runs after the guided
    search: only where no search has found any schedule yet, and not on a large model.

    It was made for programs whose bound is the optimum and whose schedules are hard to
    find (*tight*: the guided search's neighbourhood held none, and the aimed search found
    the optimum in 3-10 s where a walk down from the first schedule took 16-57 s). Where a
    schedule is in hand, the tuned search walks down from it; aimed, it spent its whole turn
    finding nothing where the bound lay below the optimum (an outside tester's 42 residents
    with prerequisites and history: relaxation 73, optimum 80, the guided search's 89 at
    2.0 s, then 2.3 s aimed at 73 for nothing; twenty-seventh session). On a large model
    without a schedule the tuned search looks for any schedule at once (`_in_turns`): an
    outside tester's 200 residents at 64 rotations (317,000 variables, the relaxation's
    bound 28, schedules of 160 and more): the aimed search found nothing in its 27 s, and
    the first schedule came at 43 s of 60 (docs/benchmarks.md, twenty-fourth session)."""
    return found.status != "FEASIBLE" and not large(ctx)


def _met(found: _Found) -> bool:
    """Whether the schedule `found` holds meets its proven bound: it is optimal, and no
    search need run (solve() then says OPTIMAL). The search without the weekly rows proves
    bounds the relaxation does not (an outside tester's 60 residents with split blocks:
    relaxation 2, that search 5 at 12 s; its schedule, weeks moved, 5 at once; the tuned
    search then searched 14 s more to prove what was proven)."""
    return found.status in ("OPTIMAL", "FEASIBLE") and \
        found.solver.objective_value <= math.ceil(found.bound - 1e-6) + 1e-9


def _beats(objective: float, found: _Found) -> bool:
    """Whether a schedule of this penalty is better than the one `found` holds, if any."""
    return found.status not in ("OPTIMAL", "FEASIBLE") or objective < found.solver.objective_value


def _run(ctx: ModelContext, options: SolveOptions, start: float, watcher: _Watcher,
         handover: threading.Event | None = None, until: float | None = None,
         aimed: bool = False, plain: bool = False, local: bool = False, race: bool = False
         ) -> tuple[cp_model.CpSolver, str]:
    """One CP-SAT search in what is left of the time limit (which covers the whole call,
    model building and the probe included), or until `until`; it stops early once
    `handover` is set (the relaxation's answer guides; the search's turn is over). An
    `aimed` search's bounds are not passed on as they improve (see `_aimed`). The tuned
    search (`tune`), or with `plain` CP-SAT's defaults (`defaults`); with `local`, only
    CP-SAT's local search, until its first schedule (`_first`); with `race`, the tuned
    search with CP-SAT's search on the linear relaxation beside its core search, on one
    thread more (RACE_WORKERS, `_in_turns`)."""
    log.debug("%s search", "plain" if plain else "local" if local else "tuned")
    solver = cp_model.CpSolver()
    if plain:
        defaults(solver.parameters, options)
    else:
        tune(solver.parameters, options, len(ctx.program.residents))
    if race and solver.parameters.subsolvers:   # (8 threads and more: CP-SAT's portfolio
        workers = len(solver.parameters.subsolvers)   # has both already)
        solver.parameters.num_workers = workers + 1
        solver.parameters.subsolvers.clear()
        solver.parameters.subsolvers.extend(RACE_WORKERS[:workers])
    if local:   # the first schedule only, by local search on every thread
        solver.parameters.use_ls_only = True
        solver.parameters.stop_after_first_solution = True
    end = watcher.searching_until(options) if until is None else until
    solver.parameters.max_time_in_seconds = max(end - time.perf_counter(), 0.05)
    solver.parameters.log_search_progress = options.log
    if not aimed:
        solver.best_bound_callback = watcher.on_bound
    watcher.solver = solver
    with stopped_when(solver.stop_search, options.stop, watcher.finished, handover,
                      watcher.spread_due):
        status = STATUS_NAMES.get(solver.solve(ctx.model, watcher), "UNKNOWN")
    return solver, status


LAST_STEP_WAIT = 1.0   # seconds a turn waits at the last step for a better schedule


@contextmanager
def _stale(watcher: _Watcher, patience: float | None, last_step: float | None = None
           ) -> Iterator[threading.Event | None]:
    """An event set once no search has found a better schedule or bound for `patience`
    seconds (counted from the block's start at the earliest), or, with `last_step` (a
    penalty), for LAST_STEP_WAIT seconds once the best schedule's is at most that, while the
    block runs; None without a patience."""
    if patience is None:
        yield None
        return
    stale = threading.Event()
    since = time.perf_counter()

    def watch(done: threading.Event) -> None:
        while not done.wait(0.05):
            waited = time.perf_counter() - max(since, watcher.progressed)
            if waited > patience or (last_step is not None and waited > LAST_STEP_WAIT
                                     and watcher.at_most(last_step)):
                stale.set()
                return

    with beside(watch):
        yield stale


def defaults(parameters: SatParameters, options: SolveOptions) -> None:
    """CP-SAT's own default portfolio (the probe's, and every other turn where the
    tuned search did not prove the optimum: `_in_turns`), on the engine's threads and
    within the solve's memory and time limits."""
    parameters.max_time_in_seconds = options.time_limit
    parameters.num_workers = threads(options)
    if options.memory_mb:
        parameters.max_memory_in_mb = options.memory_mb


def _stopped(options: SolveOptions) -> bool:
    """Whether the chief has cancelled the solve."""
    return options.stop is not None and options.stop.is_set()


@dataclass
class _Probe:
    solver: cp_model.CpSolver
    status: str


PROBE_SECONDS = 0.25  # the plain search's head start, at most this long ...
PROBE_SHARE = 0.1     # ... and at most this part of the time limit


def _probe(ctx: ModelContext, options: SolveOptions, start: float,
           on_progress: Callable[[Progress], None] | None) -> _Probe | None:
    """A short plain search (CP-SAT's own default portfolio) before the tuned one.

    The tuned settings (`tune`) prove the optimum of program-sized models fast, but on some
    small programs of other shapes the default portfolio proves in 0.03 s what they do not
    prove in 20 s. So the plain search goes first, for at most PROBE_SECONDS (and
    PROBE_SHARE of the limit): what it proves (optimal or infeasible) is the answer, and a
    schedule it found starts the tuned search (as a hint).

    CP-SAT copies and presolves the whole model before it searches, and does not stop
    inside that: on larger models the probe overran its limit without ever searching
    (sites F2, 125 residents, 211,000 variables: 0.5 s; department F2, 500 residents,
    582,000 variables: 1.7-2.1 s, and 700 MB more at its peak). On a large model
    (model.large) there is no probe (docs/benchmarks.md, twelfth session)."""
    limit = min(PROBE_SECONDS, PROBE_SHARE * options.time_limit)
    if limit <= 0.05:
        return None
    probe = cp_model.CpSolver()
    defaults(probe.parameters, options)
    probe.parameters.max_time_in_seconds = limit
    watcher = _Watcher(on_progress, start)
    watcher.solver = probe
    log.debug("probe")
    with stopped_when(probe.stop_search, options.stop):
        status = STATUS_NAMES.get(probe.solve(ctx.model, watcher), "UNKNOWN")
    log.debug("probe done: %s", status)
    if status == "FEASIBLE" and not ctx.previous:
        ctx.hint(probe)
    return _Probe(probe, status)


def _spread(ctx: ModelContext, solver: cp_model.CpSolver, options: SolveOptions,
            start: float, total: int, after: float) -> cp_model.CpSolver | None:
    """The secondary aim (spread.py), in what is left of the time limit but the `after`
    seconds kept for the last touches, at most its share."""
    run = _second_run(options, start, after)
    return None if run is None else spread.spread(ctx, solver, total, run)


def _last_touches(ctx: ModelContext, solver: cp_model.CpSolver, options: SolveOptions,
                  start: float, total: int, lowest: int) -> cp_model.CpSolver | None:
    """Requested weeks first and whole blocks where splitting gains nothing
    (spread.last_touches), in what is left of the time limit, at most their share; not on
    a large model, which CP-SAT cannot load again in a share of the limit."""
    run = _second_run(options, start)
    return None if run is None else spread.last_touches(ctx, solver, total, lowest, run)


def _second_run(options: SolveOptions, start: float, after: float = 0.0) -> spread.Run | None:
    """How a search that keeps the total runs: until its share of the limit has passed, or
    `after` seconds before the limit; None when no time is left."""
    left = options.time_limit - (time.perf_counter() - start) - after
    share = min(left, max(spread.SPREAD_MIN_SECONDS, spread.SPREAD_SHARE * options.time_limit))
    return _fixed_run(options, time.perf_counter() + share) if share > LEAST_SEARCH else None


def _extract(ctx: ModelContext, solver: cp_model.CpSolver) -> dict[str, Assignment]:
    """The schedule in a solution: each resident's rotation per block, vacation weeks, and
    weeks on each weekly service."""
    p = ctx.program
    rotation_of: dict[tuple[int, int], Cell] = {
        (r, b): code for (r, b, code), var in ctx.x.items() if solver.boolean_value(var)}
    split: dict[tuple[int, int], list[str]] = {}   # (r, b) -> [first half's, second half's]
    for (r, b, k, code), var in ctx.half.items():
        if solver.boolean_value(var):
            split.setdefault((r, b), ["", ""])[k] = code
    for key, (first, second) in split.items():
        rotation_of[key] = (first, second)
    weeks: dict[int, list[int]] = {}
    for (r, w), var in ctx.vacation.items():
        if solver.boolean_value(var):
            weeks.setdefault(r, []).append(w)
    services: dict[int, dict[str, list[int]]] = {}
    for (r, w, code), var in ctx.serve.items():
        if solver.boolean_value(var):
            services.setdefault(r, {}).setdefault(code, []).append(w)
    return {
        resident.id: Assignment([rotation_of[r, b] for b in ctx.blocks],
                                sorted(weeks.get(r, [])),
                                {code: sorted(ws) for code, ws in services.get(r, {}).items()})
        for r, resident in enumerate(p.residents)
    }
