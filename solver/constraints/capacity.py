"""Each rotation takes between `min` and `max` residents in every block (in each half of a split
block)."""

from __future__ import annotations

import itertools

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """rotation[i].min <= residents on the rotation <= rotation[i].max, block by block; for a
    split rotation, half by half (a resident whose whole block is on it counts in both)."""
    p = ctx.program
    for i, rotation in enumerate(p.rotations):
        for b, k in itertools.product(ctx.blocks, ctx.halves_of(rotation.code)):
            on = [cell for r in range(len(p.residents))
                  for cell in ctx.cells(r, b, [rotation.code], half=k)]
            if rotation.min > 0:
                ctx.require(ctx.model.add(sum(on) >= rotation.min),
                            source_path("rotation", i, "min"))
            if rotation.max is not None and rotation.max < len(on):
                ctx.require(ctx.model.add(sum(on) <= rotation.max),
                            source_path("rotation", i, "max"))
