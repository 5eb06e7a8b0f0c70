"""Residents' requests: vacation weeks, rotations wanted (assign) and unwanted (avoid)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.schema import AssignRequest, VacationRequest
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """A hard request must hold; a soft one costs its weight when not granted in full.

    vacation: every named week is a vacation week. assign: the resident is on the target in
    every listed block (both halves of a split block). avoid: on the target in none of the
    listed blocks (default: any), neither half.
    A request about a weekly service names weeks (by dates) instead of blocks.
    """
    p = ctx.program
    index = {resident.id: r for r, resident in enumerate(p.residents)}
    for i, request in enumerate(p.requests):
        r = index[request.resident]
        if isinstance(request, VacationRequest):
            wanted: list[cp_model.LiteralT] = [ctx.vacation_lit(r, w)
                                               for w in p.request_weeks(request)]
        else:
            if p.is_service(request.target):
                lits = [ctx.serving(r, w, request.target) for w in p.request_weeks(request)]
            elif isinstance(request, AssignRequest):
                lits = [ctx.on_both(r, b, request.target) for b in p.request_blocks(request)]
            else:
                lits = [ctx.on(r, b, request.target) for b in p.request_blocks(request)]
            if isinstance(request, AssignRequest):
                wanted = list(lits)
            else:
                wanted = [lit.Not() for lit in lits]
        if request.hard:
            for lit in wanted:
                ctx.clause([lit], source_path("request", i))
        elif request.weight:
            unmet = ctx.model.new_bool_var(f"unmet[{i}]")
            for lit in wanted:
                ctx.model.add_bool_or([lit, unmet])
            ctx.penalize(request.weight, unmet)
