"""The call model's variables, shared by every call constraint family.

`take[r, s]` is true when resident `r` (index into `CallModel.residents`) works call shift
`s` (index into `CallYear.shifts`); it exists only where the resident may take the shift (the
pool admits them, they are neither on vacation nor on a closed rotation or service, and no
fixed duty overlaps it: `CallYear.may_take`).

Each resident's duty is a list of `Interval`s in time order: the work the block schedule fixes
(`literal` None: always on), the same work on a post-call morning (`literal`: kept unless a
post-call shift ending that day is taken) and call shifts (`literal`: `take`). Two intervals
of one resident never overlap when both are on (enforced here), so the minutes of duty in a
stretch of time are a plain sum: `minutes(r, lo, hi)`.

In explanation mode each duty-hour limit, each pool's cover and each other hard entry is
*gated*: its constraints hold only when its literal is true (`gate(source)`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ortools.sat.python import cp_model

from scheduler import Program, Schedule
from scheduler.call import COUNTED_KINDS, CallYear, Period, Shift, at, sent_home
from scheduler.call_rules import MINUTES_PER_DAY
from scheduler.duty_file import DutyFile
from scheduler.schema import Resident

LONGEST = MINUTES_PER_DAY   # no interval lasts longer than a day


@dataclass(frozen=True)
class Interval:
    """A stretch of possible duty of one resident."""

    start: int
    end: int
    counted: bool          # counts toward duty hours (in-house)
    literal: Any = None    # None: always on; else the 0/1 literal that switches it on
    shift: int | None = None
    kind: str = ""
    what: str = ""

    @property
    def fixed(self) -> bool:
        return self.literal is None


class CallModel:
    """A call year's CP-SAT model under construction."""

    def __init__(self, program: Program, schedule: Schedule, explain: bool = False,
                 published: DutyFile | None = None,
                 keep_before: date | datetime | None = None):
        self.program = program
        self.explain = explain
        self.year = CallYear(program, schedule)
        self.model = cp_model.CpModel()
        self.residents: list[Resident] = [r for r in program.residents
                                          if r.id in schedule.residents]
        self.shifts: list[Shift] = self.year.shifts
        self.take: dict[tuple[int, int], cp_model.IntVar] = {}
        self.refused: dict[int, dict[int, str]] = {}   # r -> shift -> why not
        self.intervals: dict[int, list[Interval]] = {}
        self.gates: dict[str, cp_model.IntVar] = {}
        self.objective: list[tuple[int, Any]] = []
        self.unmet: dict[int, cp_model.IntVar] = {}   # soft call request -> not met
        self.true = self.model.new_constant(1)
        for r, resident in enumerate(self.residents):
            fixed = self.year.work(resident)
            self.refused[r] = self.year.may_take(resident, fixed)
            for s in range(len(self.shifts)):
                if s not in self.refused[r]:
                    self.take[r, s] = self.model.new_bool_var(f"take[{resident.id},{s}]")
            self.intervals[r] = self._intervals(r, fixed)
            self._one_at_a_time(r)
        self._starts = {r: [i.start for i in ivs] for r, ivs in self.intervals.items()}
        # shift -> the residents who keep it (constraints.kept)
        self.kept = self._kept(published, keep_before)

    def _kept(self, published: DutyFile | None, before: date | datetime | None
              ) -> dict[int, set[str]]:
        """Shift -> the residents who took it in the `published` call schedule, for every
        shift that began before `before` (a moment: a shift under way then is kept; a day:
        before its midnight; none without both); a shift nobody took there is kept empty."""
        if published is None or before is None:
            return {}
        start = self.program.info.year_start
        took: dict[tuple[str, str, str], set[str]] = {}
        for rid, periods in published.duty.items():
            for period in periods:
                if period.kind in ("call", "home_call"):
                    took.setdefault((period.start, period.end, period.what), set()).add(rid)
        if isinstance(before, datetime):   # minutes from the year's start, rounded up
            cutoff = -int((datetime.combine(start, time.min) - before).total_seconds() // 60)
        else:
            cutoff = (before - start).days * MINUTES_PER_DAY
        return {s: took.get((at(start, shift.start), at(start, shift.end), shift.code), set())
                for s, shift in enumerate(self.shifts) if shift.start < cutoff}

    # -- building --------------------------------------------------------------------------

    def _intervals(self, r: int, fixed: list[Period]) -> list[Interval]:
        """The resident's fixed work (a rotation's day dropped after a post-call shift that
        ends that morning) and the shifts open to them, in time order."""
        found = []
        post_call_by_day: dict[int, list[tuple[int, Shift]]] = {}
        for s, shift in enumerate(self.shifts):
            if (r, s) in self.take:
                found.append(Interval(shift.start, shift.end, shift.in_house,
                                      self.take[r, s], s,
                                      "call" if shift.in_house else "home_call", shift.code))
                if shift.post_call:
                    end_day = (shift.end - 1) // MINUTES_PER_DAY
                    post_call_by_day.setdefault(end_day, []).append((s, shift))
        for period in fixed:
            literal = None
            if period.kind == "day":
                ending = [self.take[r, s] for s, shift in
                          post_call_by_day.get(period.start // MINUTES_PER_DAY, [])
                          if sent_home(shift, period)]
                if ending:
                    # The day is worked exactly when no post-call shift sending the
                    # resident home from it is taken.
                    literal = self.model.new_bool_var(f"kept[{r},{period.start}]")
                    for taken in ending:
                        self.model.add_bool_or([literal.Not(), taken.Not()])
                    self.model.add_bool_or([literal, *ending])
            found.append(Interval(period.start, period.end, period.kind in COUNTED_KINDS,
                                  literal, None, period.kind, period.what))
        return sorted(found, key=lambda i: (i.start, i.end))

    def _one_at_a_time(self, r: int) -> None:
        """A resident works one shift at a time: two overlapping shifts, not both."""
        shifts = [i for i in self.intervals[r] if i.shift is not None]
        for n, one in enumerate(shifts):
            for other in shifts[n + 1:]:
                if other.start >= one.end:
                    break
                self.model.add_bool_or([one.literal.Not(), other.literal.Not()])

    def gate(self, source: str) -> list[Any]:
        """The literals a constraint of `source` is enforced by: none normally; in
        explanation mode the source's own switch."""
        if not self.explain:
            return []
        if source not in self.gates:
            self.gates[source] = self.model.new_bool_var(f"gate[{source}]")
        return [self.gates[source]]

    # -- reading ---------------------------------------------------------------------------

    def around(self, r: int, lo: int, hi: int) -> list[Interval]:
        """The resident's intervals overlapping [lo, hi)."""
        ivs = self.intervals[r]
        first = bisect_left(self._starts[r], lo - LONGEST)
        last = bisect_left(self._starts[r], hi)
        return [i for i in ivs[first:last] if i.start < hi and i.end > lo]

    def minutes(self, r: int, lo: int, hi: int) -> tuple[int, list[tuple[int, Any]]]:
        """Minutes of counted duty in [lo, hi): (the fixed part, [(minutes, literal)])."""
        constant = 0
        terms = []
        for i in self.around(r, lo, hi):
            if not i.counted:
                continue
            inside = min(i.end, hi) - max(i.start, lo)
            if i.fixed:
                constant += inside
            else:
                terms.append((inside, i.literal))
        return constant, terms

    def at_most(self, r: int, lo: int, hi: int, limit: int, source: str,
                when: list[Any] | None = None) -> None:
        """Counted duty in [lo, hi) at most `limit` minutes (only `when` all hold)."""
        constant, terms = self.minutes(r, lo, hi)
        if constant + sum(m for m, _ in terms) <= limit:
            return
        ct = self.model.add(cp_model.LinearExpr.weighted_sum(
            [lit for _, lit in terms], [m for m, _ in terms]) <= limit - constant)
        enforce = self.gate(source) + (when or [])
        if enforce:
            ct.only_enforce_if(enforce)

    def taken_by(self, s: int) -> list[cp_model.IntVar]:
        return [self.take[r, s] for r in range(len(self.residents)) if (r, s) in self.take]
