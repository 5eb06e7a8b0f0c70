"""Mid-year re-solving: frozen blocks stay as published; later changes, and published vacation
and service weeks dropped, cost `change_weight`."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """For every resident the previous schedule lists: blocks 1..K keep its rotations, and
    every week with a day in them keeps its vacation and service exactly (none added, none
    dropped). Each later (resident, block) cell whose rotation differs costs `change_weight`,
    and so does each later vacation or service week of the previous schedule that the new one
    drops (a published vacation is booked travel). Residents absent from it are free."""
    previous = ctx.previous
    if previous is None:
        return
    p = ctx.program
    frozen_until = p.blocks[ctx.freeze_through - 1].end if ctx.freeze_through else None
    frozen_weeks = {w.index for w in p.calendar.weeks
                    if frozen_until is not None and w.start <= frozen_until}
    weight = p.info.change_weight
    for r, resident in enumerate(p.residents):
        old = previous.residents.get(resident.id)
        if old is None:
            continue
        source = source_path("previous", None, f"residents.{resident.id}")
        for b in ctx.blocks:
            cell = ctx.is_cell(r, b, old.rotations[b - 1]) if b <= len(old.rotations) else None
            if b <= ctx.freeze_through:
                ctx.clause([cell] if cell is not None else [], source)
            elif cell is None:
                ctx.penalize(weight, 1)
            else:
                ctx.penalize(weight, 1 - cell)
                ctx.model.add_hint(cell, 1)  # start the search from the published schedule
        kept: set[tuple[int, str | None]] = {(w, None) for w in old.vacation_weeks}
        kept |= {(w, code) for code, weeks in old.services.items() for w in weeks}
        for w in ctx.weeks:
            ways: list[tuple[str | None, cp_model.IntVar]] = [(None, ctx.vacation_lit(r, w))]
            ways += [(s.code, ctx.serving(r, w, s.code)) for s in p.services]
            for code, lit in ways:
                was = (w, code) in kept
                if w in frozen_weeks:
                    if was:
                        ctx.clause([lit] if lit is not ctx.false else [], source)
                    elif lit is not ctx.false:
                        ctx.clause([lit.Not()], source)
                elif was:
                    ctx.penalize(weight, 1 - lit)
                    if lit is not ctx.false:
                        ctx.model.add_hint(lit, 1)
