"""Weekly hours: at most 80 hours of duty a week, averaged over any 28 days (ACGME VI.F)."""

from __future__ import annotations

from scheduler.call_rules import MINUTES_PER_DAY

from ..context import CallModel

WINDOW_DAYS = 28
LIMIT_MINUTES = 80 * 60 * WINDOW_DAYS // 7     # 320 hours in any 28 days

SOURCE = "duty.hours"


def add(m: CallModel) -> None:
    """For every resident and every 28 consecutive days of the year (midnight to midnight),
    counted duty (rotation work, services, in-house call) is at most 320 hours."""
    for r in range(len(m.residents)):
        for first in range(m.year.num_days - WINDOW_DAYS + 1):
            lo = first * MINUTES_PER_DAY
            m.at_most(r, lo, lo + WINDOW_DAYS * MINUTES_PER_DAY, LIMIT_MINUTES, SOURCE)
