"""Pace projection: how many cases a resident will have by graduation, at this pace.

The expected cases come from the program's own history: for every rotation, the cases per
month residents log toward a measure while on it (`Rates`). The rest of this year follows
the published schedule — each remaining block counts the cases its rotation yields per month,
for the part of the block still ahead. Years past the published one follow the resident's own
monthly pace so far. When the projection falls short, the rotation that yields the most of
that measure says how many more blocks on it close the gap: "At this pace, 430 of 500 by June
2029; 2 more IR-U blocks close the gap."
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from .catalogue import Target
from .progress import Measure, measure_key

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
        said = f"At this pace, {self.projected} of {self.target.count}{when}"
        if self.on_pace:
            return said + ": on pace."
        blocks = self.blocks_to_close
        if blocks is None:
            return said + "; no rotation in the program's history yields these cases."
        plural = "block" if blocks == 1 else "blocks"
        rotation = self.best[0] if self.best is not None else ""
        return f"{said}; {blocks} more {rotation} {plural} close the gap."


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
