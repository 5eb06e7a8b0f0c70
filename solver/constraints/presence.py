"""Each rotation keeps `min_present` residents on it and not on vacation, every week."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.schema import Rotation
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """In every week, residents on the rotation minus those on vacation >= rotation[i].min_present.

    Weekly encoding: a resident counts as present in week w when on the rotation in w's block
    and not on vacation in w.

    By-block encoding (at most one vacation week per resident per block): let n be the residents
    on the rotation in block b, P_w those of them on a *pinned* vacation week w, and F those
    taking a *free* week somewhere in b. Free weeks can be placed so that every week keeps m
    present exactly when n - P_w >= m for each week w and the spare places add up:
    sum over w of (n - m - P_w) >= F; since each resident takes at most one week in b, that is
    weeks(b) x (n - m) >= residents on the rotation who are away in b. Placing each free week
    in the week with the most spare places then never fails. The spare-places sum is left out
    where the rotation's own minimum already keeps enough residents on it to cover one absence
    each.
    """
    p = ctx.program
    for i, rotation in enumerate(p.rotations):
        if rotation.min_present <= 0:
            continue
        source = source_path("rotation", i, "min_present")
        for b in ctx.blocks:
            cells = {r: ctx.x[r, b, rotation.code] for r in range(len(p.residents))
                     if (r, b, rotation.code) in ctx.x}
            if ctx.weekly:
                _weekly(ctx, b, cells, rotation, source)
            else:
                _by_block(ctx, b, cells, rotation, source)


def _on_and(ctx: ModelContext, cell: cp_model.IntVar, lit: cp_model.IntVar, name: str
            ) -> cp_model.IntVar:
    """A literal implied true when both `cell` and `lit` are; only ever used where the solver
    wants it false, so the one clause suffices."""
    both = ctx.model.new_bool_var(name)
    ctx.model.add_bool_or([cell.Not(), lit.Not(), both])
    return both


def _weekly(ctx: ModelContext, b: int, cells: dict[int, cp_model.IntVar], rotation: Rotation,
            source: str) -> None:
    on = sum(cells.values())
    weeks = ctx.weeks_of_block[b]
    for w in weeks:
        gone = [_on_and(ctx, cell, ctx.vacation[r, w], f"gone[{r},{w},{rotation.code}]")
                for r, cell in cells.items()]
        ctx.require(ctx.model.add(on - sum(gone) >= rotation.min_present), source)
    # The weeks' sum, stated once more through the per-block vacation counts: the linear
    # relaxation then sees that residents covering each other cannot share out more vacation
    # than the block has spare places (a pigeonhole that clause learning alone finds slowly).
    counted = []
    for r, cell in cells.items():
        away_on = ctx.model.new_int_var(0, len(weeks), f"away_on[{r},{b},{rotation.code}]")
        ctx.model.add(away_on >= ctx.away[r, b] - len(weeks) * (1 - cell))
        counted.append(away_on)
    ctx.require(ctx.model.add(len(weeks) * (on - rotation.min_present) >= sum(counted)), source)


def _by_block(ctx: ModelContext, b: int, cells: dict[int, cp_model.IntVar], rotation: Rotation,
              source: str) -> None:
    m = rotation.min_present
    on = sum(cells.values())
    weeks = ctx.weeks_of_block[b]
    pinned: dict[int, list[cp_model.IntVar]] = {w: [] for w in weeks}
    for r, cell in cells.items():
        for w in weeks:
            if (r, w) in ctx.vacation:
                pinned[w].append(_on_and(ctx, cell, ctx.vacation[r, w],
                                         f"gone[{r},{w},{rotation.code}]"))
    ctx.require(ctx.model.add(on >= m), source)
    for gone in pinned.values():
        if gone:
            ctx.require(ctx.model.add(on - sum(gone) >= m), source)
    if not rotation.vacation:
        return  # no one on it is away: on >= m is the whole rule
    if max(rotation.min, m) * (len(weeks) - 1) >= len(weeks) * m:
        # With at least that many on the rotation, weeks x (on - m) >= on >= those away:
        # the spare places can never run out, and the sum needs no variables.
        return
    away = [_on_and(ctx, cell, ctx.away[r, b], f"away_on[{r},{b},{rotation.code}]")
            for r, cell in cells.items()]
    ctx.require(ctx.model.add(len(weeks) * (on - m) >= sum(away)), source)

