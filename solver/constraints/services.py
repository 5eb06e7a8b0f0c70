"""Weekly services: how many residents serve each week, and whom they cannot be pulled from."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """In every week a service runs, between service[i].min and service[i].max eligible
    residents serve on it, a week of holidays only included (the hospital's nights and
    weekends still need their cover; the contract says "each week"). A resident is never
    pulled onto it from a rotation (or group) in its `not_from`: no working day of the week
    may fall in a block (half block, where split) spent there. Who may serve (levels,
    tracks) and in which weeks are built into the variables (context.py): they always
    hold."""
    p = ctx.program
    for i, service in enumerate(p.services):
        for w in p.service_weeks(service):
            serving = [ctx.serve[r, w, service.code] for r in range(len(p.residents))
                       if (r, w, service.code) in ctx.serve]
            if service.min:
                ctx.require(ctx.model.add(sum(serving) >= service.min),
                            source_path("service", i, "min"))
            if service.max is not None and service.max < len(serving):
                ctx.require(ctx.model.add(sum(serving) <= service.max),
                            source_path("service", i, "max"))
        for name in service.not_from:
            for (r, w, code), lit in ctx.serve.items():
                if code != service.code:
                    continue
                for b in ctx.blocks_of_week[w]:
                    parts = (p.calendar.halves_of_segment(w, b) if ctx.splits(name)
                             else [None])
                    for k in parts:
                        on = ctx.on_half(r, b, k, name)
                        if on is not ctx.false:
                            ctx.model.add_bool_or([lit.Not(), on.Not()])
