"""Whole blocks where splitting one gains nothing: a secondary aim, pursued once the total
penalty is settled.

A split block (format 2's `split_blocks`) means two rotations in one month: two sets of
hand-overs, two places to be. Where no rule or request needs it, a chief keeps the block
whole. So, among the schedules of lowest total penalty, the one with the fewest split blocks
is preferred: a second search keeps the first one's total as a hard cap, starts from its
schedule, and minimises the blocks split. It never raises the total. (An outside tester's
60 residents with split rotations got 366 split blocks of 780, none of them needed.)
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .context import ModelContext
from .spread import Run
from .stopping import AtMost


def firsts(ctx: ModelContext) -> list[cp_model.IntVar]:
    """One literal per split block: its first half's rotation (a block is split exactly
    when one of them holds, assignment.py)."""
    return [var for (_, _, k, _), var in ctx.half.items() if k == 0]


def fewer_splits(ctx: ModelContext, solution: cp_model.CpSolver, total: int, run: Run
                 ) -> cp_model.CpSolver | None:
    """Search again (`run`, as the spread's) for a schedule of total penalty at most `total`
    with fewer split blocks than `solution`'s, starting from it, on a copy of the model (the
    spread then fixes the rotations on the model itself). Returns the solver holding the
    better schedule, or None when none was found."""
    split = firsts(ctx)
    now = sum(solution.boolean_value(var) for var in split)
    if now == 0:
        return None
    model = ctx.model.clone()
    objective = model.proto.objective
    if objective.vars:   # the total, as the model's own objective counts it, capped
        terms = [model.get_int_var_from_proto_index(i) for i in objective.vars]
        model.add(cp_model.LinearExpr.weighted_sum(terms, list(objective.coeffs))
                  <= round(total / (objective.scaling_factor or 1.0) - objective.offset))
    model.clear_objective()  # type: ignore[no-untyped-call, unused-ignore]
    model.minimize(sum(model.get_bool_var_from_proto_index(var.index) for var in split))
    ctx.hint(solution, model=model)   # from where it is
    second, status = run(model, AtMost(0))   # no split block at all ends the search
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or second.objective_value >= now:
        return None
    return second
