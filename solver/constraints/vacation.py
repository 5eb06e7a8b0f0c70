"""Vacation weeks: how many each resident gets, how many per block, and on which rotations."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """Each resident gets exactly their vacation weeks (program default or own override), at most
    `max_vacation_weeks_per_block` of them in any block, and none in a block spent on a rotation
    with `vacation = false`."""
    p = ctx.program
    cap = p.info.max_vacation_weeks_per_block
    for r, resident in enumerate(p.residents):
        if resident.vacation_weeks is None:
            source = "program.vacation_weeks"
        else:
            source = source_path("resident", r, "vacation_weeks")
        per_block = {b: away_in_block(ctx, r, b) for b in ctx.blocks}
        ctx.require(ctx.model.add(sum(per_block.values()) == p.vacation_weeks_of(resident)),
                    source)
        if ctx.weekly:
            for b, away in per_block.items():
                if cap < len(ctx.weeks_of_block[b]):
                    ctx.require(ctx.model.add(away <= cap), "program.max_vacation_weeks_per_block")
        for i, rotation in enumerate(p.rotations):
            if not rotation.vacation:
                for b in ctx.blocks:
                    _no_vacation_on(ctx, r, b, rotation.code,
                                    source_path("rotation", i, "vacation"))


def away_in_block(ctx: ModelContext, r: int, b: int) -> cp_model.IntVar:
    """The number of vacation weeks resident r takes in block b (0/1 in the by-block encoding)."""
    return ctx.away[r, b]


def _no_vacation_on(ctx: ModelContext, r: int, b: int, code: str, source: str) -> None:
    cell = ctx.x.get((r, b, code))
    if cell is None:
        return
    if ctx.weekly:
        for w in ctx.weeks_of_block[b]:
            ctx.clause([cell.Not(), ctx.vacation[r, w].Not()], source)
    ctx.require(ctx.model.add(ctx.away[r, b] == 0).only_enforce_if(cell), source)
