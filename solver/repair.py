"""A first schedule by way of the year without its weekly presence rows.

On *tight* programs finding any schedule is the hard part: the relaxation's bound is the
optimum within a second, the search it guides finds nothing in its neighbourhood, and the
searches on the whole model took 13-34 s to a first schedule (125 residents, months). Most
of what makes them hard is the presence rule's weekly rows (a rotation's minimum, week by
week, less those away): without them the same search proved an optimum equal to the
relaxation's bound in 2-3 s (its schedules leaving some rotations short in 50-90 weeks).

So, where neither the guided search nor the tuned search aimed at the bound found any
schedule (engine._guided; a bound of 0 is never aimed at), unless the relaxation's bound
needed the weekly rows (its second answer, with them, was higher: the rows then set the
bound, and schedules without them are far from any that keeps them):

1. Search the model without the weekly rows (`without_weekly_rows`), aimed at the bound.
   It has fewer rules, so what it proves is a bound for the whole model too.
2. Keep that schedule's rotations and move only its weeks (vacation and weekly services) on
   the whole model (`weeks_moved`): with the rotations fixed it is a small search, and
   gives a schedule that keeps every rule, at a higher penalty (14-27 on *tight*, where
   the optimum is 0-1).
3. The engine's searches go on from it on the whole model, walking down to the bound
   (3-6 s there, against the 10-30 s the searches took to any schedule).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from . import spread
from .context import ModelContext


def without_weekly_rows(ctx: ModelContext) -> cp_model.CpModel:
    """A copy of the model without the presence rule's weekly rows and the clauses of
    their helper literals (`ModelContext.loose_rows`), which are left free; the blocks'
    own presence rows stay."""
    model = ctx.model.clone()
    constraints = model.proto.constraints
    for i in ctx.loose_rows:
        constraints[i].clear_linear()
        constraints[i].clear_bool_or()
    return model


def weeks_moved(ctx: ModelContext, solution: cp_model.CpSolver, run: spread.Run,
                stop: cp_model.CpSolverSolutionCallback) -> cp_model.CpSolver | None:
    """The best schedule of the whole model with `solution`'s rotations, searched from its
    weeks (`run` solves a copy of the model, calling `stop` on each schedule); None when
    there is none, or none was found in time."""
    model = ctx.model.clone()
    spread.fix(model, solution, [*ctx.x.values(), *ctx.half.values()])
    ctx.hint(solution, spread.week_literals(ctx), model)
    second, status = run(model, stop)
    return second if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

