"""Each rotation takes between `min` and `max` residents in every block."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """rotation[i].min <= residents on the rotation <= rotation[i].max, block by block."""
    p = ctx.program
    for i, rotation in enumerate(p.rotations):
        for b in ctx.blocks:
            on = [ctx.x[r, b, rotation.code] for r in range(len(p.residents))
                  if (r, b, rotation.code) in ctx.x]
            if rotation.min > 0:
                ctx.require(ctx.model.add(sum(on) >= rotation.min),
                            source_path("rotation", i, "min"))
            if rotation.max is not None and rotation.max < len(on):
                ctx.require(ctx.model.add(sum(on) <= rotation.max),
                            source_path("rotation", i, "max"))
