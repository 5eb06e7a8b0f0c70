"""Each rotation keeps `min_present` residents on it, not on vacation and not on a weekly
service, on every working day."""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """On every working day, residents on the rotation minus those away (on vacation or on a
    weekly service) >= rotation[i].min_present.

    Everything about a resident is the same on the working days one week and one block share
    (a segment), so the rule is stated once per segment; working days in no week (before week
    1, after the last) hold no vacation or service, so there the block's count must reach the
    minimum. A block with a working day states `on >= min_present` too, which the segments
    imply but which lets propagation see it at once. No sum over the block's weeks is
    stated: the weekly rows imply it, and neither the linear relaxation's bound nor the
    search gained from it on the benchmark families (docs/benchmarks.md, 2026-12-05).

    A split rotation's residents change at the middle of a block, so for it all of the above
    is stated per half block (segments of one week and one half).

    Only the ways a resident may be away *from this rotation* count (`_ways_away`): none
    on vacation from a rotation closed to it (vacation.py states that rule). Leaving it out
    here spares a helper literal per resident, week and closed rotation (*sites*, 125
    residents: 198,452 -> 172,745 variables). In explanation mode every way counts, since
    the rule that forbids it there may be switched off.
    """
    p = ctx.program
    calendar = p.calendar
    here: dict[tuple[object, ...], cp_model.LiteralT | None] = {}
    for i, rotation in enumerate(p.rotations):
        m = rotation.min_present
        if m <= 0:
            continue
        source = source_path("rotation", i, "min_present")
        ways = _ways_away(ctx, rotation.code)
        for b, k in itertools.product(ctx.blocks, ctx.halves_of(rotation.code)):
            if k is None:
                if not calendar.working_days_in_block(b):
                    continue
                weeks = ctx.weeks_of_block[b]
            else:
                if not calendar.working_days_in_half(b, k):
                    continue
                weeks = calendar.weeks_of_half(b, k)
            cells = {r: ctx.on_half(r, b, k, rotation.code) for r in ctx.takers[rotation.code]}
            cells = {r: cell for r, cell in cells.items() if cell is not ctx.false}
            on = cp_model.LinearExpr.sum(list(cells.values()))
            ctx.require(ctx.model.add(on >= m), source)
            gone: dict[int, list[cp_model.IntVar]] = {w: [] for w in weeks}
            for r, cell in cells.items():
                not_on = cell.Not()
                for w in weeks:
                    back = _back(ctx, r, w, ways, here)
                    if back is not None:
                        gone[w].append(_both(ctx, not_on, back))
            for w in weeks:
                if gone[w]:
                    row = ctx.model.add(on - cp_model.LinearExpr.sum(gone[w]) >= m)
                    ctx.loose_rows.append(row.index)
                    ctx.require(row, source)


def _ways_away(ctx: ModelContext, code: str) -> tuple[bool, frozenset[str]]:
    """How a resident on rotation `code` may be away from it in a week: whether on vacation
    (not from a rotation closed to it), and on which weekly services (by code: every one,
    even one that may not take them from it: left out too, they made the *tight* family's
    guided search two to three times slower, F2, 20 and 125 residents, though the model had
    no fewer variables; docs/benchmarks.md, twenty-first session)."""
    p = ctx.program
    services = frozenset(s.code for s in p.services)
    return ctx.explain or p.rotation_by_code[code].vacation, services


def _back(ctx: ModelContext, r: int, w: int, ways: tuple[bool, frozenset[str]],
          here: dict[tuple[object, ...], cp_model.LiteralT | None]
          ) -> cp_model.LiteralT | None:
    """A literal false when resident r is away in week w in one of the `ways`
    (`_ways_away`; None: they cannot be): the negation of their vacation literal, or where a
    weekly service may take them too, of a helper implied by each way of being away (one
    clause each), shared by every rotation's rule that week with the same ways (memoised in
    `here`)."""
    key = (r, w, ways)
    if key not in here:
        vacation, services = ways
        off = [lit for lit in ctx.off(r, w)
               if (vacation and lit is ctx.vacation.get((r, w)))
               or any(lit is ctx.serve.get((r, w, code)) for code in services)]
        if len(off) <= 1:
            here[key] = off[0].Not() if off else None
        else:
            away = ctx.helper()
            for lit in off:
                ctx.loose_rows.append(ctx.model.add_bool_or(~lit, away).index)
            ctx.loose.append(away.index)
            here[key] = away.Not()
    return here[key]


def _both(ctx: ModelContext, not_on: cp_model.LiteralT, back: cp_model.LiteralT
          ) -> cp_model.IntVar:
    """A literal implied true when the resident is on the rotation (`not_on` is false) and
    away that week (`back` is false); only ever used where the solver wants it false, so
    one clause suffices. Unnamed (`ModelContext.helper`): there are so many.

    The linear relaxation leaves it out at first (`ModelContext.loose`), and with it the
    weekly rows: relaxed, it may stay at 0 whenever the resident's share of the rotation and
    their share of the week away add up to at most 1, so the rows seldom bind there.
    Without them the relaxation took a third to a half of the time (sites F2, 125
    residents: 2.2 s against 5.0 s) and its bound was the same on the sample and every
    family program but four *tight* ones, where it fell to 0 and the relaxation's second
    answer brings the rows back (relaxation.main; docs/benchmarks.md, eleventh session)."""
    both = ctx.helper()
    ctx.loose_rows.append(ctx.model.add_bool_or(not_on, back, both).index)
    ctx.loose.append(both.index)
    return both
