"""Prerequisite rules: the target only after the required rotation or group."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.schema import PrerequisiteRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """A block on the target needs a block on `requires` earlier this year, unless `requires`
    is in the resident's history. When soft, each target block without it costs `weight`."""
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, PrerequisiteRule):
            continue
        for r, resident in enumerate(p.residents):
            if not p.binds(rule, resident) or p.history_count(resident, rule.requires) > 0:
                continue
            before: list[cp_model.LiteralT] = []
            for b in ctx.blocks:
                target = ctx.on(r, b, rule.target)
                if target is not ctx.false:
                    clause = [target.Not()] + list(before)
                    if rule.hard:
                        ctx.clause(clause, source_path("rule", i))
                    else:
                        missing = ctx.model.new_bool_var(f"prereq[{i},{r},{b}]")
                        ctx.model.add_bool_or(clause + [missing])
                        ctx.penalize(rule.weight or 0, missing)
                before.append(ctx.on(r, b, rule.requires))
