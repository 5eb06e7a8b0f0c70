"""Pace projection: how many cases a resident will have by graduation, at this pace.

The expected cases come from the program's own history: for every rotation, the cases per
month residents log toward a measure while on it (`Rates`). The rest of this year follows
the published schedule — each remaining block counts the cases its rotation yields per month,
for the part of the block still ahead. Years past the published one follow the resident's own
monthly pace so far. When the projection falls short, the rotation that yields the most of
that measure says how many more blocks on it close the gap: "At this pace, 430 of 500 by June
2029; 2 more IR-U blocks close the gap."

A windowed target (MQSA: 240 reads within any 6 months of the last 2 years) is projected on
its window (`project_window`): the most cases any window inside its counting period will hold,
the cases already logged in it and, for its part still ahead, the same expected cases.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from .catalogue import Target
from .progress import Measure, in_period, measure_key

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Rates:
    """Cases per resident-month on each rotation, per measure key."""

    per_month: dict[tuple[str, str], float] = field(default_factory=dict)

    def of(self, rotation: str, key: str) -> float:
        return self.per_month.get((rotation, key), 0.0)

    def best(self, key: str, allowed: set[str] | None = None) -> tuple[str, float] | None:
        """The rotation that yields the most cases of `key` a month (among `allowed`)."""
        found = [(rate, rotation) for (rotation, k), rate in self.per_month.items()
                 if k == key and rate > 0 and rotation and (allowed is None
                                                             or rotation in allowed)]
        if not found:
            return None
        rate, rotation = max(found)
        return rotation, rate


def rates_from(cases: dict[tuple[str, str], int], months: dict[str, int]) -> Rates:
    """Rates from history: cases by (rotation, key) over resident-months on each rotation."""
    return Rates({(rotation, key): n / months[rotation] for (rotation, key), n in cases.items()
                  if months.get(rotation)})


@dataclass(frozen=True)
class Stint:
    """Part of a block still ahead: the rotation and how many months of it remain."""

    rotation: str
    months: float


@dataclass(frozen=True)
class Projection:
    measure: Measure
    expected: float                      # more cases expected by graduation
    graduation: date | None
    best: tuple[str, float] | None       # (rotation, cases a month) that closes a gap fastest
    block_months: float = 1.0            # a block's length in months (4-week blocks: 0.92)

    @property
    def target(self) -> Target:
        return self.measure.target

    @property
    def projected(self) -> int:
        return self.measure.done + math.floor(self.expected)

    @property
    def on_pace(self) -> bool:
        return self.projected >= self.target.count

    @property
    def shortfall(self) -> int:
        return max(self.target.count - self.projected, 0)

    @property
    def blocks_to_close(self) -> int | None:
        """More blocks on the best rotation that would close the gap (None: no rotation
        yields these cases)."""
        if self.on_pace:
            return 0
        if self.best is None:
            return None
        return math.ceil(self.shortfall / (self.best[1] * self.block_months))

    def sentence(self) -> str:
        when = f" by {self.graduation:%B %Y}" if self.graduation else ""
        within = (f" within {self.target.window_months} months"
                  if self.target.window_months is not None else "")
        said = f"At this pace, {self.projected} of {self.target.count}{within}{when}"
        if self.on_pace:
            return said + ": on pace."
        blocks = self.blocks_to_close
        if blocks is None:
            return said + "; no rotation in the program's history yields these cases."
        words = "block closes" if blocks == 1 else "blocks close"
        rotation = self.best[0] if self.best is not None else ""
        return f"{said}; {blocks} more {rotation} {words} the gap."


def project(measure: Measure, rates: Rates, ahead: list[Stint], months_after: float,
            own_monthly: dict[str, float], graduation: date | None,
            allowed: set[str] | None = None, block_months: float = 1.0) -> Projection | None:
    """The projection of one measure (None for windowed targets, which are about the best
    window, not a total): the published blocks ahead at the rotations' rates, then the
    resident's own pace per month until graduation."""
    if measure.target.window_months is not None:
        return None
    key = measure_key(measure.target)
    expected = sum(rates.of(s.rotation, key) * s.months for s in ahead)
    expected += own_monthly.get(key, 0.0) * max(months_after, 0.0)
    return Projection(measure, expected, graduation, rates.best(key, allowed), block_months)


def project_window(measure: Measure, recent: list[tuple[date, int]], rates: Rates,
                   ahead: list[Stint], months_after: float, own_monthly: dict[str, float],
                   graduation: date | None, today: date, allowed: set[str] | None = None,
                   block_months: float = 1.0) -> Projection:
    """The projection of a windowed target: the most cases one window of `window_months`
    months, inside the counting period, will hold by graduation. A window still open counts
    the cases logged in it (`recent`: (day, cases) of the last window's length, sorted) and,
    for its days ahead, the published blocks at the rotations' rates, then the resident's
    own pace; the best window so far (`measure.done`) stands when nothing ahead beats it."""
    target = measure.target
    key = measure_key(target)
    length = (target.window_months or 0) * DAYS_PER_MONTH
    pieces, t = [], 0.0                 # (first, last, cases a day), in days from today
    for stint in ahead:
        pieces.append((t, t + stint.months * DAYS_PER_MONTH,
                       rates.of(stint.rotation, key) / DAYS_PER_MONTH))
        t += stint.months * DAYS_PER_MONTH
    pieces.append((t, t + max(months_after, 0.0) * DAYS_PER_MONTH,
                   own_monthly.get(key, 0.0) / DAYS_PER_MONTH))
    opens, _ = in_period(target, graduation)
    earliest = max(-length, (opens - today).days if opens is not None else -length)
    days = [(d - today).days for d, _ in recent]
    before = [0, *accumulate(n for _, n in recent)]

    def held(first: float) -> float:
        """Cases in the window starting `first` days from today (negative: in the past)."""
        end = first + length
        logged = (before[bisect.bisect_left(days, end)]
                  - before[bisect.bisect_left(days, max(first, earliest))])
        return logged + sum(rate * max(0.0, min(end, hi) - max(first, lo))
                            for lo, hi, rate in pieces)

    starts = {0.0, float(earliest), *map(float, days)} | {b - shift for lo, hi, _ in pieces
                                          for b in (lo, hi) for shift in (0.0, length)}
    horizon = pieces[-1][1]
    best = max([float(measure.done)] + [held(s) for s in starts if earliest <= s <= horizon])
    return Projection(measure, best - measure.done, graduation, rates.best(key, allowed),
                      block_months)
