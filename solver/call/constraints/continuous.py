"""Continuous duty: at most 24 hours in a row, plus up to 4 for hand-over (ACGME VI.F)."""

from __future__ import annotations

from ..context import CallModel

LIMIT_MINUTES = (24 + 4) * 60

SOURCE = "duty.continuous"


def add(m: CallModel) -> None:
    """No resident's duty runs without a break for more than 28 hours: the 28 hours and one
    minute after any start of duty are never all on duty (intervals that touch are one
    stretch; duty of a resident never overlaps, so the minutes simply add up)."""
    for r in range(len(m.residents)):
        for start in sorted({i.start for i in m.intervals[r] if i.counted}):
            m.at_most(r, start, start + LIMIT_MINUTES + 1, LIMIT_MINUTES, SOURCE)
