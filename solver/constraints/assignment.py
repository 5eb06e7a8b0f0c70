"""Every resident has exactly one rotation in every block, among those that admit them."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """One rotation per resident per block; a rotation's `levels` and `tracks` say who may take it.

    Outside explanation mode, ineligible pairs have no variable at all. In explanation mode they
    do, and `rotation[i].levels` / `rotation[i].tracks` forbid them while switched on.
    """
    p = ctx.program
    for r, resident in enumerate(p.residents):
        for b in ctx.blocks:
            ctx.model.add_exactly_one(ctx.cells(r, b, p.rotation_by_code))
        if not ctx.explain:
            continue
        for i, rotation in enumerate(p.rotations):
            for key, value in (("levels", resident.level), ("tracks", resident.track)):
                allowed = getattr(rotation, key)
                if allowed is not None and value not in allowed:
                    for b in ctx.blocks:
                        ctx.clause([ctx.x[r, b, rotation.code].Not()],
                                   source_path("rotation", i, key))
