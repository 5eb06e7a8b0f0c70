"""Requirements: blocks each bound resident must spend on a rotation or group."""

from __future__ import annotations

from scheduler.program import requirement_bounds
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """For every resident the requirement binds, blocks on the target this year (plus earlier
    years' history when `scope = "residency"`) lie within [min, max]; for a weekly service,
    weeks on it this year. A half block counts 0.5 (so the count is kept in halves where the
    target can fill one). A soft requirement costs `weight` per block (week) short of min or
    over max, a remaining half rounded up to a whole block."""
    p = ctx.program
    for i, requirement in enumerate(p.requirements):
        low, high = requirement_bounds(requirement)
        per = 2 if ctx.splits(requirement.target) and not p.is_service(requirement.target) \
            else 1
        for r, resident in enumerate(p.residents):
            if not p.binds(requirement, resident):
                continue
            done = 0
            if requirement.scope == "residency":
                done = p.history_count(resident, requirement.target)
            if per == 2:
                units = [ctx.on_half(r, b, k, requirement.target)
                         for b in ctx.blocks for k in (0, 1)]
            else:
                units = ctx.run_literals(r, requirement.target)
            count = sum(units) + per * done
            if requirement.hard:
                if low > done:
                    ctx.require(ctx.model.add(count >= per * low), source_path("requirement", i))
                if high is not None:
                    ctx.require(ctx.model.add(count <= per * high),
                                source_path("requirement", i))
            else:
                miss = ctx.shortfall(count, low if low > done else None, high,
                                     done + len(units) // per, f"requirement[{i}],{r}", per)
                ctx.penalize(requirement.weight or 0, miss)
