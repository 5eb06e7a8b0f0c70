"""Each rotation takes between `min` and `max` residents in every block (in each half of a split
block)."""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """rotation[i].min <= residents on the rotation <= rotation[i].max, block by block; for a
    split rotation, half by half (a resident whose whole block is on it counts in both)."""
    p = ctx.program
    for i, rotation in enumerate(p.rotations):
        for b, k in itertools.product(ctx.blocks, ctx.halves_of(rotation.code)):
            on = [cell for r in ctx.takers[rotation.code]
                  for cell in ctx.cells(r, b, [rotation.code], half=k)]
            count = cp_model.LinearExpr.sum(on)
            if rotation.min > 0:
                ctx.require(ctx.model.add(count >= rotation.min),
                            source_path("rotation", i, "min"))
            if rotation.max is not None and rotation.max < len(on):
                ctx.require(ctx.model.add(count <= rotation.max),
                            source_path("rotation", i, "max"))
