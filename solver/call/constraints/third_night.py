"""Every third night: in-house call no more often than every third night (ACGME VI.F),
read strictly: never two in-house nights within three days."""

from __future__ import annotations

from typing import Any

from ..context import CallModel

SOURCE = "duty.third_night"


def add(m: CallModel) -> None:
    """For every resident, the in-house call shifts that run past midnight and start on any
    three consecutive days are at most one."""
    for r in range(len(m.residents)):
        by_day: dict[int, list[Any]] = {}
        for i in m.intervals[r]:
            if i.shift is not None and i.counted and m.shifts[i.shift].overnight:
                by_day.setdefault(i.start // (24 * 60), []).append(i.literal)
        for d in sorted(by_day):
            window = [lit for k in (d, d + 1, d + 2) for lit in by_day.get(k, [])]
            if len(window) > 1:
                ct = m.model.add(sum(window) <= 1)
                if m.gate(SOURCE):
                    ct.only_enforce_if(m.gate(SOURCE))
