"""Each rotation keeps `min_present` residents on it and not on vacation, every week."""

from __future__ import annotations

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """In every week, residents on the rotation minus those on vacation >= rotation[i].min_present.

    A resident counts as present in week w when on the rotation in w's block and not on
    vacation in w; `present` may only be true when both hold, and the sum must reach the bound.
    """
    p = ctx.program
    for i, rotation in enumerate(p.rotations):
        if rotation.min_present <= 0:
            continue
        for w in ctx.weeks:
            b = ctx.block_of_week[w]
            present = []
            for r in range(len(p.residents)):
                cell = ctx.x.get((r, b, rotation.code))
                if cell is None:
                    continue
                here = ctx.model.new_bool_var(f"present[{r},{w},{rotation.code}]")
                ctx.model.add_implication(here, cell)
                ctx.model.add_implication(here, ctx.vacation[r, w].Not())
                present.append(here)
            ctx.require(ctx.model.add(sum(present) >= rotation.min_present),
                        f"rotation[{i}].min_present")
