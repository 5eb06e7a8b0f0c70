"""A resident's case counts against the program's targets.

`measure(target, cases, catalogue, graduation)` counts the cases a target counts: all of
them, one kind (procedures, not reading logs), or one category. A windowed target (FDA MQSA:
240 mammograms within any 6 months of the last 2 years) counts the best window: the most
cases inside any `window_months` months that lie within the last `last_years` years before
graduation.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from .catalogue import Catalogue, Target


@dataclass(frozen=True)
class LoggedCase:
    """What progress needs of a case: its day and its procedure type codes (the primary
    procedure first); a case counts once toward a target however many procedures match."""

    day: date
    procedures: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    target: Target
    done: int
    window: tuple[date, date] | None = None   # the best window, for windowed targets

    @property
    def met(self) -> bool:
        return self.done >= self.target.count

    @property
    def missing(self) -> int:
        return max(self.target.count - self.done, 0)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def counts_toward(target: Target, case: LoggedCase, catalogue: Catalogue) -> bool:
    category_of = catalogue.category_of
    categories = [category_of[p] for p in case.procedures if p in category_of]
    if target.category is not None:
        return any(c.code == target.category for c in categories)
    if target.kind is not None:
        return any(c.kind == target.kind for c in categories)
    return bool(categories)


def measure(target: Target, cases: list[LoggedCase], catalogue: Catalogue,
            graduation: date | None = None) -> Measure:
    """How far a resident's cases go toward one target."""
    days = sorted(c.day for c in cases if counts_toward(target, c, catalogue))
    if target.window_months is None:
        return Measure(target, len(days))
    if target.last_years is not None and graduation is not None:
        start = add_months(graduation, -12 * target.last_years)
        days = [d for d in days if start <= d <= graduation]
    best, window = 0, None
    for i, first in enumerate(days):
        end = add_months(first, target.window_months)       # the window is [first, end)
        inside = bisect.bisect_left(days, end) - i
        if inside > best:
            best, window = inside, (first, end)
    return Measure(target, best, window)


def progress(track: str, cases: list[LoggedCase], catalogue: Catalogue,
             graduation: date | None = None) -> list[Measure]:
    """Every target that binds a resident of `track`, measured."""
    return [measure(t, cases, catalogue, graduation) for t in catalogue.targets_for(track)]
