"""max_consecutive rules: no run of more than N consecutive blocks on the target."""

from __future__ import annotations

from scheduler.schema import MaxConsecutiveRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """No bound resident spends more than N consecutive blocks on the target.

    Every window of N+1 consecutive blocks holds at most N blocks on the target. When soft, a
    run of length L costs weight x (L - N): exactly the number of its (N+1)-block windows that
    are all on the target, so one penalty literal per window suffices. Windows that can never
    be all on the target (a block where the resident may not take it, or a yearly cap of N
    blocks or fewer) are left out.
    """
    p = ctx.program
    for i, rule in enumerate(p.rules):
        if not isinstance(rule, MaxConsecutiveRule):
            continue
        n = rule.blocks
        for r, resident in enumerate(p.residents):
            if not p.binds(rule, resident) or ctx.year_cap(r, rule.target) <= n:
                continue  # a resident capped at N blocks a year can never run longer
            on = ctx.run_literals(r, rule.target)
            for start in range(len(on) - n):
                window = on[start:start + n + 1]
                if any(lit is ctx.false for lit in window):
                    continue  # a block the resident cannot spend on the target breaks the run
                if rule.hard:
                    ctx.clause([lit.Not() for lit in window], source_path("rule", i))
                else:
                    excess = ctx.model.new_bool_var(f"run[{i},{r},{start}]")
                    ctx.model.add_bool_or([lit.Not() for lit in window] + [excess])
                    ctx.penalize(rule.weight or 0, excess)
