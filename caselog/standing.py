"""Where a resident stands on each target: one verdict, from the count and the pace
projection together, so no page says "behind" and "on pace" of the same target at once.

- met: the count (for a windowed target, its best window) reaches the target;
- on pace: not met yet, and the projection reaches it by graduation: nothing to worry about,
  however far the count is from the target today (an R1 is not behind on a target due at
  graduation);
- not yet: a windowed target whose counting period (the last `last_years` before graduation)
  has not begun: nothing can count toward it yet;
- off pace: the projection falls short by graduation (or graduation came short).

A resident's standing is their worst target's: off pace if any target is, else on pace if
any is still to be met (on pace or not yet), else met (every target met, or none binds them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .pace import Projection
from .progress import Measure, in_period

MET, ON_PACE, NOT_YET, OFF_PACE = "met", "on pace", "not yet", "off pace"
STANDINGS = (OFF_PACE, ON_PACE, MET)     # a resident's, worst first


@dataclass(frozen=True)
class Verdict:
    """One target of one resident: its measure, its state, the projection it rests on, and
    for a target not counting yet, the day it opens."""

    measure: Measure
    state: str
    projection: Projection | None = None
    opens: date | None = None

    @property
    def off_pace(self) -> bool:
        return self.state == OFF_PACE

    def words(self) -> str:
        """The verdict in a few words, for a table cell."""
        if self.state == NOT_YET and self.opens is not None:
            return f"counts from {self.opens.day} {self.opens:%B %Y}"
        if self.state in (ON_PACE, OFF_PACE) and self.projection is not None:
            window = self.measure.target.window_months
            within = f" within {window} months" if window is not None else ""
            when = (f" by {self.projection.graduation:%B %Y}"
                    if self.projection.graduation else "")
            return f"{self.state}: {self.projection.projected}{within}{when}"
        return self.state


def verdict(measure: Measure, projection: Projection | None, graduation: date | None,
            today: date) -> Verdict:
    """The one verdict on a target (see the module)."""
    if measure.met:
        return Verdict(measure, MET, projection)
    opens, _ = in_period(measure.target, graduation)
    if measure.target.window_months is not None and opens is not None and opens > today:
        return Verdict(measure, NOT_YET, projection, opens)
    if projection is not None and projection.on_pace:
        return Verdict(measure, ON_PACE, projection)
    return Verdict(measure, OFF_PACE, projection)


def standing(verdicts: list[Verdict]) -> str:
    """A resident's standing: their worst target's (see the module)."""
    states = {v.state for v in verdicts}
    if OFF_PACE in states:
        return OFF_PACE
    return ON_PACE if states & {ON_PACE, NOT_YET} else MET
