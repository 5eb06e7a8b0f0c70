"""A resident's case counts against the program's targets.

`measure(target, cases, catalogue, graduation)` counts the cases a target counts: all of
them, one kind (procedures, not reading logs), or one category. A windowed target (FDA MQSA:
240 mammograms within any 6 months of the last 2 years) counts the best window: the most
cases inside any `window_months` months that lie within the last `last_years` years before
graduation.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

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


ALL = "*"


# The prefixes of measure keys: the one definition the Python and the SQL halves of the tally
# both build their keys from.
CATEGORY_KEY = "cat:"
KIND_KEY = "kind:"


def category_key(code: str) -> str:
    """The measure key counting one category's cases."""
    return CATEGORY_KEY + code


def kind_key(kind: str) -> str:
    """The measure key counting one kind's cases (procedures or readings)."""
    return KIND_KEY + kind


def measure_key(target: Target) -> str:
    """What a target counts, as a key: every case (`*`), one kind (`kind:reading`) or one
    category (`cat:EMBO`). Running tallies are kept per key."""
    if target.category is not None:
        return category_key(target.category)
    if target.kind is not None:
        return kind_key(target.kind)
    return ALL


def case_keys(procedures: Iterable[str], catalogue: Catalogue) -> set[str]:
    """Every measure key a case with these procedure codes counts toward (once each)."""
    category_of = catalogue.category_of
    categories = [category_of[p] for p in procedures if p in category_of]
    keys = {category_key(c.code) for c in categories} | {kind_key(c.kind) for c in categories}
    return keys | {ALL} if categories else keys


def counts_toward(target: Target, case: LoggedCase, catalogue: Catalogue) -> bool:
    return measure_key(target) in case_keys(case.procedures, catalogue)


def in_period(target: Target, graduation: date | None) -> tuple[date | None, date | None]:
    """The days a windowed target may count: the last `last_years` before graduation, from
    the day after the same date `last_years` earlier (graduating 30 June 2031, the last two
    years begin on 1 July 2029: the first day of that training year, not its eve)."""
    if target.last_years is None or graduation is None:
        return None, None
    return add_months(graduation, -12 * target.last_years) + timedelta(days=1), graduation


def best_window(daily: list[tuple[date, int]], months: int
                ) -> tuple[int, tuple[date, date] | None]:
    """The most cases inside any window of `months` months, from (day, cases) sorted by day:
    the count and the window [first, end)."""
    days = [d for d, _ in daily]
    before = [0, *accumulate(n for _, n in daily)]
    best, window = 0, None
    for i, first in enumerate(days):
        end = add_months(first, months)
        inside = before[bisect.bisect_left(days, end)] - before[i]
        if inside > best:
            best, window = inside, (first, end)
    return best, window


def measure(target: Target, cases: list[LoggedCase], catalogue: Catalogue,
            graduation: date | None = None) -> Measure:
    """How far a resident's cases go toward one target."""
    counted = [c.day for c in cases if counts_toward(target, c, catalogue)]
    if target.window_months is None:
        return Measure(target, len(counted))
    start, end = in_period(target, graduation)
    daily = sorted(Counter(d for d in counted
                           if start is None or end is None or start <= d <= end).items())
    return Measure(target, *best_window(daily, target.window_months))


def progress(track: str, cases: list[LoggedCase], catalogue: Catalogue,
             graduation: date | None = None) -> list[Measure]:
    """Every target that binds a resident of `track`, measured."""
    return [measure(t, cases, catalogue, graduation) for t in catalogue.targets_for(track)]
