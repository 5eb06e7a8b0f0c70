"""Coverage rules: how many matching residents a rotation or group needs in given blocks."""

from __future__ import annotations

from scheduler.schema import CoverageRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """In each listed block, residents matching the rule's filters on the target number between
    min and max (in each half, where the target can fill half a block). A soft rule costs
    `weight` per resident short or over, per block; a split block is charged for its worse
    half."""
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, CoverageRule):
            continue
        bound = [r for r, resident in enumerate(p.residents) if p.binds(rule, resident)]
        for b in p.rule_blocks(rule):
            misses = []
            for k in ctx.halves_of(rule.target):
                count = sum(ctx.on_half(r, b, k, rule.target) for r in bound)
                if rule.hard:
                    if rule.min:
                        ctx.require(ctx.model.add(count >= rule.min), source_path("rule", i))
                    if rule.max is not None and rule.max < len(bound):
                        ctx.require(ctx.model.add(count <= rule.max), source_path("rule", i))
                else:
                    misses.append(ctx.shortfall(count, rule.min, rule.max, len(bound),
                                                f"rule[{i}],{b},{k}"))
            if len(misses) == 1:
                ctx.penalize(rule.weight or 0, misses[0])
            elif misses:
                worse = ctx.model.new_int_var(0, len(bound), f"worse[rule[{i}],{b}]")
                for miss in misses:
                    ctx.model.add(worse >= miss)
                ctx.penalize(rule.weight or 0, worse)
