"""Weekly hours: at most 80 hours of duty a week, averaged over any 28 days (ACGME VI.F)."""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from scheduler.call_rules import MINUTES_PER_DAY

from ..context import CallModel

WINDOW_DAYS = 28
LIMIT_MINUTES = 80 * 60 * WINDOW_DAYS // 7     # 320 hours in any 28 days

SOURCE = "duty.hours"


def add(m: CallModel) -> None:
    """For every resident and every 28 consecutive days of the year (midnight to midnight),
    counted duty (rotation work, services, in-house call) is at most 320 hours. Each day's
    minutes are counted once; each window is the one before it, one day on (the day
    that enters added, the day that leaves taken away)."""
    days = m.year.num_days
    for r in range(len(m.residents)):
        fixed = [0] * days
        varying: list[dict[int, int]] = [{} for _ in range(days)]
        literals: dict[int, Any] = {}
        for i in m.intervals[r]:
            if not i.counted:
                continue
            for d in range(i.start // MINUTES_PER_DAY, (i.end - 1) // MINUTES_PER_DAY + 1):
                if not 0 <= d < days:
                    continue
                inside = min(i.end, (d + 1) * MINUTES_PER_DAY) - max(i.start,
                                                                     d * MINUTES_PER_DAY)
                if i.fixed:
                    fixed[d] += inside
                else:
                    literals[i.literal.index] = i.literal
                    varying[d][i.literal.index] = varying[d].get(i.literal.index, 0) + inside
        window: dict[int, int] = {}     # literal -> its minutes in the window
        constant = 0
        for last in range(days):      # the window of the 28 days up to `last`
            constant += fixed[last]
            _shift(window, varying[last], 1)
            first = last - WINDOW_DAYS + 1
            if first > 0:
                constant -= fixed[first - 1]
                _shift(window, varying[first - 1], -1)
            if first < 0 or constant + sum(window.values()) <= LIMIT_MINUTES:
                continue
            ct = m.model.add(cp_model.LinearExpr.weighted_sum(
                [literals[k] for k in window], list(window.values()))
                <= LIMIT_MINUTES - constant)
            if m.gate(SOURCE):
                ct.only_enforce_if(m.gate(SOURCE))


def _shift(window: dict[int, int], day: dict[int, int], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one day's minutes per literal to the window's."""
    for key, minutes in day.items():
        left = window.get(key, 0) + sign * minutes
        if left:
            window[key] = left
        else:
            del window[key]
