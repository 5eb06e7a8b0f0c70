"""Fairness: within each level, calls, weekend calls and holiday calls shared evenly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from scheduler import Program
from scheduler.call import Shift
from scheduler.schema import Resident

from ..context import CallModel

SOURCE = "call.fairness"


def is_weekend(shift: Shift) -> bool:
    """A weekend call starts on a Saturday or a Sunday, or on a Friday from noon on."""
    weekday = shift.day.weekday()
    return weekday >= 5 or (weekday == 4 and shift.start % (24 * 60) >= 12 * 60)


def categories(holidays: frozenset[date]) -> dict[str, Callable[[Shift], bool]]:
    """The shares fairness evens out, each as a test of a shift, once: every call, weekend
    calls, holiday calls (a shift starting on a program holiday)."""
    return {
        "calls": lambda shift: True,
        "weekend": is_weekend,
        "holiday": lambda shift: shift.day in holidays,
    }


def members(program: Program, shifts: list[Shift], residents: list[Resident], level: str,
            test: Callable[[Shift], bool]) -> list[int]:
    """Positions in `residents` of those of `level` whom some pool with a shift of the
    category admits (their schedule may still keep them off every such shift: they then
    count 0)."""
    pools = {shift.pool for shift in shifts if test(shift)}
    return [r for r, resident in enumerate(residents) if resident.level == level
            and any(program.binds(program.call_pools[p], resident) for p in pools)]


def add(m: CallModel) -> None:
    """Among the residents of one level whom a pool of a category admits, their numbers of
    shifts of that category are at most `call.fairness` apart."""
    gap = m.program.call.fairness
    for name, test in categories(m.year.calendar.holidays).items():
        for level in m.program.info.levels:
            counts = [sum(m.take[r, s] for s, shift in enumerate(m.shifts)
                          if (r, s) in m.take and test(shift))
                      for r in members(m.program, m.shifts, m.residents, level, test)]
            if len(counts) < 2:
                continue
            top = len(m.shifts)
            low = m.model.new_int_var(0, top, f"fair_low[{name},{level}]")
            high = m.model.new_int_var(0, top, f"fair_high[{name},{level}]")
            enforce = m.gate(SOURCE)
            for count in counts:
                for ct in (m.model.add(count >= low), m.model.add(count <= high)):
                    if enforce:
                        ct.only_enforce_if(enforce)
            ct = m.model.add(high - low <= gap)
            if enforce:
                ct.only_enforce_if(enforce)
