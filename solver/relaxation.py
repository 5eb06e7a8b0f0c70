"""A lower bound on the penalty from the model's linear relaxation.

On large programs CP-SAT's own proof is slow: the unmet requests come from counting
arguments (more residents want spring research than it takes, and others must go there for
their board minimums) that clause learning finds only core by core. The linear relaxation
of the same model sees them at once: on the generated programs of 500 residents (both
calendars) its optimum equals the best schedule's penalty.

`linear_program(model)` reads the CP-SAT model (every constraint family, as built, from the
file `exported(ctx)` writes) and writes its linear relaxation; `solve_relaxation` solves it
with OR-Tools' first-order LP solver (PDLP). The bound does not trust the solver's
tolerances: it is the Lagrangian value of the returned row prices, which is a lower bound
for *any* prices (weak duality over the variables' finite domains), rounded up because
penalties are whole numbers. Constraints the relaxation cannot express exactly (several
enforcement literals, or kinds other than clauses, cardinalities and linear constraints) are
left out, which only weakens the bound; so, at first, are the helper literals the model
marks loose (`ModelContext.loose`) with every constraint that reads them (`loose_rows`),
which cost the relaxation most of its time and seldom anything of its bound (where the bound
is then 0, a second answer brings them back: `main`).

The engine runs it beside every search (engine._search): once the best schedule's penalty
meets the bound, that schedule is proven optimal and the search stops. When the relaxation
itself has no solution, the row prices prove it (`proves_infeasible`), and the program is
infeasible at once: at 500 residents CP-SAT alone does not refute even a plain counting
conflict (64 residents need a block of a rotation that takes 60) within a minute.
"""

from __future__ import annotations

import math
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import RELAXATION_ONLY
from .objective import INT_LIMIT

if TYPE_CHECKING:  # the relaxation process imports no more than it needs
    import scipy.sparse

    from .context import ModelContext


@dataclass
class LinearProgram:
    """min cost·x + offset  s.t.  row_lower <= A x <= row_upper,  lower <= x <= upper."""

    cost: np.ndarray
    offset: float
    scale: float
    matrix: scipy.sparse.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


class _Rows:
    """Sparse rows in CSR form, built one constraint at a time."""

    def __init__(self) -> None:
        # Typed arrays: a million entries take 12 MB, not the 100 MB of Python lists.
        self.starts = array("q", [0])
        self.index = array("q")
        self.value = array("d")
        self.lower = array("d")
        self.upper = array("d")

    def add(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        self.index.extend([var for var, _ in terms])
        self.value.extend([coef for _, coef in terms])
        self.starts.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)

    def extend(self, variables: Iterable[int], coefficients: Iterable[float], lower: float,
               upper: float) -> None:
        """A row straight from a linear constraint's variables and coefficients."""
        self.index.extend(variables)
        self.value.extend(coefficients)
        self.starts.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)


def exported(ctx: ModelContext, directory: Path) -> Path:
    """Write the context's CP-SAT model to a file in `directory` (CP-SAT's own binary
    format), for `read_model`, in this process or another."""
    path = directory / "model.pb"
    ctx.model.export_to_file(str(path))
    return path


def read_model(path: Path) -> Any:
    """The CP-SAT model in a file `exported` wrote, as protobuf's own message, which Python
    reads several times faster than the model builder's (500 residents: 0.5 s against 2 s
    to walk every constraint)."""
    from ortools.sat import cp_model_pb2

    return cp_model_pb2.CpModelProto.FromString(path.read_bytes())


def linear_program_of(ctx: ModelContext) -> LinearProgram:
    """The linear relaxation of the context's model, without its loose rows, built in this
    process."""
    with tempfile.TemporaryDirectory(prefix="relaxation-") as directory:
        return linear_program(read_model(exported(ctx, Path(directory))), ctx.loose_rows)


def linear_program(proto: Any, loose_rows: Iterable[int] = ()) -> LinearProgram:
    """The linear relaxation of a CP-SAT model (`read_model`), objective included, without
    the constraints `loose_rows` names (by constraint index; `ModelContext.loose_rows`).
    Only the constraints kept are read: the others are 58-63 % of them (the sample, sites F2
    125, 500 residents). Clauses and cardinalities (most of the rows) are gathered as one
    list of literals and turned into rows in one go (`_Clauses`), linear constraints one by
    one; the order of the rows means nothing."""
    # scipy and PDLP are imported where they are used: the engine's process, which only
    # starts the relaxation's and reads its answers, never loads them (0.13 s of start-up)
    import scipy.sparse

    keep = np.ones(len(proto.constraints), dtype=bool)
    keep[np.fromiter(loose_rows, dtype=np.int64)] = False
    n = len(proto.variables)
    ends = np.array([(d[0], d[len(d) - 1]) for d in (v.domain for v in proto.variables)],
                    dtype=float).reshape(n, 2)
    lower, upper = ends[:, 0].copy(), ends[:, 1].copy()
    clauses = _Clauses()
    rows = _Rows()
    constraints = proto.constraints
    for i in np.flatnonzero(keep).tolist():
        constraint = constraints[i]
        kind = constraint.WhichOneof("constraint")
        enforcement = constraint.enforcement_literal
        if kind == "bool_or":
            clauses.add(constraint.bool_or.literals, enforcement)
        elif kind == "exactly_one" and not enforcement:
            clauses.add(constraint.exactly_one.literals, (), 1, 1)
        elif kind == "at_most_one" and not enforcement:
            clauses.add(constraint.at_most_one.literals, (), 0, 1)
        elif kind == "bool_and" and len(enforcement) <= 1:
            for lit in constraint.bool_and.literals:
                clauses.add((lit,), enforcement)
        elif kind == "linear" and len(enforcement) <= 1:
            _linear(rows, constraint.linear, list(enforcement), lower, upper)
    objective = proto.objective
    cost = np.zeros(n)
    np.add.at(cost, np.asarray(objective.vars, dtype=np.int64),
              np.asarray(objective.coeffs, dtype=float))
    clause_matrix, clause_lower, clause_upper = clauses.rows(n)
    linear_matrix = scipy.sparse.csr_matrix(
        (np.frombuffer(rows.value), np.frombuffer(rows.index, dtype=np.int64),
         np.frombuffer(rows.starts, dtype=np.int64)), shape=(len(rows.lower), n))
    return LinearProgram(cost, objective.offset, objective.scaling_factor or 1.0,
                         scipy.sparse.vstack([clause_matrix, linear_matrix], format="csr"),
                         np.concatenate([clause_lower, np.frombuffer(rows.lower)]),
                         np.concatenate([clause_upper, np.frombuffer(rows.upper)]),
                         lower, upper)


class _Clauses:
    """Rows of the form at_least <= (number of true literals) <= at_most, gathered as one
    list of literals (a literal -v-1 is "not v"); `rows` turns them into matrix rows at
    once, each negated literal as 1 - v."""

    def __init__(self) -> None:
        self.literals = array("q")
        self.starts = array("q", [0])
        self.at_least = array("d")
        self.at_most = array("d")

    def add(self, literals: Iterable[int], enforcement: Iterable[int], at_least: int = 1,
            at_most: float = math.inf) -> None:
        """One row; with enforcement literals (a clause only), their negations join it."""
        self.literals.extend(literals)
        self.literals.extend([-e - 1 for e in enforcement])
        self.starts.append(len(self.literals))
        self.at_least.append(at_least)
        self.at_most.append(at_most)

    def rows(self, n: int) -> tuple[scipy.sparse.csr_matrix, np.ndarray, np.ndarray]:
        """The rows as a matrix over `n` variables, with their lower and upper sides."""
        import scipy.sparse

        literals = np.frombuffer(self.literals, dtype=np.int64)
        starts = np.frombuffer(self.starts, dtype=np.int64)
        negated = literals < 0
        counted = np.concatenate([[0], np.cumsum(negated)])
        per_row = counted[starts[1:]] - counted[starts[:-1]]
        matrix = scipy.sparse.csr_matrix(
            (np.where(negated, -1.0, 1.0), np.where(negated, -literals - 1, literals), starts),
            shape=(len(self.at_least), n))
        return (matrix, np.frombuffer(self.at_least) - per_row,
                np.frombuffer(self.at_most) - per_row)


def _linear(rows: _Rows, linear: Any, enforcement: list[int], lower: np.ndarray,
            upper: np.ndarray) -> None:
    """lo <= sum(coef·var) <= hi, when one enforcement literal e holds: big-M on e."""
    domain = linear.domain
    lo = domain[0] if domain[0] > -INT_LIMIT else -math.inf
    hi = domain[len(domain) - 1] if domain[len(domain) - 1] < INT_LIMIT else math.inf
    if not enforcement:
        rows.extend(linear.vars, linear.coeffs, lo, hi)
        return
    terms = [(v, float(c)) for v, c in zip(linear.vars, linear.coeffs, strict=True)]
    least = sum(c * (lower[v] if c > 0 else upper[v]) for v, c in terms)
    most = sum(c * (upper[v] if c > 0 else lower[v]) for v, c in terms)
    lit = enforcement[0]
    var, positive = (lit, True) if lit >= 0 else (-lit - 1, False)
    # With e = var (or 1 - var): expr >= lo - (lo - least)(1 - e), expr <= hi + (most - hi)(1 - e)
    if lo > least:
        slack = lo - least
        if positive:
            rows.add(terms + [(var, -slack)], least, math.inf)
        else:
            rows.add(terms + [(var, slack)], lo, math.inf)
    if hi < most:
        slack = most - hi
        if positive:
            rows.add(terms + [(var, slack)], -math.inf, most)
        else:
            rows.add(terms + [(var, -slack)], -math.inf, hi)


def _leaning(lp: LinearProgram, prices: np.ndarray) -> np.ndarray:
    """The prices a Lagrangian may use: a positive price only on a row with a lower side, a
    negative one only on a row with an upper side (others count as 0)."""
    return np.where((prices > 0) & np.isfinite(lp.row_lower), prices, 0.0) + \
        np.where((prices < 0) & np.isfinite(lp.row_upper), prices, 0.0)


def _lagrangian(lp: LinearProgram, prices: np.ndarray, cost: np.ndarray) -> tuple[float, float]:
    """min over the variables' box of cost·x - prices·(A x - row side), and the size of its
    terms: a positive price may only lean on a row's lower side, a negative one on its upper
    side; each variable then sits at its cheaper domain end."""
    prices = _leaning(lp, prices)
    rows = np.where(prices > 0, prices * np.nan_to_num(lp.row_lower, neginf=0.0), 0.0) + \
        np.where(prices < 0, prices * np.nan_to_num(lp.row_upper, posinf=0.0), 0.0)
    reduced = cost - lp.matrix.T @ prices
    columns = np.minimum(reduced * lp.lower, reduced * lp.upper)
    return rows.sum() + columns.sum(), np.abs(rows).sum() + np.abs(columns).sum()


def lagrangian_bound(lp: LinearProgram, prices: np.ndarray) -> float:
    """A lower bound on the objective over every integer (indeed every fractional) solution,
    valid for any row prices (weak duality)."""
    value, _ = _lagrangian(lp, prices, lp.cost)
    return lp.scale * (value + lp.offset)


def proves_infeasible(lp: LinearProgram, prices: np.ndarray) -> bool:
    """Whether the prices prove that no assignment meets every row (a Farkas certificate):
    with no cost, the Lagrangian value of any prices is at most 0 when some assignment meets
    every row, so a clearly positive value means none does. The margin, relative to the
    terms' size, keeps rounding error from proving anything."""
    value, size = _lagrangian(lp, prices, np.zeros_like(lp.cost))
    return value > 1e-7 * max(size, 1.0)


def leaned_on(lp: LinearProgram, prices: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Of the variables `fixed` at 1 (indices), those an infeasibility certificate
    (`proves_infeasible`) leans on: each adds a positive term to its Lagrangian value. Fixed
    at 0 instead, the others only raise that value and shrink its terms, so the same prices
    prove that no assignment exists with every one of them at 0 (explain.py: switches)."""
    reduced: np.ndarray = -(lp.matrix.T @ _leaning(lp, prices))
    return np.asarray(fixed[reduced[fixed] > 0])


UNUSED_BELOW = 0.01  # a 0/1 variable the relaxation's optimum sets below this is "unused"


@dataclass(frozen=True)
class Relaxation:
    """What the relaxation proved: a lower bound on the penalty (rounded up, and its exact
    Lagrangian value), or that no schedule meets the hard rules at all; and which 0/1
    variables its optimum leaves (almost) at 0, by model index, which guide the search for
    a schedule that meets the bound (guided.py)."""

    bound: int
    value: float
    infeasible: bool = False
    unused: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def guides(self) -> bool:
        """Whether its optimum points anywhere (guided.py): not when it proves that no
        schedule exists, nor when it leaves nothing unused. A bound of 0 guides too: its
        optimum is then a fractional point without penalty, and penalty-free schedules lay
        near it on every *boards* program timed (found in about half the time) and on most
        *tight* ones (*tight*, 4-week blocks, seed 0: 7.1 -> 2.5 s; docs/benchmarks.md,
        thirteenth session)."""
        return not self.infeasible and self.unused.size > 0


# PDLP stops on a sign of infeasibility this loose first; where its row prices then prove
# nothing, it looks again ten times closer each time, down to the tightest.
LOOSE_INFEASIBILITY = 1e-3
TIGHTEST_INFEASIBILITY = 1e-7


def solve_relaxation(lp: LinearProgram, time_limit: float, threads: int = 1,
                     tolerance: float = 1e-4) -> Relaxation:
    """Solve the linear relaxation with PDLP. When the relaxation has no solution, PDLP's
    row prices grow along a certificate of it, which `proves_infeasible` checks; PDLP is
    asked to stop on a loose sign of infeasibility (500 residents: 9 s instead of never
    within a minute), since the proof does not rest on its tolerance; where that sign was
    too loose for its prices to prove anything, it looks closer (`pdlp_answer`)."""
    point, prices, infeasible = pdlp_answer(lp, time.perf_counter() + time_limit, threads,
                                             tolerance)
    value = lagrangian_bound(lp, prices)
    # A value a hair above a whole number (71.0000001) may be rounding error: keep 71.
    bound = max(math.ceil(value - 1e-6 * max(1.0, abs(value))), 0)
    if infeasible:
        return Relaxation(bound, value, True)
    unused = np.flatnonzero((lp.lower == 0) & (lp.upper == 1) & (point < UNUSED_BELOW))
    return Relaxation(bound, value, False, unused)


def refutation(lp: LinearProgram, time_limit: float, threads: int = 1) -> np.ndarray | None:
    """Row prices proving that the linear program has no solution (`proves_infeasible`),
    or None where PDLP found none in time (it may have a solution)."""
    _, prices, infeasible = pdlp_answer(lp, time.perf_counter() + time_limit, threads)
    return prices if infeasible else None


def pdlp_answer(lp: LinearProgram, deadline: float, threads: int = 1,
                 tolerance: float = 1e-4) -> tuple[np.ndarray, np.ndarray, bool]:
    """PDLP's point and row prices, and whether the prices prove that there is no
    solution. When PDLP stopped on a sign of infeasibility that its prices do not prove
    (a capacity shortfall at 180 residents: the Lagrangian value -0.69 with the loosest
    sign, +5.7 ten times closer), it looks again, ten times closer each time, while time
    is left."""
    closeness = LOOSE_INFEASIBILITY
    while True:
        point, prices, sign = _pdlp(lp, deadline - time.perf_counter(), threads, tolerance,
                                    closeness)
        if proves_infeasible(lp, prices):
            return point, prices, True
        closeness /= 10
        if not sign or closeness < TIGHTEST_INFEASIBILITY \
                or time.perf_counter() > deadline - 0.1:
            return point, prices, False


def _pdlp(lp: LinearProgram, time_limit: float, threads: int = 1, tolerance: float = 1e-4,
          infeasibility: float = LOOSE_INFEASIBILITY) -> tuple[np.ndarray, np.ndarray, bool]:
    """PDLP's answer to the linear program: a point (one value per variable), the row
    prices, and whether it stopped on a sign (this loose) that no solution exists.

    Variables in no row and without cost (the loose helpers once their rows are left out:
    half the columns at 500 residents) are not handed to PDLP: any value in their domain is
    as good, and without them PDLP took a third less time (sites F2 125: 2.9 -> 2.0 s, 500
    residents: 11.7 -> 8.1 s, the same bound; docs/benchmarks.md, twelfth session). They
    come back at NaN, which no test of the point takes as "unused"."""
    from ortools.pdlp import solve_log_pb2, solvers_pb2
    from ortools.pdlp.python import pdlp

    matrix = lp.matrix.tocsc()
    columns = np.flatnonzero((np.diff(matrix.indptr) > 0) | (lp.cost != 0))
    qp = pdlp.QuadraticProgram()
    qp.resize_and_initialize(columns.size, matrix.shape[0])
    qp.objective_vector = lp.cost[columns]
    qp.objective_offset = lp.offset
    qp.constraint_matrix = matrix[:, columns]
    qp.constraint_lower_bounds = lp.row_lower
    qp.constraint_upper_bounds = lp.row_upper
    qp.variable_lower_bounds = lp.lower[columns]
    qp.variable_upper_bounds = lp.upper[columns]
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.num_threads = threads
    criteria = params.termination_criteria.simple_optimality_criteria
    criteria.eps_optimal_absolute = tolerance
    criteria.eps_optimal_relative = tolerance
    params.termination_criteria.eps_primal_infeasible = infeasibility
    params.termination_criteria.time_sec_limit = max(time_limit, 0.1)
    result = pdlp.primal_dual_hybrid_gradient(qp, params)
    point = np.full(lp.cost.size, np.nan)
    point[columns] = result.primal_solution
    sign = result.solve_log.termination_reason == \
        solve_log_pb2.TERMINATION_REASON_PRIMAL_INFEASIBLE
    return point, np.asarray(result.dual_solution), sign


def main() -> None:
    """The separate process: read (model file, seconds left, the model's loose rows as
    bytes, PDLP's threads) from standard input; build the linear program without the loose
    rows, solve it and write its answer (bound, value, infeasible, unused) to standard
    output, pickled.

    Then, where that answer neither proves that no schedule exists nor has a bound above 0,
    solve the whole relaxation, loose rows included, and write its answer too where its
    bound is higher. Where the loose rows counted on the families, the first answer's bound
    was 0 and theirs was all the bound there was (*tight*, 4-week blocks, 125 residents,
    seed 1: 0 without them, 1 with them, and the optimum 1 took the core search 33 s to
    prove instead of 2.4 s; without the second answer 52 s). Where the first bound is above
    0, they never raised it, and solving them beside the guided search cost it time and the
    machine memory (docs/benchmarks.md, eleventh session).

    On Linux the process dies with the thread that started it, so a solve killed outright
    leaves no relaxation running."""
    if sys.platform == "linux":
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    path, time_limit, loose_rows, threads = pickle.load(sys.stdin.buffer)
    deadline = time.perf_counter() + time_limit
    first_lp = linear_program(read_model(Path(path)), array("q", loose_rows))
    _give_back_memory()
    first = solve_relaxation(first_lp, deadline - time.perf_counter(), threads)
    _answer(first)
    if not loose_rows or first.infeasible or first.bound > 0:
        return
    del first_lp
    whole = solve_relaxation(linear_program(read_model(Path(path))),
                             deadline - time.perf_counter(), threads)
    if whole.infeasible or whole.bound > first.bound:
        _answer(whole)


def _give_back_memory() -> None:
    """Return the memory freed so far to the system (glibc's malloc_trim; elsewhere
    nothing). The model read from the file is gone once the linear program is built, but
    its many small blocks stayed in the process, and PDLP's large arrays do not reuse them:
    at 500 residents (format 2) the process held 470 MB while PDLP ran, 300 MB with them
    given back, while the search's own process is at its largest (docs/benchmarks.md,
    fourteenth session). The model is read again for the second answer."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def _answer(result: Relaxation) -> None:
    """Write one answer to standard output. A plain tuple: this module runs as __main__
    here, so its classes would not unpickle."""
    pickle.dump((result.bound, result.value, result.infeasible, result.unused),
                sys.stdout.buffer)
    sys.stdout.buffer.flush()


class RelaxationBound:
    """The relaxation's answer (a bound, or a proof that no schedule exists), computed in a
    separate process while CP-SAT searches.

    PDLP holds Python's interpreter lock while it runs, and building the linear program is a
    few seconds of Python on 500 residents, either of which would stall CP-SAT's callbacks;
    so both happen in a process of its own (`python -m solver.relaxation`), which reads the
    model from the file `exported` writes. `spawn` starts the process before the model is
    built, so that its imports (0.25 s) overlap the building; `start(ctx)` writes the model
    (0.02 s for the sample, 0.2 s at 500 residents) and hands it over, so the engine may
    change the model's hints as soon as it returns; `start(ctx, threads)` gives PDLP more
    than one thread where no search runs beside it (a large model, engine.solve), and
    `answered` waits for the first answer. `on_result(relaxation)` is called from a
    thread of its own with each answer: the relaxation without the loose rows, then, where
    its bound is higher, the whole relaxation (`main`).
    """

    def __init__(self, time_limit: float, on_result: Callable[[Relaxation], None]):
        self.deadline = time.perf_counter() + time_limit
        self.on_result = on_result
        self.result: Relaxation | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._answered = threading.Event()   # the first answer came, or none will

    def spawn(self) -> RelaxationBound:
        """Start the relaxation's process, which imports what it needs and then waits for
        the model. Where no process can be started, there is no bound."""
        root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, RELAXATION_ONLY: "1", "PYTHONPATH": os.pathsep.join(
            filter(None, [root, os.environ.get("PYTHONPATH")]))}
        with self._lock:
            if self._stopped.is_set() or self._process is not None:
                return self
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "solver.relaxation"], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            except OSError:
                self._stopped.set()
        return self

    def start(self, ctx: ModelContext, threads: int = 1) -> RelaxationBound:
        """Write the model to a file and solve its relaxation in the background (in the
        process `spawn` started, or a new one). Where no file can be written, there is no
        bound: the search goes on alone."""
        self.spawn()
        try:
            directory = tempfile.mkdtemp(prefix="relaxation-")
        except OSError:
            self.stop()
            return self
        try:
            path = exported(ctx, Path(directory))
        except OSError:
            shutil.rmtree(directory, ignore_errors=True)
            self.stop()
            return self
        loose_rows = array("q", ctx.loose_rows).tobytes()
        self._thread = threading.Thread(target=self._run, args=(path, loose_rows, threads),
                                        daemon=True)
        self._thread.start()
        return self

    def _run(self, path: Path, loose_rows: bytes, threads: int) -> None:
        try:
            self._read_answers(path, loose_rows, threads)
        finally:
            self._answered.set()
            shutil.rmtree(path.parent, ignore_errors=True)

    def _read_answers(self, path: Path, loose_rows: bytes, threads: int) -> None:
        """Hand the process the model in `path` (with its loose rows' indices) and pass
        on each answer it writes (`main`: one or two), until it ends or is stopped; a
        process that fails or writes something unreadable gives no further answer."""
        with self._lock:
            process = self._process
        if process is None or process.stdin is None or process.stdout is None \
                or self._stopped.is_set():
            return
        try:
            process.stdin.write(
                pickle.dumps((str(path), self.deadline - time.perf_counter(), loose_rows,
                              threads)))
            process.stdin.close()
            while True:
                answer = Relaxation(*pickle.load(process.stdout))
                if self._stopped.is_set():
                    return
                self.result = answer
                self.on_result(answer)
                self._answered.set()
        except (EOFError, OSError, ValueError, TypeError, pickle.UnpicklingError):
            return

    def answered(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds for the first answer; whether it came (or none
        will: the process ended, failed or was stopped)."""
        return self._answered.wait(timeout)

    def wait(self, timeout: float) -> Relaxation | None:
        """The relaxation's last answer, waiting at most `timeout` seconds for them all."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result

    def stop(self) -> None:
        """Stop the relaxation (the search is over) and wait for its thread and process."""
        self._stopped.set()
        self._answered.set()   # no answer will come: nobody waits for one
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        if self._thread is not None:
            self._thread.join()
        if process is not None:   # reaped here too: the thread may have left it unread
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
            process.wait()


if __name__ == "__main__":
    main()
