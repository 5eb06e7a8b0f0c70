"""Days off: one day in seven free of duty, averaged over any 28 days (ACGME VI.F)."""

from __future__ import annotations

from typing import Any

from scheduler.call_rules import MINUTES_PER_DAY

from ..context import CallModel

WINDOW_DAYS = 28
DAYS_OFF = 4                 # in any 28 days

SOURCE = "duty.day_off"


def add(m: CallModel) -> None:
    """For every resident, any 28 consecutive days hold at least 4 days off: whole calendar
    days (midnight to midnight) touched by no duty at all, call from home included. This is
    stricter than the ACGME's 24 free hours, which need not start at midnight."""
    for r in range(len(m.residents)):
        free: list[Any] = []     # per day: 1 (surely off), 0 (surely working) or a literal
        for d in range(m.year.num_days):
            touching = m.around(r, d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY)
            if any(i.fixed for i in touching):
                free.append(0)
            elif not touching:
                free.append(1)
            else:
                off = m.model.new_bool_var(f"off[{r},{d}]")
                for i in touching:
                    m.model.add_bool_or([off.Not(), i.literal.Not()])
                free.append(off)
        for first in range(m.year.num_days - WINDOW_DAYS + 1):
            window = free[first:first + WINDOW_DAYS]
            sure = sum(1 for f in window if isinstance(f, int) and f == 1)
            if sure >= DAYS_OFF:
                continue
            maybe = [f for f in window if not isinstance(f, int)]
            ct = m.model.add(sum(maybe) >= DAYS_OFF - sure)
            if m.gate(SOURCE):
                ct.only_enforce_if(m.gate(SOURCE))
