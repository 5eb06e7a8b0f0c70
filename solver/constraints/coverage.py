"""Coverage rules: how many matching residents a rotation or group needs in given blocks."""

from __future__ import annotations

from scheduler.schema import CoverageRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """In each listed block, residents matching the rule's filters on the target number between
    min and max. A soft rule costs `weight` per resident short or over, per block."""
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, CoverageRule):
            continue
        bound = [r for r, resident in enumerate(p.residents) if p.binds(rule, resident)]
        for b in p.rule_blocks(rule):
            count = sum(ctx.on(r, b, rule.target) for r in bound)
            if rule.hard:
                if rule.min:
                    ctx.require(ctx.model.add(count >= rule.min), source_path("rule", i))
                if rule.max is not None and rule.max < len(bound):
                    ctx.require(ctx.model.add(count <= rule.max), source_path("rule", i))
            else:
                miss = ctx.shortfall(count, rule.min, rule.max, len(bound), f"rule[{i}],{b}")
                ctx.penalize(rule.weight or 0, miss)
