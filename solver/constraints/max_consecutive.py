"""max_consecutive rules: no run of more than N consecutive blocks on the target."""

from __future__ import annotations

from scheduler.schema import MaxConsecutiveRule

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """No bound resident spends more than N consecutive blocks on the target.

    Every window of N+1 consecutive blocks holds at most N blocks on the target. When soft, a
    run of length L costs weight x (L - N): exactly the number of its (N+1)-block windows that
    are all on the target, so one penalty literal per window suffices.
    """
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, MaxConsecutiveRule):
            continue
        n = rule.blocks
        for r, resident in enumerate(p.residents):
            if not p.binds(rule, resident):
                continue
            on = [ctx.on(r, b, rule.target) for b in ctx.blocks]
            for start in range(len(on) - n):
                window = on[start:start + n + 1]
                if rule.hard:
                    ctx.clause([lit.Not() for lit in window], f"rule[{i}]")
                else:
                    excess = ctx.model.new_bool_var(f"run[{i},{r},{start}]")
                    ctx.model.add_bool_or([lit.Not() for lit in window] + [excess])
                    ctx.penalize(rule.weight or 0, excess)
