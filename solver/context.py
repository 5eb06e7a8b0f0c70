"""The CP-SAT model's variables, shared by every constraint family.

`x[r, b, code]` is true when resident `r` (index into `program.residents`) is on rotation `code`
in block `b` (1-based); it exists only where the rotation admits the resident, except in
explanation mode, where eligibility itself is a rule that may be dropped.

With split blocks (F2), `half[r, b, k, code]` is true when block b is split and its half k
(0 = first, 1 = second) is on the split rotation `code`; `x` then means the whole block. A
resident's day is on a rotation when its whole block or the half holding the day is (the
literals of `cells(..., half=k)`, of which exactly one holds).

`vacation[r, w]` is true when resident r takes week w (a Monday-to-Sunday week of the
calendar, 1-based) as vacation; `serve[r, w, code]` when r is on weekly service `code` in week
w. Service variables exist only where the service runs and admits the resident (its levels,
tracks and weeks always hold, as the format says). A week may straddle two blocks: rules
about presence and vacation on working days are stated per *segment*, the working days one
week and one block share (`Calendar.segments`), on which nothing about a resident changes.

In explanation mode every hard entry of the program file is *gated*: its constraints hold only
when the entry's own literal is true, so the solver can say which entries conflict.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.program import admits, requirement_bounds
from scheduler.schedule import Cell

BOOLEAN = cp_model.Domain(0, 1)


@dataclass
class ModelContext:
    """A program's CP-SAT model under construction."""

    program: Program
    explain: bool = False
    previous: Schedule | None = None
    freeze_through: int = 0
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    half: dict[tuple[int, int, int, str], cp_model.IntVar] = field(default_factory=dict)
    vacation: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    serve: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    gates: dict[str, cp_model.IntVar] = field(default_factory=dict)
    objective: list[tuple[int, cp_model.LinearExprT]] = field(default_factory=list)
    # Helper literals the linear relaxation leaves out (by model index), and every constraint
    # that reads them (`loose_rows`, by constraint index; relaxation.linear_program): the
    # weekly presence rule's "on it and away that week", an AND stated by clauses alone,
    # which the relaxation may leave at 0 whenever its two parts add up to at most 1, so
    # that their rows seldom bind; and the "away that week" it reads where a service may
    # take the resident too. `loose` itself only lets tests check that no row the relaxation
    # keeps reads one.
    loose: list[int] = field(default_factory=list)
    loose_rows: list[int] = field(default_factory=list)
    # The rows that order interchangeable residents (symmetry.py), by constraint index: a
    # search that keeps most rotations fixed drops them (spread.last_touches).
    symmetry_rows: list[int] = field(default_factory=list)
    _on_cache: dict[tuple[object, ...], cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p = self.program
        calendar = p.calendar
        self.blocks = range(1, p.num_blocks + 1)
        self.weeks = range(1, calendar.num_weeks + 1)
        self.segments = calendar.segments          # (week, block) -> working days
        self.blocks_of_week = {w: calendar.blocks_of_week(w) for w in self.weeks}
        self.weeks_of_block = calendar.weeks_of_block()
        self.false = self.model.new_constant(0)
        self.split_codes = p.split_codes
        # rotation code -> the residents (indices, in order) the model may put on it
        self.takers: dict[str, list[int]] = {rotation.code: [] for rotation in p.rotations}
        for r, resident in enumerate(p.residents):
            for rotation in p.rotations:
                if self.explain or p.eligible(resident, rotation):
                    self.takers[rotation.code].append(r)
                    for b in self.blocks:
                        self.x[r, b, rotation.code] = self.model.new_bool_var(
                            f"x[{resident.id},{b},{rotation.code}]"
                        )
                        if rotation.code in self.split_codes:
                            for k in (0, 1):
                                self.half[r, b, k, rotation.code] = self.model.new_bool_var(
                                    f"half[{resident.id},{b},{k},{rotation.code}]")
        # Every week may be a vacation week, even one of holidays only (it then has no
        # working day, and no rule about working days reaches it).
        for r, w in itertools.product(range(len(p.residents)), self.weeks):
            self.vacation[r, w] = self.model.new_bool_var(f"vac[{r},{w}]")
        for service in p.services:
            weeks = p.service_weeks(service)
            for r, resident in enumerate(p.residents):
                if admits(service.levels, service.tracks, resident.level, resident.track):
                    for w in weeks:
                        self.serve[r, w, service.code] = self.model.new_bool_var(
                            f"serve[{r},{w},{service.code}]")
        # The literals that take a resident off their rotation in a week: vacation, and each
        # service they may serve that week. At most one holds: always true.
        self._off: dict[tuple[int, int], tuple[cp_model.IntVar, ...]] = {}
        for r, w in itertools.product(range(len(p.residents)), self.weeks):
            taken = [self.vacation[r, w]] if (r, w) in self.vacation else []
            taken += [self.serve[r, w, s.code] for s in p.services
                      if (r, w, s.code) in self.serve]
            self._off[r, w] = tuple(taken)
            if len(taken) > 1:
                self.model.add_at_most_one(taken)

    def off(self, r: int, w: int) -> tuple[cp_model.IntVar, ...]:
        """The literals that take resident r off their rotation in week w: vacation, and each
        service they may serve that week (at most one of them holds)."""
        return self._off.get((r, w), ())

    def helper(self) -> cp_model.IntVar:
        """A new unnamed 0/1 helper literal. The weekly presence rule makes one per resident,
        week and rotation (half the model's variables at 500 residents); built as CP-SAT's
        own `new_bool_var` builds them, without the name and a new domain object each time,
        it takes a third of the time."""
        return cp_model.IntVar(self.model.model_proto).with_domain(BOOLEAN)

    def vacation_lit(self, r: int, w: int) -> cp_model.IntVar:
        return self.vacation.get((r, w), self.false)

    # -- gates -----------------------------------------------------------------------------

    def gate(self, source: str) -> cp_model.IntVar | None:
        """The literal that switches entry `source` on (explanation mode), else None."""
        if not self.explain:
            return None
        if source not in self.gates:
            self.gates[source] = self.model.new_bool_var(f"gate[{source}]")
        return self.gates[source]

    def require(self, constraint: cp_model.Constraint, source: str) -> None:
        """Make a constraint hold only while its entry is switched on."""
        lit = self.gate(source)
        if lit is not None:
            constraint.only_enforce_if(lit)

    def clause(self, literals: Sequence[cp_model.LiteralT], source: str | None) -> None:
        """At least one literal holds (while the entry is switched on)."""
        lit = self.gate(source) if source else None
        self.model.add_bool_or([*literals, *([lit.Not()] if lit is not None else [])])

    # -- reading the assignment ------------------------------------------------------------

    def decisions(self) -> list[cp_model.IntVar]:
        """Every variable a schedule is read from (hints copy these)."""
        return [*self.x.values(), *self.half.values(), *self.vacation.values(),
                *self.serve.values()]

    def hint(self, solution: cp_model.CpSolver,
             variables: Sequence[cp_model.IntVar] | None = None,
             model: cp_model.CpModel | None = None) -> None:
        """Start the next search of this model (or of `model`, a copy of it) from the
        schedule `solution` holds: its values of `variables` (every decision when None), in
        place of any earlier hint. Written to the model's hint in one go, as `add_hint`
        writes one variable's (sites F2, 125 residents: 69,000 decisions in 0.05 s instead
        of 0.22 s)."""
        variables = self.decisions() if variables is None else variables
        model = self.model if model is None else model
        model.clear_hints()  # type: ignore[no-untyped-call, unused-ignore]
        hint = model.proto.solution_hint
        hint.vars.extend([var.index for var in variables])   # decisions: plain variables
        hint.values.extend([int(solution.boolean_value(var)) for var in variables])

    def cells(self, r: int, b: int, codes: Iterable[str], half: int | None = None
              ) -> list[cp_model.IntVar]:
        """The assignment variables of resident r in block b for the given rotations: the
        whole-block ones, and with `half` = k also those of half k of a split block. At most
        one of them holds."""
        codes = list(codes)
        found = [self.x[r, b, c] for c in codes if (r, b, c) in self.x]
        if half is not None:
            found += [self.half[r, b, half, c] for c in codes if (r, b, half, c) in self.half]
        return found

    def is_cell(self, r: int, b: int, cell: Cell) -> cp_model.IntVar | None:
        """A literal: resident r's block b is exactly `cell` (a rotation, or a pair of split
        halves); None when the model cannot make it so."""
        if isinstance(cell, str):
            return self.x.get((r, b, cell))
        first, second = (self.half.get((r, b, k, code)) for k, code in enumerate(cell))
        if first is None or second is None:
            return None
        key = ("pair", r, b, *cell)
        if key not in self._on_cache:
            self._on_cache[key] = self._both(first, second, f"pair[{r},{b},{cell[0]},{cell[1]}]")
        return self._on_cache[key]

    def splits(self, target: str) -> bool:
        """Whether residents can be on `target` (a rotation or group) for half a block."""
        return bool(self.split_codes) and any(
            c in self.split_codes for c in self.program.resolve(target))

    def halves_of(self, target: str) -> tuple[int | None, ...]:
        """The parts of a block a rule about `target` is stated on: both halves when the
        target can fill half a block, else the whole block (None)."""
        return (0, 1) if self.splits(target) else (None,)

    def serving(self, r: int, w: int, code: str) -> cp_model.IntVar:
        """A literal: resident r is on service `code` in week w."""
        return self.serve.get((r, w, code), self.false)

    def run_literals(self, r: int, target: str) -> list[cp_model.IntVar]:
        """The literals a run rule (max/min_consecutive) reads for resident r: one per block
        for a rotation or group, one per week for a service."""
        if self.program.is_service(target):
            return [self.serving(r, w, target) for w in self.weeks]
        return [self.on(r, b, target) for b in self.blocks]

    def on(self, r: int, b: int, target: str) -> cp_model.IntVar:
        """A literal: resident r is on `target` (a rotation or group) in block b, in either
        half of a split block (the reading of runs and prerequisites)."""
        if not self.splits(target):
            return self.on_half(r, b, None, target)
        key = ("either", r, b, target)
        if key not in self._on_cache:
            parts = [self.on_half(r, b, k, target) for k in (0, 1)]
            lit = self._either(parts, f"on[{r},{b},{target}]")
            self._on_cache[key] = lit
        return self._on_cache[key]

    def on_both(self, r: int, b: int, target: str) -> cp_model.IntVar:
        """A literal: resident r is on `target` in both halves of block b (the whole block;
        the reading of an `assign` request)."""
        if not self.splits(target):
            return self.on_half(r, b, None, target)
        key = ("both", r, b, target)
        if key not in self._on_cache:
            first, second = (self.on_half(r, b, k, target) for k in (0, 1))
            self._on_cache[key] = self._both(first, second, f"both[{r},{b},{target}]")
        return self._on_cache[key]

    def on_half(self, r: int, b: int, half: int | None, target: str) -> cp_model.IntVar:
        """A literal: resident r is on `target` in half `half` of block b (None: the whole
        block, for a target that never fills half a block)."""
        key = (r, b, half, target)
        if key not in self._on_cache:
            cells = self.cells(r, b, self.program.resolve(target), half)
            if not cells:
                lit = self.false
            elif len(cells) == 1:
                lit = cells[0]
            else:
                lit = self.model.new_bool_var(f"on[{r},{b},{half},{target}]")
                self.model.add(lit == sum(cells))
            self._on_cache[key] = lit
        return self._on_cache[key]

    def _both(self, first: cp_model.IntVar, second: cp_model.IntVar, name: str
              ) -> cp_model.IntVar:
        """A literal equal to `first` and `second` both holding."""
        if first is self.false or second is self.false:
            return self.false
        lit = self.model.new_bool_var(name)
        self.model.add_bool_and([first, second]).only_enforce_if(lit)
        self.model.add_bool_or([first.Not(), second.Not(), lit])
        return lit

    def _either(self, parts: list[cp_model.IntVar], name: str) -> cp_model.IntVar:
        """A literal equal to at least one of `parts` holding."""
        live = [p for p in parts if p is not self.false]
        if not live:
            return self.false
        if len(live) == 1:
            return live[0]
        lit = self.model.new_bool_var(name)
        self.model.add_max_equality(lit, live)
        return lit

    def year_cap(self, r: int, target: str) -> int:
        """The most blocks resident r can spend on `target` this year under the hard
        requirements that cap a target containing it (history counted for residency scope).
        Rules use it to skip patterns that can never occur. In explanation mode requirements
        may be switched off, so there it is simply the number of blocks."""
        p = self.program
        if p.is_service(target):
            return len(self.weeks)
        cap = len(self.blocks)
        if self.explain:
            return cap
        resident = p.residents[r]
        codes = set(p.resolve(target))
        for requirement in p.requirements:
            high = requirement_bounds(requirement)[1]
            if high is None or not requirement.hard or not p.binds(requirement, resident):
                continue
            if p.is_service(requirement.target):
                continue
            if not codes <= set(p.resolve(requirement.target)):
                continue
            done = p.history_count(resident, requirement.target)
            left = max(high - (done if requirement.scope == "residency" else 0), 0)
            # a requirement counts a half block as 0.5: 2 x left halves may touch as many blocks
            cap = min(cap, 2 * left if self.splits(target) else left)
        return cap

    def penalize(self, weight: int, expr: cp_model.LinearExprT) -> None:
        """Add `weight x expr` to the total penalty."""
        if weight:
            self.objective.append((weight, expr))

    def shortfall(self, count: cp_model.LinearExprT, low: int | None, high: int | None,
                  upper: int, name: str, per: int = 1) -> cp_model.LinearExprT:
        """An expression equal (at the optimum) to how far `count` falls outside [low, high].
        With `per` = 2, `count` is in half units and the result in whole ones, a remaining
        half rounded up."""
        terms = []
        if low is not None and low > 0:
            short = self.model.new_int_var(0, low, f"short[{name}]")
            self.model.add(per * short >= per * low - count)
            terms.append(short)
        if high is not None:
            over = self.model.new_int_var(0, max(upper - high, 0), f"over[{name}]")
            self.model.add(per * over >= count - per * high)
            terms.append(over)
        return sum(terms)
