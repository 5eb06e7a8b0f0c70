"""Mid-year re-solving: frozen blocks stay as published, later changes cost `change_weight`."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext
from .vacation import away_in_block


def add(ctx: ModelContext) -> None:
    """Blocks 1..K keep the previous schedule's rotation and vacation weeks for every resident
    it lists; each later (resident, block) cell whose rotation differs costs `change_weight`.
    Residents absent from the previous schedule are free."""
    previous = ctx.previous
    if previous is None:
        return
    p = ctx.program
    frozen_weeks = [w for w in ctx.weeks if ctx.block_of_week[w] <= ctx.freeze_through]
    for r, resident in enumerate(p.residents):
        old = previous.residents.get(resident.id)
        if old is None:
            continue
        source = source_path("previous", None, f"residents.{resident.id}")
        for b in ctx.blocks:
            code = old.rotations[b - 1] if b <= len(old.rotations) else None
            cell = ctx.x.get((r, b, code)) if code is not None else None
            if b <= ctx.freeze_through:
                ctx.clause([cell] if cell is not None else [], source)
            elif cell is None:
                ctx.penalize(p.info.change_weight, 1)
            else:
                ctx.penalize(p.info.change_weight, 1 - cell)
                ctx.model.add_hint(cell, 1)  # start the search from the published schedule
        for w in frozen_weeks:
            lit = ctx.vacation[r, w]
            ctx.clause([lit] if w in old.vacation_weeks else [lit.Not()], source)
        for b in range(1, ctx.freeze_through + 1):
            taken = sum(ctx.block_of_week[w] == b for w in old.vacation_weeks)
            ctx.require(ctx.model.add(away_in_block(ctx, r, b) == taken), source)
