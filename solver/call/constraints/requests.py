"""Residents' call requests: no call on given dates, or on call on a date (pins)."""

from __future__ import annotations

from scheduler.call_rules import CallRequest

from ..context import CallModel


def shifts_of(m: CallModel, request: CallRequest, r: int) -> list[int]:
    """The shifts a request is about that are open to its resident: starting on its date
    (through `to`), of its pool when it names one."""
    last = request.last or request.day
    return [s for s, shift in enumerate(m.shifts)
            if request.day <= shift.day <= last and (r, s) in m.take
            and (request.pool is None or shift.code == request.pool)]


def add(m: CallModel) -> None:
    """A hard `no_call` keeps the resident off those shifts and a hard `on_call` puts them
    on one; a soft one costs its weight when not met."""
    index = {resident.id: r for r, resident in enumerate(m.residents)}
    for i, request in enumerate(m.program.call_requests):
        r = index.get(request.resident)
        if r is None:
            continue
        taken = [m.take[r, s] for s in shifts_of(m, request, r)]
        source = f"call_request[{i}]"
        if request.is_hard:
            if request.kind == "no_call":
                cts = [m.model.add(lit == 0) for lit in taken]
            else:
                cts = [m.model.add(sum(taken) >= 1)]
            for ct in cts:
                if m.gate(source):
                    ct.only_enforce_if(m.gate(source))
            continue
        if m.explain:
            continue
        unmet = m.model.new_bool_var(f"unmet[{i}]")
        if request.kind == "no_call":
            for lit in taken:
                m.model.add_implication(lit, unmet)
        else:
            m.model.add(sum(taken) + unmet >= 1)
        m.unmet[i] = unmet
        m.objective.append((request.weight, unmet))
