"""Cover: every shift of every call pool has exactly the residents it needs."""

from __future__ import annotations

from ..context import CallModel


def add(m: CallModel) -> None:
    """Each shift of pool P is taken by exactly P's `need` residents (`call_pool[i]`). A
    pool switched off in an explanation asks for nobody but still takes no more."""
    for s, shift in enumerate(m.shifts):
        need = m.program.call_pools[shift.pool].need
        takers = m.taken_by(s)
        source = f"call_pool[{shift.pool}]"
        m.model.add(sum(takers) <= need)
        ct = m.model.add(sum(takers) >= need)
        if m.gate(source):
            ct.only_enforce_if(m.gate(source))
