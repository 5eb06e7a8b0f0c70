"""A plain reference model of the call contract, for the call benchmark.

The engine (`solver/call/`) keeps each resident's duty as intervals and states every limit at
the start or end of one. This module states the same contract (docs/program-format.md, "Call")
the textbook way, on an hour grid, so that the benchmark can say in the same run how much
the engine's formulation buys, and so that a test can check that the two agree:

- `take[r, s]`: resident r works call shift s (only where `CallYear.may_take` opens it: the
  problem's input, like the shifts and the fixed work, is read from `scheduler/call.py`);
  `kept[r, day]`: a rotation's working day stays on the resident's year (it goes when a
  post-call shift ends that morning);
- `on[r, h]`: resident r is on counted duty (rotation work, a service, in-house call) during
  hour h of the year; it is the sum of what covers the hour (a constant where nothing can
  change it), so that a resident works one thing at a time; call from home is kept apart;
- the limits stated directly on the grid: every 28-day window holds at most 320 on-duty
  hours; a day off is a calendar day without any duty hour (call from home included), at
  least 4 in every 28-day window; no 29 consecutive on-duty hours; after the last hour of a
  stretch the next `rest_hours` hours are off, and 14 after a stretch of 24 hours; in-house
  nights three days apart; then cover, fairness (each level's largest and smallest count at
  most `fairness` apart), `not_both` and requests; the objective is the weight of the soft
  requests left unmet;
- CP-SAT with its default parameters: only `max_time_in_seconds` and `num_workers` are set.

Constraints that hold whatever is chosen are not posted (a window holding a sure hour off,
a day surely worked), and a stretch of 29 hours is looked for only from the hours a stretch
can begin at; nothing else is tuned. It imports nothing from `solver/`. The grid has whole
hours only: a program whose shifts or working hours do not start and end on the hour is
refused (ValueError).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.call import CallYear, DutyKind, Shift, at
from scheduler.duty_file import DutyFile, DutyPeriod

HOUR = 60                  # minutes
DAY = 24                   # hours
WINDOW_DAYS = 28
MOST_HOURS = 320           # in any 28 days: 80 a week
FEWEST_DAYS_OFF = 4        # in any 28 days
LONGEST_STRETCH = 28       # hours on duty in a row: 24 + 4
LONG_STRETCH = 24          # a stretch this long needs
LONG_REST = 14             # this many hours off after it

Lit = Any                  # 0, 1, or a CP-SAT Boolean (a variable or its negation)


@dataclass
class PlainCallResult:
    """What a plain call solve found: CP-SAT's status, the weight of unmet soft requests and
    the proven lower bound (None without a schedule), the wall time of the whole call
    (building included), the building alone, CP-SAT's presolve (from its log), the time to
    the first call schedule, the model's size, and the answer as a duty file (None without
    one)."""

    status: str
    objective: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    build_seconds: float = 0.0
    presolve_seconds: float | None = None
    first_seconds: float | None = None
    variables: int = 0
    constraints: int = 0
    duty: DutyFile | None = None


@dataclass(frozen=True)
class _Piece:
    """A stretch of possible duty of one resident in whole hours [start, end): fixed work
    (literal 1), a working day a post-call shift may drop (`kept`) or a shift (`take`)."""

    start: int
    end: int
    counted: bool
    literal: Lit
    kind: DutyKind
    what: str
    shift: int | None = None


def _constant(lit: Lit) -> int | None:
    """The value of a literal known before solving, else None."""
    return lit if isinstance(lit, int) else None


def _negated(lit: Lit) -> Lit:
    """The opposite of a literal (of a constant: 1 - it)."""
    return 1 - lit if isinstance(lit, int) else lit.Not()


@dataclass
class _PlainCall:
    """The hour-grid model of one call year, built rule by rule."""

    p: Program
    schedule: Schedule
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    take: dict[tuple[int, int], Any] = field(default_factory=dict)
    pieces: dict[int, list[_Piece]] = field(default_factory=dict)
    on: dict[int, list[Lit]] = field(default_factory=dict)
    home: dict[int, list[list[Lit]]] = field(default_factory=dict)
    unmet: dict[int, Any] = field(default_factory=dict)
    penalties: list[tuple[int, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """The problem's input: the call year, its residents and shifts."""
        self.year = CallYear(self.p, self.schedule)
        self.residents = [r for r in self.p.residents if r.id in self.schedule.residents]
        self.shifts: list[Shift] = self.year.shifts
        self.days = self.year.num_days
        self.false = self.model.new_constant(0)

    # -- the input in whole hours ---------------------------------------------------------

    def hours_of(self, start: int, end: int, what: str) -> tuple[int, int]:
        """[start, end) in minutes as whole hours (refused when not on the hour)."""
        if start % HOUR or end % HOUR:
            raise ValueError(f"the plain call model supports whole hours only ({what} runs "
                             f"{at(self.p.info.year_start, start)} to "
                             f"{at(self.p.info.year_start, end)})")
        return start // HOUR, end // HOUR

    def make_pieces(self, r: int) -> None:
        """The resident's shifts open to them (a `take` each) and fixed work; a working day
        becomes a `kept` choice when a post-call shift open to them may end that morning."""
        resident = self.residents[r]
        fixed = self.year.work(resident)
        refused = self.year.may_take(resident, fixed)
        pieces: list[_Piece] = []
        ending_on: dict[int, list[tuple[int, Any]]] = {}
        for s, shift in enumerate(self.shifts):
            if s in refused:
                continue
            lit = self.model.new_bool_var(f"take[{resident.id},{s}]")
            self.take[r, s] = lit
            start, end = self.hours_of(shift.start, shift.end, shift.code)
            kind: DutyKind = "call" if shift.in_house else "home_call"
            pieces.append(_Piece(start, end, shift.in_house, lit, kind, shift.code, s))
            if shift.post_call:
                ending_on.setdefault((end - 1) // DAY, []).append((end, lit))
        for period in fixed:
            start, end = self.hours_of(period.start, period.end, period.what)
            ending = [lit for stop, lit in ending_on.get(start // DAY, []) if stop <= start]
            literal: Lit = 1
            if period.kind == "day" and ending:
                literal = self.model.new_bool_var(f"kept[{resident.id},{start}]")
                for lit in ending:          # taken: the resident goes home that day
                    self.model.add_implication(lit, literal.Not())
                self.model.add_bool_or([literal, *ending])
            pieces.append(_Piece(start, end, period.kind in ("day", "service"), literal,
                                 cast(DutyKind, period.kind), period.what))
        self.pieces[r] = sorted(pieces, key=lambda piece: (piece.start, piece.end))

    def make_grid(self, r: int, hours: int) -> None:
        """`on[r, h]` from what covers hour h (its sum: one thing at a time, call from home
        included); call from home's literals per hour kept apart."""
        counted: list[list[Lit]] = [[] for _ in range(hours)]
        home: list[list[Lit]] = [[] for _ in range(hours)]
        for piece in self.pieces[r]:
            for h in range(piece.start, piece.end):
                (counted if piece.counted else home)[h].append(piece.literal)
        on: list[Lit] = []
        for h in range(hours):
            here = counted[h]
            if len(here) + len(home[h]) > 1:
                self.at_most(here + home[h], 1)
            if len(here) <= 1:
                on.append(here[0] if here else 0)
            else:
                hour = self.model.new_bool_var(f"on[{r},{h}]")
                self.model.add(hour == sum(here))
                on.append(hour)
        self.on[r], self.home[r] = on, home

    def at_most(self, terms: Sequence[Lit], limit: int) -> None:
        """The sum of `terms` (literals and constants) at most `limit`, posted only when it
        could be broken."""
        constant = sum(t for t in terms if isinstance(t, int))
        literals = [t for t in terms if not isinstance(t, int)]
        if constant + len(literals) <= limit:
            return
        if constant > limit:
            self.model.add_bool_or([self.false])
        else:
            self.model.add(sum(literals) <= limit - constant)

    def clause(self, literals: Sequence[Lit]) -> None:
        """At least one of `literals` holds (constants folded in)."""
        if any(_constant(lit) == 1 for lit in literals):
            return
        kept = [lit for lit in literals if _constant(lit) is None]
        self.model.add_bool_or(kept or [self.false])


def _add_hours(m: _PlainCall, r: int) -> None:
    """At most 320 on-duty hours in every 28 consecutive days of the year (midnight to
    midnight; windows reaching outside the year are not checked), counted per day."""
    per_day: list[Lit] = []
    for d in range(m.days):
        hours = m.on[r][d * DAY:(d + 1) * DAY]
        sure = sum(h for h in hours if isinstance(h, int))
        maybe = [h for h in hours if not isinstance(h, int)]
        if not maybe:
            per_day.append(sure)
            continue
        count = m.model.new_int_var(sure, sure + len(maybe), f"hours[{r},{d}]")
        m.model.add(count == sure + sum(maybe))
        per_day.append(count)
    for first in range(m.days - WINDOW_DAYS + 1):
        window = per_day[first:first + WINDOW_DAYS]
        most = sum(x if isinstance(x, int) else DAY for x in window)
        if most > MOST_HOURS:
            m.model.add(sum(window) <= MOST_HOURS)


def _add_days_off(m: _PlainCall, r: int) -> None:
    """A day off is a calendar day in which no hour holds any duty (call from home
    included); every 28 consecutive days hold at least 4."""
    free: list[Lit] = []
    for d in range(m.days):
        touching: dict[int, Lit] = {}
        sure_duty = False
        for h in range(d * DAY, (d + 1) * DAY):
            for lit in [m.on[r][h], *m.home[r][h]]:
                if isinstance(lit, int):
                    sure_duty |= lit == 1
                else:
                    touching[lit.index] = lit
        if sure_duty or not touching:
            free.append(0 if sure_duty else 1)
            continue
        off = m.model.new_bool_var(f"off[{r},{d}]")
        for lit in touching.values():
            m.model.add_implication(off, lit.Not())
        free.append(off)
    for first in range(m.days - WINDOW_DAYS + 1):
        window = free[first:first + WINDOW_DAYS]
        sure = sum(x for x in window if isinstance(x, int))
        maybe = [x for x in window if not isinstance(x, int)]
        if sure < FEWEST_DAYS_OFF:
            m.model.add(sum(maybe) >= FEWEST_DAYS_OFF - sure)


def _stretch_may_end(on: list[Lit], h: int) -> bool:
    """Whether hour h may be on duty and hour h + 1 off (a stretch may end between them)."""
    return (_constant(on[h]) != 0 and _constant(on[h + 1]) != 1
            and on[h] is not on[h + 1])


def _add_continuous(m: _PlainCall, r: int) -> None:
    """No 29 consecutive on-duty hours (24 + 4 at most), looked for from every hour a
    stretch can begin at."""
    on = m.on[r]
    for h in range(len(on) - LONGEST_STRETCH):
        before = on[h - 1] if h else 0
        if _constant(on[h]) == 0 or _constant(before) == 1 or before is on[h]:
            continue
        window = on[h:h + LONGEST_STRETCH + 1]
        if all(_constant(x) != 0 for x in window):
            m.at_most(window, LONGEST_STRETCH)


def _add_rest(m: _PlainCall, r: int) -> None:
    """After the last hour of a stretch (on at h, off at h + 1), the next `rest_hours`
    hours are off; 14 when the stretch lasted 24 hours or more."""
    on, rest = m.on[r], m.p.call.rest_hours
    for h in range(len(on) - 1):
        if not _stretch_may_end(on, h):
            continue
        ends = [_negated(on[h]), on[h + 1]]
        for k in range(2, rest + 1):
            if h + k < len(on) and _constant(on[h + k]) != 0:
                m.clause(ends + [_negated(on[h + k])])
        first = h - LONG_STRETCH + 1
        later = [on[h + k] for k in range(max(2, rest + 1), LONG_REST + 1)
                 if h + k < len(on) and _constant(on[h + k]) != 0]
        if first < 0 or not later or any(_constant(x) == 0 for x in on[first:h + 1]):
            continue
        long = m.model.new_bool_var(f"long[{r},{h}]")     # the 24 hours up to h all on
        m.model.add(sum(on[first:h + 1]) - long <= LONG_STRETCH - 1)
        for hour in later:
            m.clause([long.Not(), on[h + 1], _negated(hour)])


def _add_third_night(m: _PlainCall, r: int) -> None:
    """In-house call nights (shifts running past midnight) start at least three days
    apart: at most one in any three consecutive days."""
    nights: dict[int, list[Any]] = {}
    for piece in m.pieces[r]:
        if piece.shift is not None and piece.counted and piece.end > (piece.start // DAY + 1) * DAY:
            nights.setdefault(piece.start // DAY, []).append(piece.literal)
    for d in nights:
        window = [lit for k in range(d, d + 3) for lit in nights.get(k, [])]
        if len(window) > 1:
            m.model.add(sum(window) <= 1)


def _add_cover(m: _PlainCall) -> None:
    """Each shift has exactly its pool's `need` residents."""
    for s, shift in enumerate(m.shifts):
        takers = [m.take[r, s] for r in range(len(m.residents)) if (r, s) in m.take]
        m.model.add(sum(takers) == m.p.call_pools[shift.pool].need)


def _kinds(holidays: frozenset[date]) -> dict[str, Callable[[Shift], bool]]:
    """The counts fairness evens out: all calls, weekend calls (starting Saturday or
    Sunday, or Friday from noon), holiday calls (starting on a program holiday)."""
    def weekend(shift: Shift) -> bool:
        """Whether the shift is a weekend call."""
        weekday = shift.day.weekday()
        return weekday >= 5 or (weekday == 4 and shift.start % (DAY * HOUR) >= 12 * HOUR)

    return {"calls": lambda shift: True, "weekend": weekend,
            "holiday": lambda shift: shift.day in holidays}


def _add_fairness(m: _PlainCall) -> None:
    """Within each level, among the residents a pool with shifts of the kind admits, the
    largest and the smallest count of each kind at most `call.fairness` apart."""
    gap, top = m.p.call.fairness, len(m.shifts)
    for name, test in _kinds(m.p.calendar.holidays).items():
        pools = [m.p.call_pools[p] for p in {s.pool for s in m.shifts if test(s)}]
        for level in m.p.info.levels:
            members = [r for r, resident in enumerate(m.residents) if resident.level == level
                       and any(m.p.binds(pool, resident) for pool in pools)]
            if len(members) < 2:
                continue
            counts = []
            for r in members:
                count = m.model.new_int_var(0, top, f"{name}[{r}]")
                m.model.add(count == sum(m.take[r, s] for s, shift in enumerate(m.shifts)
                                         if (r, s) in m.take and test(shift)))
                counts.append(count)
            most = m.model.new_int_var(0, top, f"most[{name},{level}]")
            fewest = m.model.new_int_var(0, top, f"fewest[{name},{level}]")
            m.model.add_max_equality(most, counts)
            m.model.add_min_equality(fewest, counts)
            m.model.add(most - fewest <= gap)


def _add_not_both(m: _PlainCall) -> None:
    """Nobody takes more than one call starting on the two dates of a `not_both` pair."""
    for pair in m.p.call.not_both:
        for r in range(len(m.residents)):
            m.at_most([m.take[r, s] for s, shift in enumerate(m.shifts)
                       if shift.day in pair and (r, s) in m.take], 1)


def _add_requests(m: _PlainCall) -> None:
    """`no_call`: none of the resident's shifts starting on those dates (of the pool named);
    `on_call`: one of them. Hard ones must hold; a soft one left unmet costs its weight."""
    index = {resident.id: r for r, resident in enumerate(m.residents)}
    for i, request in enumerate(m.p.call_requests):
        r = index.get(request.resident)
        if r is None:
            continue
        last = request.last or request.day
        mine = [m.take[r, s] for s, shift in enumerate(m.shifts)
                if (r, s) in m.take and request.day <= shift.day <= last
                and request.pool in (None, shift.code)]
        if request.is_hard:
            if request.kind == "no_call":
                for lit in mine:
                    m.model.add(lit == 0)
            else:
                m.model.add_bool_or(mine or [m.false])
            continue
        unmet = m.model.new_bool_var(f"unmet[{i}]")
        if request.kind == "no_call":
            for lit in mine:
                m.model.add_implication(lit, unmet)
        else:
            m.model.add_bool_or([*mine, unmet])
        m.unmet[i] = unmet
        m.penalties.append((request.weight, unmet))


def build_plain_call(program: Program, schedule: Schedule) -> _PlainCall:
    """The whole plain model: variables and hour grid per resident, then every rule."""
    m = _PlainCall(program, schedule)
    for r in range(len(m.residents)):
        m.make_pieces(r)
    hours = max([m.days * DAY] + [p.end for pieces in m.pieces.values() for p in pieces])
    for r in range(len(m.residents)):
        m.make_grid(r, hours)
        for rule in (_add_hours, _add_days_off, _add_continuous, _add_rest, _add_third_night):
            rule(m, r)
    for rules in (_add_cover, _add_fairness, _add_not_both, _add_requests):
        rules(m)
    if m.penalties:
        m.model.minimize(sum(weight * lit for weight, lit in m.penalties))
    return m


class _Watch(cp_model.CpSolverSolutionCallback):
    """Notes when the search finds its first call schedule (seconds since `started`) and,
    from CP-SAT's log (kept off the screen), when its presolve ended."""

    def __init__(self, started: float, solver: cp_model.CpSolver):
        """Watch `solver` from `started` on."""
        super().__init__()
        self.started = started
        self.first: float | None = None
        self.presolve: float | None = None
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = self.read

    def on_solution_callback(self) -> None:
        """A schedule: the first?"""
        if self.first is None:
            self.first = time.perf_counter() - self.started

    def read(self, line: str) -> None:
        """A line of CP-SAT's log: the search's start?"""
        if line.startswith("Starting search at "):
            self.presolve = float(line.split()[3].rstrip("s"))


def _duty(m: _PlainCall, solver: cp_model.CpSolver, result: PlainCallResult) -> DutyFile:
    """The answer as a duty file: every resident's periods of the year, in time order."""
    start = m.p.info.year_start
    duty = DutyFile(m.p.info.name, result.status, objective=result.objective,
                    best_bound=result.bound)
    for r, resident in enumerate(m.residents):
        duty.duty[resident.id] = [
            DutyPeriod(start=at(start, piece.start * HOUR), end=at(start, piece.end * HOUR),
                       kind=piece.kind, what=piece.what)
            for piece in m.pieces[r]
            if _constant(piece.literal) == 1
            or (_constant(piece.literal) is None and solver.boolean_value(piece.literal))]
    duty.unmet_requests = sorted(i for i, lit in m.unmet.items() if solver.boolean_value(lit))
    return duty


def solve_plain_call(program: Program, schedule: Schedule, time_limit: float,
                     workers: int = 0) -> PlainCallResult:
    """Build the plain model and solve it with CP-SAT's defaults: `time_limit` seconds of
    search after building (as the engine's `CallOptions.time_limit`) and, unless 0, a
    number of workers (its log is read for the presolve's time, not shown)."""
    started = time.perf_counter()
    m = build_plain_call(program, schedule)
    proto = m.model.proto
    built = time.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    if workers:
        solver.parameters.num_workers = workers
    watch = _Watch(started, solver)
    status = solver.solve(m.model, watch)
    result = PlainCallResult(solver.status_name(status), build_seconds=built,
                             presolve_seconds=watch.presolve, first_seconds=watch.first,
                             variables=len(proto.variables), constraints=len(proto.constraints))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.objective = round(solver.objective_value) if m.penalties else 0
        result.bound = round(solver.best_objective_bound) if m.penalties else 0
        result.duty = _duty(m, solver, result)
    result.seconds = time.perf_counter() - started
    if result.duty is not None:
        result.duty.wall_time_s = result.seconds
    return result
