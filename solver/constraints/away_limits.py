"""Away limits: at most so many residents on vacation on any one working day."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """On every working day, the residents away_limit[i] binds who are on vacation number at
    most `max` (with a target: counting only those whose rotation that day is on it; a
    resident on a weekly service is not on vacation). A soft limit costs `weight` x the
    week's worst excess, per week.

    Without a target the count is the same on every working day of a week; with one it is
    the same on every working day of a segment (one week, one block, or one half block where
    the target can fill half a block).
    """
    p = ctx.program
    for i, limit in enumerate(p.away_limits):
        source = source_path("away_limit", i)
        bound = [r for r, resident in enumerate(p.residents) if p.binds(limit, resident)]
        target = limit.target
        for w in ctx.weeks:
            if not ctx.blocks_of_week[w]:
                continue  # a week of holidays only: no working day to count
            counts: list[cp_model.LinearExprT] = []
            if target is None:
                lits = [ctx.vacation[r, w] for r in bound if (r, w) in ctx.vacation]
                if len(lits) > limit.max:
                    counts.append(sum(lits))
            else:
                for b in ctx.blocks_of_week[w]:
                    for k in _parts(ctx, w, b, target):
                        lits = [_away_on(ctx, r, w, b, k, target) for r in bound
                                if (r, w) in ctx.vacation]
                        lits = [lit for lit in lits if lit is not ctx.false]
                        if len(lits) > limit.max:
                            counts.append(sum(lits))
            if not counts:
                continue
            if limit.hard:
                for count in counts:
                    ctx.require(ctx.model.add(count <= limit.max), source)
            else:
                excess = ctx.model.new_int_var(0, len(bound), f"away_excess[{i},{w}]")
                for count in counts:
                    ctx.model.add(excess >= count - limit.max)
                ctx.penalize(limit.weight or 0, excess)


def _parts(ctx: ModelContext, w: int, b: int, target: str) -> list[int | None]:
    """The parts of block b holding working days of week w that a rule about `target` is
    stated on: the halves there, for a target that can fill half a block; else the block."""
    if ctx.splits(target):
        return list(ctx.program.calendar.halves_of_segment(w, b))
    return [None]


def _away_on(ctx: ModelContext, r: int, w: int, b: int, k: int | None, target: str
             ) -> cp_model.IntVar:
    """A literal implied true when resident r is on vacation in week w while on `target` in
    half k of block b (k None: the block) (used only where the solver wants it false, so
    one clause suffices)."""
    on = ctx.on_half(r, b, k, target)
    if on is ctx.false:
        return ctx.false
    both = ctx.model.new_bool_var(f"away_on[{r},{w},{b},{k},{target}]")
    ctx.model.add_bool_or([on.Not(), ctx.vacation[r, w].Not(), both])
    return both
