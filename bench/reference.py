"""A plain reference model of the program-file contract, for the benchmark.

The engine (`solver/`) is a tuned CP-SAT model: segments instead of days, its own symmetry
breaking, a probe, hints, a hand-picked portfolio of workers, a linear relaxation beside it.
This module states the same contract (docs/program-format.md, format 2) the textbook
way, so that the benchmark can say, in the same run, how much the tuning buys:

- one Boolean per (resident, block, rotation), and per half block when blocks may be split;
  one per (resident, week) for vacation and per (resident, week, service) for weekly
  services;
- every rule posted directly as the format states it: sums, implications, and the rules about
  presence and vacation checked on each working day of the year, one day at a time;
- each soft rule's penalty an integer variable (or a Boolean) bounded from below by what the
  format charges, and the objective their weighted sum: exact at the optimum, the textbook
  way; a schedule found before the limit may be reported above its true total, which the
  independent checker gives (bench/run.py reports the checker's);
- CP-SAT with its default parameters: only `max_time_in_seconds` and `num_workers` are set.

It is deliberately plain: no symmetry breaking, no hints, no search strategy, no parameter
tuning, no merging of days into segments. It imports nothing from `solver/`, so that when the
two agree on a proven optimum, that is evidence for both.

Left out: re-solving with a previous schedule (`change_weight`, `--freeze-through`): the
reference solves a program from scratch. The secondary aim (spreading unrequested vacation)
is not part of the penalty and is ignored. `unmet_requests` is not filled in the schedule.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from scheduler import Assignment, Program, Schedule
from scheduler.program import requirement_bounds
from scheduler.schedule import Cell, block_dicts, week_dicts
from scheduler.schema import (
    AssignRequest,
    AvoidRequest,
    CoverageRule,
    MaxConsecutiveRule,
    MinConsecutiveRule,
    PrerequisiteRule,
    Resident,
    VacationRequest,
)

WORKING_DAYS_PER_WEEK = 5  # the per-block vacation cap is 5 x weeks, in working days
SOLVED = ("OPTIMAL", "FEASIBLE")

Expr = Any  # a CP-SAT linear expression (a variable, a sum, or an int)


@dataclass
class PlainResult:
    """What a plain solve found: CP-SAT's status, the best total penalty and the proven lower
    bound (None without a schedule), wall time of the whole call (model building included),
    time to the first schedule, and that schedule."""

    status: str
    objective: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    first_seconds: float | None = None
    schedule: Schedule | None = None


@dataclass(frozen=True)
class _Day:
    """One working day: the block holding it, its half (always 0 when blocks are not split),
    and its week (None for a day before week 1 or after the last week)."""

    day: date
    block: int
    half: int
    week: int | None


@dataclass
class _PlainModel:
    """The CP-SAT model of one program, built rule family by rule family."""

    p: Program
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # (resident, block, half, rotation code) -> on that rotation in that half
    cell: dict[tuple[int, int, int, str], cp_model.IntVar] = field(default_factory=dict)
    # (resident, block, rotation code) -> on that rotation in either half (split blocks only)
    whole: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    vac: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    serve: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    penalties: list[tuple[int, Expr]] = field(default_factory=list)
    _memo: dict[tuple[Any, ...], cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cal = self.p.calendar
        self.split = self.p.info.split_blocks
        self.halves = (0, 1) if self.split else (0,)
        self.residents = list(enumerate(self.p.residents))
        self.blocks = list(range(1, self.p.num_blocks + 1))
        self.weeks = list(range(1, cal.num_weeks + 1))
        self.codes = [rotation.code for rotation in self.p.rotations]
        self.days = [
            _Day(d, cal.block_of_day(d) or 1, cal.half_of_day(d) if self.split else 0,
                 cal.week_of(d))
            for d in cal.days if cal.is_working_day(d)]

    # -- variables and the facts read from them ------------------------------------------

    def make_variables(self) -> None:
        """A Boolean per (resident, block[, half], rotation), per (resident, week) for
        vacation and per (resident, week, service) for weekly services."""
        for r, _ in self.residents:
            for b in self.blocks:
                for k in self.halves:
                    for code in self.codes:
                        self.cell[r, b, k, code] = self.model.new_bool_var(f"x{r}_{b}_{k}_{code}")
                if self.split:
                    for code in self.codes:
                        self.whole[r, b, code] = self.model.new_bool_var(f"on{r}_{b}_{code}")
            for w in self.weeks:
                self.vac[r, w] = self.model.new_bool_var(f"vac{r}_{w}")
                for service in self.p.services:
                    self.serve[r, w, service.code] = self.model.new_bool_var(
                        f"nf{r}_{w}_{service.code}")

    def on_half(self, r: int, b: int, k: int, codes: Iterable[str]) -> Expr:
        """1 when resident r is on one of `codes` in half k of block b (the whole block when
        blocks are not split)."""
        k = k if self.split else 0
        return sum(self.cell[r, b, k, code] for code in codes)

    def on_block(self, r: int, b: int, codes: Sequence[str]) -> Expr:
        """1 when resident r is on one of `codes` in block b, in either half."""
        if not self.split:
            return self.on_half(r, b, 0, codes)
        if len(codes) == 1:
            return self.whole[r, b, codes[0]]
        key = ("block", r, b, tuple(codes))
        if key not in self._memo:
            either = self.model.new_bool_var(f"on{r}_{b}_{'+'.join(codes)}")
            for code in codes:
                self.model.add(either >= self.whole[r, b, code])
            self.model.add(either <= sum(self.whole[r, b, code] for code in codes))
            self._memo[key] = either
        return self._memo[key]

    def away(self, r: int, w: int) -> Expr:
        """1 when resident r is on vacation or on a weekly service in week w."""
        return self.vac[r, w] + sum(self.serve[r, w, s.code] for s in self.p.services)

    def flags(self, r: int, target: str) -> list[Expr]:
        """Per block, whether resident r is on the target (in either half); per week for a
        service. Runs and prerequisites read these."""
        if self.p.is_service(target):
            return [self.serve[r, w, str(target)] for w in self.weeks]
        codes = self.p.resolve(target)
        return [self.on_block(r, b, codes) for b in self.blocks]

    def charge(self, weight: int | None, penalty: Expr) -> None:
        """Add `weight` x `penalty` to the total (nothing for a zero weight)."""
        if weight:
            self.penalties.append((weight, penalty))

    def bound_residents(self, entry: object) -> list[tuple[int, Resident]]:
        """Residents (with their index) whose level and track the entry's filters admit."""
        return [(r, resident) for r, resident in self.residents if self.p.binds(entry, resident)]

    # -- rotations ------------------------------------------------------------------------

    def one_rotation_per_block(self) -> None:
        """Every resident has exactly one rotation in every block (in each half when blocks
        may be split); a rotation not marked `split` fills a whole block (the same in both
        halves); and a rotation takes only the levels and tracks it admits."""
        for r, resident in self.residents:
            for b in self.blocks:
                for k in self.halves:
                    self.model.add_exactly_one(self.cell[r, b, k, code] for code in self.codes)
                for rotation in self.p.rotations:
                    code = rotation.code
                    if not self.p.eligible(resident, rotation):
                        for k in self.halves:
                            self.model.add(self.cell[r, b, k, code] == 0)
                    if not self.split:
                        continue
                    if code not in self.p.split_codes:
                        self.model.add(self.cell[r, b, 0, code] == self.cell[r, b, 1, code])
                    # on the rotation in the block: in either half
                    either = self.whole[r, b, code]
                    self.model.add_max_equality(
                        either, [self.cell[r, b, 0, code], self.cell[r, b, 1, code]])

    def rotation_bounds(self) -> None:
        """A rotation's `min` and `max`: residents on it in each block (in each half)."""
        for rotation in self.p.rotations:
            for b in self.blocks:
                for k in self.halves:
                    count = sum(self.on_half(r, b, k, [rotation.code]) for r, _ in self.residents)
                    self.model.add(count >= rotation.min)
                    if rotation.max is not None:
                        self.model.add(count <= rotation.max)

    def presence(self) -> None:
        """`min_present`: on every working day, at least that many residents are on the
        rotation and neither on vacation nor on a weekly service."""
        for rotation in self.p.rotations:
            if not rotation.min_present:
                continue
            for day in self.days:
                present = [self.present(r, day, rotation.code) for r, _ in self.residents]
                self.model.add(sum(present) >= rotation.min_present)

    def present(self, r: int, day: _Day, code: str) -> Expr:
        """1 only if resident r is on `code` that day and not away (vacation or service)."""
        if day.week is None:  # no vacation or service outside the weeks
            return self.on_half(r, day.block, day.half, [code])
        key = ("present", r, day.block, day.half, day.week, code)
        if key not in self._memo:
            here = self.model.new_bool_var(f"present{r}_{day.day}_{code}")
            self.model.add(here <= self.on_half(r, day.block, day.half, [code]))
            self.model.add(here <= 1 - self.away(r, day.week))
            self._memo[key] = here
        return self._memo[key]

    # -- vacation -------------------------------------------------------------------------

    def vacation_allowance(self) -> None:
        """Each resident gets exactly their `vacation_weeks` weeks."""
        for r, resident in self.residents:
            weeks = sum(self.vac[r, w] for w in self.weeks)
            self.model.add(weeks == self.p.vacation_weeks_of(resident))

    def vacation_cap(self) -> None:
        """In each block, a resident's vacation working days are at most 5 x their
        `max_vacation_weeks_per_block`."""
        for r, resident in self.residents:
            cap = WORKING_DAYS_PER_WEEK * self.p.max_vacation_weeks_per_block_of(resident)
            for b in self.blocks:
                days_off = [self.vac[r, d.week] for d in self.days
                            if d.block == b and d.week is not None]
                if days_off:
                    self.model.add(sum(days_off) <= cap)

    def vacation_closed(self) -> None:
        """No vacation day falls on a day the resident spends on a rotation with
        `vacation = false`."""
        closed = [rotation.code for rotation in self.p.rotations if not rotation.vacation]
        for day in self.days:
            if day.week is None:
                continue
            for r, _ in self.residents:
                for code in closed:
                    self.model.add(self.vac[r, day.week]
                                   + self.on_half(r, day.block, day.half, [code]) <= 1)

    def blackouts(self) -> None:
        """No vacation day inside a blackout for the residents it binds; soft: weight x the
        vacation weeks touching it (a week with a working day inside)."""
        for blackout in self.p.blackouts:
            for r, _ in self.bound_residents(blackout):
                touching = sorted({d.week for d in self.days if d.week is not None
                                   and blackout.first <= d.day <= blackout.last})
                for w in touching:
                    if blackout.hard:
                        self.model.add(self.vac[r, w] == 0)
                    else:
                        self.charge(blackout.weight, self.vac[r, w])

    def away_limits(self) -> None:
        """On each working day, at most `max` of the residents it binds are on vacation
        (counting only those whose rotation that day is on the target, when it names one);
        soft: weight x the week's worst excess, per week."""
        for limit in self.p.away_limits:
            codes = self.p.resolve(limit.target) if limit.target is not None else None
            bound = self.bound_residents(limit)
            excess: dict[int, cp_model.IntVar] = {}
            for day in self.days:
                if day.week is None:
                    continue
                away = sum(self.away_on(r, day, codes) for r, _ in bound)
                if limit.hard:
                    self.model.add(away <= limit.max)
                    continue
                if day.week not in excess:
                    excess[day.week] = self.model.new_int_var(0, len(bound), "excess")
                    self.charge(limit.weight, excess[day.week])
                self.model.add(excess[day.week] >= away - limit.max)

    def away_on(self, r: int, day: _Day, codes: Sequence[str] | None) -> Expr:
        """1 when resident r is on vacation that day (on one of `codes`, when given)."""
        assert day.week is not None
        if codes is None:
            return self.vac[r, day.week]
        key = ("away", r, day.block, day.half, day.week, tuple(codes))
        if key not in self._memo:
            both = self.model.new_bool_var(f"away{r}_{day.day}")
            self.model.add(both >= self.vac[r, day.week]
                           + self.on_half(r, day.block, day.half, codes) - 1)
            self._memo[key] = both
        return self._memo[key]

    # -- weekly services ------------------------------------------------------------------

    def services(self) -> None:
        """A resident serves at most one service a week and never in a vacation week; only
        a service's levels and tracks serve on it, only in the weeks it runs; each week it
        runs (a week of holidays only too), between its `min` and `max` residents serve."""
        for r, resident in self.residents:
            for w in self.weeks:
                self.model.add(self.away(r, w) <= 1)
                for service in self.p.services:
                    runs = w in self.p.service_weeks(service)
                    if not runs or not self.p.binds(service, resident):
                        self.model.add(self.serve[r, w, service.code] == 0)
        for service in self.p.services:
            for w in self.p.service_weeks(service):   # a week of holidays only too
                count = sum(self.serve[r, w, service.code] for r, _ in self.residents)
                self.model.add(count >= service.min)
                if service.max is not None:
                    self.model.add(count <= service.max)

    def not_from(self) -> None:
        """A service does not take a resident from the rotations its `not_from` names: on
        no working day of a week on the service is the resident's rotation one of them."""
        for service in self.p.services:
            codes = sorted({code for name in service.not_from for code in self.p.resolve(name)})
            for day in self.days:
                if day.week is None:
                    continue
                for r, _ in self.residents:
                    for code in codes:
                        self.model.add(self.serve[r, day.week, service.code]
                                       + self.on_half(r, day.block, day.half, [code]) <= 1)

    # -- requirements ---------------------------------------------------------------------

    def requirements(self) -> None:
        """Blocks (weeks, for a service) a resident spends on the target, within `min` and
        `max`; a half block counts 0.5; `residency` scope adds history. Soft: weight x whole
        blocks short or over, a remaining half rounded up."""
        for requirement in self.p.requirements:
            low, high = requirement_bounds(requirement)
            target = requirement.target
            for r, resident in self.bound_residents(requirement):
                if self.p.is_service(target):
                    halves = 2 * sum(self.serve[r, w, str(target)] for w in self.weeks)
                    most = len(self.weeks)
                else:
                    codes = self.p.resolve(target)
                    halves = sum(self.on_half(r, b, k, codes) for b in self.blocks
                                 for k in (0, 1))
                    most = len(self.blocks)
                if requirement.scope == "residency":
                    history = self.p.history_count(resident, target)
                    halves = halves + 2 * history
                    most += history
                if requirement.hard:
                    self.model.add(halves >= 2 * low)
                    if high is not None:
                        self.model.add(halves <= 2 * high)
                    continue
                if not requirement.weight:
                    continue
                short = self.model.new_int_var(0, low, "short")
                self.model.add(2 * short >= 2 * low - halves)
                self.charge(requirement.weight, short)
                if high is not None:
                    over = self.model.new_int_var(0, most, "over")
                    self.model.add(2 * over >= halves - 2 * high)
                    self.charge(requirement.weight, over)

    # -- rules ----------------------------------------------------------------------------

    def rules(self) -> None:
        """Each rule by its kind."""
        for rule in self.p.rules:
            if not rule.hard and not rule.weight:
                continue
            if isinstance(rule, CoverageRule):
                self.coverage(rule)
            elif isinstance(rule, MaxConsecutiveRule):
                self.max_consecutive(rule)
            elif isinstance(rule, MinConsecutiveRule):
                self.min_consecutive(rule)
            elif isinstance(rule, PrerequisiteRule):
                self.prerequisite(rule)
            else:  # pragma: no cover - a new rule kind must be added here
                raise NotImplementedError(f"rule kind {rule.kind}")

    def coverage(self, rule: CoverageRule) -> None:
        """The residents it binds on the target in each listed block (each half) are within
        `min` and `max`; soft: weight x residents short or over, a split block charged for
        its worse half."""
        codes = self.p.resolve(rule.target)
        bound = self.bound_residents(rule)
        low = rule.min or 0
        for b in self.p.rule_blocks(rule):
            miss = None
            if not rule.hard:
                miss = self.model.new_int_var(0, len(bound) + low, "miss")
                self.charge(rule.weight, miss)
            for k in self.halves:
                count = sum(self.on_half(r, b, k, codes) for r, _ in bound)
                if miss is None:
                    self.model.add(count >= low)
                    if rule.max is not None:
                        self.model.add(count <= rule.max)
                    continue
                self.model.add(miss >= low - count)
                if rule.max is not None:
                    self.model.add(miss >= count - rule.max)

    def max_consecutive(self, rule: MaxConsecutiveRule) -> None:
        """No run on the target longer than N blocks (weeks, for a service): every N + 1
        consecutive ones hold at most N on it. Soft: weight x (run length - N) per run,
        which is the number of windows of N + 1 wholly on the target."""
        n = rule.blocks
        for r, _ in self.bound_residents(rule):
            on = self.flags(r, rule.target)
            for start in range(len(on) - n):
                window = sum(on[start:start + n + 1])
                if rule.hard:
                    self.model.add(window <= n)
                else:
                    full = self.model.new_bool_var("full")
                    self.model.add(full >= window - n)
                    self.charge(rule.weight, full)

    def min_consecutive(self, rule: MinConsecutiveRule) -> None:
        """Every run on the target lasts N blocks (weeks) or more, except a run touching the
        first or the last one. Each possible short run (off, L on, off, for L < N, away from
        both ends) is forbidden; soft: weight x (N - L) when it occurs."""
        n = rule.blocks
        for r, _ in self.bound_residents(rule):
            on = self.flags(r, rule.target)
            last = len(on) - 1
            for start in range(1, last):
                for length in range(1, n):
                    end = start + length - 1
                    if end >= last:
                        break
                    pattern = (1 - on[start - 1]) + sum(on[start:end + 1]) + (1 - on[end + 1])
                    if rule.hard:
                        self.model.add(pattern <= length + 1)
                    else:
                        short = self.model.new_bool_var("short_run")
                        self.model.add(short >= pattern - (length + 1))
                        self.charge((rule.weight or 0) * (n - length), short)

    def prerequisite(self, rule: PrerequisiteRule) -> None:
        """A block on the target only after a block on `requires` earlier this year (the
        first half of the same block does not count), unless the resident's history has
        `requires`. Soft: weight x target blocks without it."""
        for r, resident in self.bound_residents(rule):
            if self.p.history_count(resident, rule.requires) > 0:
                continue
            on = self.flags(r, rule.target)
            done = self.flags(r, rule.requires)
            for b, here in enumerate(on):
                earlier = sum(done[:b])
                if rule.hard:
                    self.model.add(here <= earlier)
                else:
                    missing = self.model.new_bool_var("missing")
                    self.model.add(missing >= here - earlier)
                    self.charge(rule.weight, missing)

    # -- requests -------------------------------------------------------------------------

    def requests(self) -> None:
        """A vacation request: every named week is a vacation week. An assign request: on the
        target in every listed block (both halves) or named week; an avoid request: in none
        (neither half). Hard requests must hold; a soft one costs its weight when not
        granted."""
        for request in self.p.requests:
            if not request.hard and not request.weight:
                continue
            r = next(i for i, res in self.residents if res.id == request.resident)
            must_be_on, must_be_off = self.request_terms(r, request)
            if request.hard:
                for term in must_be_on:
                    self.model.add(term == 1)
                for term in must_be_off:
                    self.model.add(term == 0)
                continue
            unmet = self.model.new_bool_var("unmet")
            for term in must_be_on:
                self.model.add(unmet >= 1 - term)
            for term in must_be_off:
                self.model.add(unmet >= term)
            self.charge(request.weight, unmet)

    def request_terms(self, r: int, request: Any) -> tuple[list[Expr], list[Expr]]:
        """What granting the request takes: facts that must hold, facts that must not."""
        if isinstance(request, VacationRequest):
            return [self.vac[r, w] for w in self.p.request_weeks(request)], []
        if self.p.is_service(request.target):
            facts = [self.serve[r, w, str(request.target)]
                     for w in self.p.request_weeks(request)]
        else:
            codes = self.p.resolve(request.target)
            facts = [self.on_half(r, b, k, codes)
                     for b in self.p.request_blocks(request) for k in self.halves]
        if isinstance(request, AssignRequest):
            return facts, []
        assert isinstance(request, AvoidRequest)
        return [], facts

    # -- the whole model ------------------------------------------------------------------

    def build(self) -> None:
        """Every rule family, and the objective: the total penalty."""
        self.make_variables()
        self.one_rotation_per_block()
        self.rotation_bounds()
        self.presence()
        self.vacation_allowance()
        self.vacation_cap()
        self.vacation_closed()
        self.blackouts()
        self.away_limits()
        self.services()
        self.not_from()
        self.requirements()
        self.rules()
        self.requests()
        if self.penalties:
            self.model.minimize(sum(weight * term for weight, term in self.penalties))

    def extract(self, solver: cp_model.CpSolver) -> dict[str, Assignment]:
        """Each resident's rotation per block (a pair for a split block, first half first),
        vacation weeks and weeks on each service."""
        found: dict[str, Assignment] = {}
        for r, resident in self.residents:
            cells: list[Cell] = []
            for b in self.blocks:
                pair = [next(code for code in self.codes
                             if solver.boolean_value(self.cell[r, b, k, code]))
                        for k in self.halves]
                cells.append(pair[0] if len(set(pair)) == 1 else (pair[0], pair[1]))
            weeks = [w for w in self.weeks if solver.boolean_value(self.vac[r, w])]
            services = {s.code: [w for w in self.weeks
                                 if solver.boolean_value(self.serve[r, w, s.code])]
                        for s in self.p.services}
            found[resident.id] = Assignment(cells, weeks,
                                            {code: ws for code, ws in services.items() if ws})
        return found


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes when the first schedule was found."""

    def __init__(self, start: float):
        super().__init__()
        self.start = start
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.start


def above_final_level(program: Program) -> list[str]:
    """Residents above their track's final level: such a program is INVALID (nothing is
    solved). `scheduler.load_program` already refuses it; checked again here."""
    levels = program.info.levels
    return [resident.id for resident in program.residents
            if levels.index(resident.level) > levels.index(
                program.final_level_of(resident.track))]


def solve_plain(program: Program, time_limit: float, workers: int = 0) -> PlainResult:
    """Solve a validated program with the plain model and CP-SAT's default search.

    `time_limit` covers the whole call (what model building leaves is the solver's limit);
    `workers` 0 lets CP-SAT choose. A previous schedule is not supported (see the module
    docstring)."""
    start = time.perf_counter()
    if above_final_level(program):
        return PlainResult("INVALID", seconds=time.perf_counter() - start)
    plain = _PlainModel(program)
    plain.build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - start),
                                                0.01)
    if workers:
        solver.parameters.num_workers = workers
    watcher = _FirstSolution(start)
    status = solver.status_name(solver.solve(plain.model, watcher))
    result = PlainResult(status, first_seconds=watcher.first)
    if status in SOLVED:
        if plain.penalties:
            result.objective = round(solver.objective_value)
            result.bound = math.ceil(solver.best_objective_bound - 1e-6)
        else:
            result.objective = result.bound = 0
        result.schedule = Schedule(
            program=program.info.name, status=status, objective=result.objective,
            best_bound=result.bound, blocks=block_dicts(program), weeks=week_dicts(program),
            residents=plain.extract(solver))
    result.seconds = time.perf_counter() - start
    if result.schedule is not None:
        result.schedule.wall_time_s = result.seconds
    return result
