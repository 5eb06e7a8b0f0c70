"""Not both: pairs of dates (Christmas and New Year) no resident takes call on both of."""

from __future__ import annotations

from ..context import CallModel


def add(m: CallModel) -> None:
    """For each pair of `call.not_both`, each resident takes at most one shift starting on
    either date."""
    for j, pair in enumerate(m.program.call.not_both):
        source = f"call.not_both[{j}]"
        days = set(pair)
        for r in range(len(m.residents)):
            mine = [m.take[r, s] for s, shift in enumerate(m.shifts)
                    if shift.day in days and (r, s) in m.take]
            if len(mine) > 1:
                ct = m.model.add(sum(mine) <= 1)
                if m.gate(source):
                    ct.only_enforce_if(m.gate(source))
