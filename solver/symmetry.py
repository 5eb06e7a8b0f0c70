"""Symmetry breaking between interchangeable residents.

Residents of the same level and track, with the same history and vacation allowance, named by
no request and absent from any previous schedule, are interchangeable: swapping their rows
turns any schedule into another with the same penalty. Ordering them by their first block's
rotation removes those copies from the search without losing any optimal schedule.
"""

from __future__ import annotations

from collections import defaultdict

from .context import ModelContext


def interchangeable(ctx: ModelContext) -> list[list[int]]:
    """Classes (of two or more) of residents no rule tells apart."""
    p = ctx.program
    named = {request.resident for request in p.requests}
    if ctx.previous is not None:
        named |= set(ctx.previous.residents)
    classes: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for r, resident in enumerate(p.residents):
        if resident.id in named:
            continue
        key = (resident.level, resident.track, p.vacation_weeks_of(resident),
               p.max_vacation_weeks_per_block_of(resident),
               tuple(sorted(resident.history.items())))
        classes[key].append(r)
    return [members for members in classes.values() if len(members) > 1]


def add(ctx: ModelContext) -> None:
    """Within each class, the first block's rotation (by file order) never decreases."""
    order = {code: k for k, code in enumerate(ctx.program.rotation_by_code)}
    first = ctx.blocks[0]
    for members in interchangeable(ctx):
        ranks = [
            sum(k * ctx.x[r, first, code] for code, k in order.items() if (r, first, code) in ctx.x)
            for r in members
        ]
        for low, high in zip(ranks, ranks[1:], strict=False):
            ctx.symmetry_rows.append(ctx.model.add(low <= high).index)
