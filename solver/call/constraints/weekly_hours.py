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
    minutes are counted once; a window adds up its 28 days."""
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
        for first in range(days - WINDOW_DAYS + 1):
            constant = sum(fixed[first:first + WINDOW_DAYS])
            coefficients: dict[int, int] = {}
            for day in varying[first:first + WINDOW_DAYS]:
                for key, minutes in day.items():
                    coefficients[key] = coefficients.get(key, 0) + minutes
            if constant + sum(coefficients.values()) <= LIMIT_MINUTES:
                continue
            ct = m.model.add(cp_model.LinearExpr.weighted_sum(
                [literals[k] for k in coefficients], list(coefficients.values()))
                <= LIMIT_MINUTES - constant)
            if m.gate(SOURCE):
                ct.only_enforce_if(m.gate(SOURCE))
