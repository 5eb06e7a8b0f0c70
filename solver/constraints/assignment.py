"""Every resident has exactly one rotation in every block (in each half of a split block), among
those that admit them."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """One rotation per resident per block; a rotation's `levels` and `tracks` say who may take it.

    With split blocks, each half of a block has exactly one rotation: the whole block's, or a
    split rotation for that half; the two halves of a split block are on different rotations
    (the same one twice is its whole block).

    Outside explanation mode, ineligible pairs have no variable at all. In explanation mode they
    do, and `rotation[i].levels` / `rotation[i].tracks` forbid them while switched on.
    """
    p = ctx.program
    for r, resident in enumerate(p.residents):
        for b in ctx.blocks:
            if not ctx.split_codes:
                ctx.model.add_exactly_one(ctx.cells(r, b, p.rotation_by_code))
                continue
            for k in (0, 1):
                ctx.model.add_exactly_one(ctx.cells(r, b, p.rotation_by_code, half=k))
            for code in ctx.split_codes:
                if (r, b, 0, code) in ctx.half:
                    ctx.model.add_at_most_one([ctx.half[r, b, 0, code], ctx.half[r, b, 1, code]])
        if not ctx.explain:
            continue
        for i, rotation in enumerate(p.rotations):
            for key, value in (("levels", resident.level), ("tracks", resident.track)):
                allowed = getattr(rotation, key)
                if allowed is not None and value not in allowed:
                    for b in ctx.blocks:
                        for part in (None, 0, 1):
                            for cell in ctx.cells(r, b, [rotation.code], half=part):
                                ctx.clause([cell.Not()], source_path("rotation", i, key))
