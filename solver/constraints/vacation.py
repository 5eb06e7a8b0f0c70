"""Vacation weeks: how many each resident gets, how many days per block, and on which
rotations."""

from __future__ import annotations

from scheduler.calendar import WORKING_WEEKDAYS
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """Each resident gets exactly their vacation weeks (program default or own override).

    In each block, a resident's vacation working days are at most 5 x their
    `max_vacation_weeks_per_block` (own override, else the program's). No vacation day falls
    on a day spent on a rotation with `vacation = false`: a vacation week and a block (a half
    block, where split) on such a rotation share no working day.
    """
    p = ctx.program
    for r, resident in enumerate(p.residents):
        if resident.vacation_weeks is None:
            source = "program.vacation_weeks"
        else:
            source = source_path("resident", r, "vacation_weeks")
        weeks = [ctx.vacation[r, w] for w in ctx.weeks if (r, w) in ctx.vacation]
        ctx.require(ctx.model.add(sum(weeks) == p.vacation_weeks_of(resident)), source)
        if resident.max_vacation_weeks_per_block is None:
            cap_source = "program.max_vacation_weeks_per_block"
        else:
            cap_source = source_path("resident", r, "max_vacation_weeks_per_block")
        days_allowed = WORKING_WEEKDAYS * p.max_vacation_weeks_per_block_of(resident)
        for b in ctx.blocks:
            days = [(ctx.segments[w, b], ctx.vacation[r, w]) for w in ctx.weeks_of_block[b]
                    if (r, w) in ctx.vacation]
            if sum(n for n, _ in days) > days_allowed:
                ctx.require(ctx.model.add(sum(n * lit for n, lit in days) <= days_allowed),
                            cap_source)
        for i, rotation in enumerate(p.rotations):
            if rotation.vacation:
                continue
            closed = source_path("rotation", i, "vacation")
            for b in ctx.blocks:
                cell = ctx.x.get((r, b, rotation.code))
                if cell is None:
                    continue
                spans = [(cell, ctx.weeks_of_block[b])]
                spans += [(ctx.half[r, b, k, rotation.code], p.calendar.weeks_of_half(b, k))
                          for k in (0, 1) if (r, b, k, rotation.code) in ctx.half]
                for lit, touched in spans:
                    for w in touched:
                        if (r, w) in ctx.vacation:
                            ctx.clause([lit.Not(), ctx.vacation[r, w].Not()], closed)
