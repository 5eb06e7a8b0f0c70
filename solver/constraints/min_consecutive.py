"""min_consecutive rules: every run on the target lasts at least N blocks."""

from __future__ import annotations

from scheduler.schema import MinConsecutiveRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """Every run of blocks on the target lasts N blocks or more, except a run that touches
    block 1 or the last block.

    A too-short run of length k < N starting at block s is the pattern: off at s-1, on at
    s..s+k-1, off at s+k. Each such pattern is forbidden (hard) or, when soft, flags a literal
    costing weight x (N - k); runs match exactly one pattern, so the penalty is exact.
    """
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, MinConsecutiveRule):
            continue
        n = rule.blocks
        for r, resident in enumerate(p.residents):
            if not p.binds(rule, resident) or ctx.year_cap(r, rule.target) == 0:
                continue
            on = ctx.run_literals(r, rule.target)
            last = len(on) - 1
            for start in range(1, last):
                for k in range(1, n):
                    end = start + k  # first block after the run (0-based)
                    if end > last:
                        break
                    if any(lit is ctx.false for lit in on[start:end]):
                        break  # the run cannot cover a block the resident may not take
                    pattern = [on[start - 1]] + [lit.Not() for lit in on[start:end]] + [on[end]]
                    if rule.hard:
                        ctx.clause(pattern, source_path("rule", i))
                    else:
                        short = ctx.model.new_bool_var(f"short_run[{i},{r},{start},{k}]")
                        ctx.model.add_bool_or(pattern + [short])
                        ctx.penalize((rule.weight or 0) * (n - k), short)
