"""Blackouts: periods in which the residents a blackout binds take no vacation day."""

from __future__ import annotations

from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """No bound resident has a vacation week with a working day inside blackout[i]'s period.
    A soft blackout costs `weight` per vacation week touching it."""
    p = ctx.program
    for i, blackout in enumerate(p.blackouts):
        weeks = p.calendar.weeks_touching(blackout.first, blackout.last)
        source = source_path("blackout", i)
        for r, resident in enumerate(p.residents):
            if not p.binds(blackout, resident):
                continue
            for w in weeks:
                if (r, w) not in ctx.vacation:
                    continue
                if blackout.hard:
                    ctx.clause([ctx.vacation[r, w].Not()], source)
                else:
                    ctx.penalize(blackout.weight or 0, ctx.vacation[r, w])
