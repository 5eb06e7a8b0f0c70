"""Vacation weeks: how many each resident gets, how many per block, and on which rotations."""

from __future__ import annotations

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """Each resident gets exactly their vacation weeks (program default or own override), at most
    `max_vacation_weeks_per_block` of them in any block, and none in a block spent on a rotation
    with `vacation = false`."""
    p = ctx.program
    cap = p.info.max_vacation_weeks_per_block
    for r, resident in enumerate(p.residents):
        weeks = [ctx.vacation[r, w] for w in ctx.weeks]
        if resident.vacation_weeks is None:
            source = "program.vacation_weeks"
        else:
            source = f"resident[{r}].vacation_weeks"
        ctx.require(ctx.model.add(sum(weeks) == p.vacation_weeks_of(resident)), source)
        for b in ctx.blocks:
            in_block = [ctx.vacation[r, w] for w in ctx.weeks_of_block[b]]
            if cap < len(in_block):
                ctx.require(ctx.model.add(sum(in_block) <= cap),
                            "program.max_vacation_weeks_per_block")
        for i, rotation in enumerate(p.rotations):
            if rotation.vacation:
                continue
            for b in ctx.blocks:
                cell = ctx.x.get((r, b, rotation.code))
                if cell is None:
                    continue
                for w in ctx.weeks_of_block[b]:
                    ctx.clause([cell.Not(), ctx.vacation[r, w].Not()], f"rotation[{i}].vacation")
