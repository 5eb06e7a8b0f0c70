"""The CP-SAT model's variables, shared by every constraint family.

`x[r, b, code]` is true when resident `r` (index into `program.residents`) is on rotation `code`
in block `b` (1-based); it exists only where the rotation admits the resident, except in
explanation mode, where eligibility itself is a rule that may be dropped.

Vacation has two encodings:

- *weekly*: `vacation[r, w]` for every week: exact for any `max_vacation_weeks_per_block`;
  used in explanation mode and when a resident may take 2 or more weeks in a block.
  `away[r, b]` is then the number of weeks taken in block b.
- *by block* (the common case, at most one week per block): `away[r, b]` says the resident
  takes a vacation week in block b; week variables `vacation[r, w]` exist only for *pinned*
  weeks: weeks named by vacation requests, and weeks of frozen blocks. The remaining ("free")
  vacation weeks are placed after solving (`vacation_weeks.place`); with one week per block
  per resident this loses nothing (see `constraints/presence.py`), and the model is 4x smaller.

In explanation mode every hard entry of the program file is *gated*: its constraints hold only
when the entry's own literal is true, so the solver can say which entries conflict.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.calendar import WEEKS_PER_YEAR
from scheduler.program import requirement_bounds
from scheduler.schema import VacationRequest


@dataclass
class ModelContext:
    """A program's CP-SAT model under construction."""

    program: Program
    explain: bool = False
    previous: Schedule | None = None
    freeze_through: int = 0
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    vacation: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    away: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    gates: dict[str, cp_model.IntVar] = field(default_factory=dict)
    objective: list[tuple[int, cp_model.LinearExprT]] = field(default_factory=list)
    _on_cache: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p = self.program
        self.blocks = range(1, p.num_blocks + 1)
        self.weeks = range(1, WEEKS_PER_YEAR + 1)
        self.block_of_week = {w: p.calendar.block_of_week(w) for w in self.weeks}
        self.weeks_of_block = p.calendar.weeks_of_block()
        self.false = self.model.new_constant(0)
        for r, resident in enumerate(p.residents):
            for rotation in p.rotations:
                if self.explain or p.eligible(resident, rotation):
                    for b in self.blocks:
                        self.x[r, b, rotation.code] = self.model.new_bool_var(
                            f"x[{resident.id},{b},{rotation.code}]"
                        )
        self.weekly = self.explain or p.info.max_vacation_weeks_per_block > 1
        if self.weekly:
            for r, w in itertools.product(range(len(p.residents)), self.weeks):
                self.vacation[r, w] = self.model.new_bool_var(f"vac[{r},{w}]")
            # The weeks taken per block, as an integer of its own: bounds on it (the cap per
            # block, none on a rotation without vacation) then reach the yearly total by plain
            # propagation, so "13 weeks in 12 months" is refuted at once, not by search.
            for r, b in itertools.product(range(len(p.residents)), self.blocks):
                weeks = self.weeks_of_block[b]
                self.away[r, b] = self.model.new_int_var(0, len(weeks), f"away[{r},{b}]")
                self.model.add(self.away[r, b] == sum(self.vacation[r, w] for w in weeks))
        else:
            self._add_blockwise_vacation()

    def pinned_weeks(self) -> dict[int, set[int]]:
        """Resident index -> weeks whose vacation status the model must decide itself:
        weeks named by vacation requests and every week of a frozen block."""
        p = self.program
        index = {resident.id: r for r, resident in enumerate(p.residents)}
        pinned: dict[int, set[int]] = {r: set() for r in range(len(p.residents))}
        for request in p.requests:
            if isinstance(request, VacationRequest):
                pinned[index[request.resident]].update(p.request_weeks(request))
        if self.previous is not None:
            frozen = {w for w in self.weeks if self.block_of_week[w] <= self.freeze_through}
            for rid in self.previous.residents:
                if rid in index:
                    pinned[index[rid]] |= frozen
        return pinned

    def _add_blockwise_vacation(self) -> None:
        cap = self.program.info.max_vacation_weeks_per_block
        for r, weeks in self.pinned_weeks().items():
            for b in self.blocks:
                self.away[r, b] = self.model.new_bool_var(f"away[{r},{b}]")
                if cap == 0:
                    self.model.add(self.away[r, b] == 0)
                pinned = [w for w in self.weeks_of_block[b] if w in weeks]
                for w in pinned:
                    self.vacation[r, w] = self.model.new_bool_var(f"vac[{r},{w}]")
                if pinned:
                    self.model.add(sum(self.vacation[r, w] for w in pinned) <= self.away[r, b])

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

    def cells(self, r: int, b: int, codes: Iterable[str]) -> list[cp_model.IntVar]:
        """The assignment variables of resident r in block b for the given rotations."""
        return [self.x[r, b, c] for c in codes if (r, b, c) in self.x]

    def on(self, r: int, b: int, target: str) -> cp_model.IntVar:
        """A literal: resident r is on `target` (a rotation or group) in block b."""
        key = (r, b, target)
        if key not in self._on_cache:
            cells = self.cells(r, b, self.program.resolve(target))
            if not cells:
                lit = self.false
            elif len(cells) == 1:
                lit = cells[0]
            else:
                lit = self.model.new_bool_var(f"on[{r},{b},{target}]")
                self.model.add(lit == sum(cells))
            self._on_cache[key] = lit
        return self._on_cache[key]

    def year_cap(self, r: int, target: str) -> int:
        """The most blocks resident r can spend on `target` this year under the hard
        requirements that cap a target containing it (history counted for residency scope).
        Rules use it to skip patterns that can never occur. In explanation mode requirements
        may be switched off, so there it is simply the number of blocks."""
        p = self.program
        cap = len(self.blocks)
        if self.explain:
            return cap
        resident = p.residents[r]
        codes = set(p.resolve(target))
        for requirement in p.requirements:
            high = requirement_bounds(requirement)[1]
            if high is None or not requirement.hard or not p.binds(requirement, resident):
                continue
            if not codes <= set(p.resolve(requirement.target)):
                continue
            done = p.history_count(resident, requirement.target)
            cap = min(cap, max(high - (done if requirement.scope == "residency" else 0), 0))
        return cap

    def penalize(self, weight: int, expr: cp_model.LinearExprT) -> None:
        """Add `weight x expr` to the total penalty."""
        if weight:
            self.objective.append((weight, expr))

    def shortfall(self, count: cp_model.LinearExprT, low: int | None, high: int | None,
                  upper: int, name: str) -> cp_model.LinearExprT:
        """An expression equal (at the optimum) to how far `count` falls outside [low, high]."""
        terms = []
        if low is not None and low > 0:
            short = self.model.new_int_var(0, low, f"short[{name}]")
            self.model.add(short >= low - count)
            terms.append(short)
        if high is not None:
            over = self.model.new_int_var(0, max(upper - high, 0), f"over[{name}]")
            self.model.add(over >= count - high)
            terms.append(over)
        return sum(terms)
