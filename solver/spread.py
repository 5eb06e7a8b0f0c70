"""The secondary aims, pursued once the total penalty is settled: vacation spread out, then
requested weeks first and no block split where a whole one does as well.

Where no request or rule decides, vacation should not bunch up: among the schedules of lowest
total penalty, the one whose busiest week holds the fewest *unrequested* vacation weeks (weeks
no vacation request of that resident names) is preferred. It never raises the total: the
second search keeps the first one's total as a hard cap and starts from its schedule. It
keeps every rotation of that schedule and moves only the weeks (vacation and weekly
services): a far smaller search, which on the benchmark families finds a flatter year in a
fraction of the time the whole model took (docs/benchmarks.md).

Then the last touches (`last_touches`), with the busiest week and nearly everything else
kept: a resident whose vacation request cannot be granted whole takes the weeks they asked
for first, and each split block may become a whole block on either half's rotation where
that costs nothing (the families' format-2 programs at 125 residents split 2-177 blocks no
rule needed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from scheduler.schema import VacationRequest

from .context import ModelContext
from .stopping import AtMost

# Each search after the first (the spread, the last touches) may take this part of the
# limit, or this long where that is more (never beyond what is left of the limit). At 0.5 s,
# an outside tester's 60 residents, proven optimal at a limit of 10 s with 1.7 s left, kept
# 165 needless split blocks of 272: the last touches had 0.28 s after loading the model.
SPREAD_MIN_SECONDS = 2.0
SPREAD_SHARE = 0.05


def unrequested(ctx: ModelContext) -> dict[int, list[cp_model.IntVar]]:
    """Week -> the vacation literals that would be unrequested vacation weeks there."""
    p = ctx.program
    found: dict[int, list[cp_model.IntVar]] = {w: [] for w in ctx.weeks}
    for r, resident in enumerate(p.residents):
        if not p.vacation_weeks_of(resident):
            continue
        asked = p.requested_vacation(resident)
        for w in ctx.weeks:
            if w not in asked and (r, w) in ctx.vacation:
                found[w].append(ctx.vacation[r, w])
    return {w: lits for w, lits in found.items() if lits}


def busiest(ctx: ModelContext, taken: Callable[[cp_model.IntVar], bool]) -> int:
    """The unrequested vacation weeks of the busiest week in a solution."""
    weeks = unrequested(ctx)
    return max((sum(taken(lit) for lit in lits) for lits in weeks.values()), default=0)


def even_share(ctx: ModelContext, weeks: dict[int, list[cp_model.IntVar]]) -> int:
    """A floor under the busiest week: each resident takes at least their vacation weeks
    less the weeks they asked for as unrequested weeks, and however evenly these spread
    over the weeks that can hold one (`weeks`), some week holds their average, rounded
    up."""
    p = ctx.program
    needed = sum(max(p.vacation_weeks_of(resident) - len(p.requested_vacation(resident)), 0)
                 for resident in p.residents)
    return -(-needed // len(weeks)) if weeks else 0


def week_literals(ctx: ModelContext) -> list[cp_model.IntVar]:
    """The literals a search that keeps every rotation moves: vacation and service weeks."""
    return [*ctx.vacation.values(), *ctx.serve.values()]


def tune(parameters: Any, workers: int) -> None:
    """The second search's settings (docs/benchmarks.md, tenth and eleventh sessions). Its
    model is the whole model with every rotation fixed, so one presolve pass without CP-SAT's
    symmetry detection or probing suffices (without probing it was faster on 12 of 15
    measurements, the same on 2: *tight* F2 125, 1.1 -> 0.7 s); with fewer than 8 threads,
    the searches on the linear relaxation prove the busiest week's minimum soonest (the
    sample: 0.4 s against 1.5 s with CP-SAT's default portfolio and presolve)."""
    parameters.num_workers = workers
    parameters.symmetry_level = 0
    parameters.max_presolve_iterations = 1
    parameters.cp_model_probing_level = 0
    if workers < 8:
        parameters.subsolvers.extend(["max_lp", "default_lp"][:workers])


def fix(model: cp_model.CpModel, solution: cp_model.CpSolver,
        variables: list[cp_model.IntVar]) -> None:
    """Fix each 0/1 variable at its value in `solution`, in its own domain (presolve has no
    constraint to read: the department family's 125 residents, 1.1 s of presolve against
    1.6 s with `var == value`; one clause of them all was 0.35-0.4 s slower to presolve on
    *sites* F2, 125 residents). The values are read from the solution in one go and the
    domains' two ends set in place (0.13 s for its 100,000 rotation literals, 0.2-0.27 s
    literal by literal)."""
    values = list(solution.response_proto.solution)
    domains = model.proto.variables
    for var in variables:
        value = values[var.index]
        domain = domains[var.index].domain
        domain[0] = value
        domain[1] = value


Run = Callable[[cp_model.CpModel, cp_model.CpSolverSolutionCallback],
               tuple[cp_model.CpSolver, Any]]


def spread(ctx: ModelContext, solution: cp_model.CpSolver, total: int, run: Run
           ) -> cp_model.CpSolver | None:
    """Search again (`run` solves a model, calling a callback on each solution, and returns
    the solver and its status) for the schedule of total penalty at most `total`, with
    `solution`'s rotations, whose busiest week holds the fewest unrequested vacation weeks,
    starting from `solution`; a schedule at the even share ends the search. Returns the
    solver holding the better schedule, or None when none better was found."""
    weeks = unrequested(ctx)
    if not weeks:
        return None
    now = busiest(ctx, solution.boolean_value)
    floor = even_share(ctx, weeks)
    if now <= max(1, floor):
        return None  # no week holds two, or none can hold fewer: nothing to spread
    model = ctx.model
    fix(model, solution, [*ctx.x.values(), *ctx.half.values()])   # only the weeks move,
    ctx.hint(solution, week_literals(ctx))   # from where they are
    if ctx.objective:
        model.add(sum(w * e for w, e in ctx.objective) <= total)
    peak = model.new_int_var(0, now, "busiest_week")
    for lits in weeks.values():
        model.add(sum(lits) <= peak)
    model.clear_objective()  # type: ignore[no-untyped-call, unused-ignore]
    model.minimize(peak)
    second, status = run(model, AtMost(floor))   # none is flatter than the even share
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or second.value(peak) >= now:
        return None
    return second


def split_cells(ctx: ModelContext, solution: cp_model.CpSolver
                ) -> list[tuple[cp_model.IntVar, ...]]:
    """Each split block of `solution`, as the literals that may keep or join it: its first
    half's and its second half's, then the whole block on either half's rotation (where the
    resident may take it whole)."""
    halves: dict[tuple[int, int], list[str]] = {}
    for (r, b, k, code), var in ctx.half.items():
        if solution.boolean_value(var):
            halves.setdefault((r, b), ["", ""])[k] = code
    return [(ctx.half[r, b, 0, first], ctx.half[r, b, 1, second],
             *ctx.cells(r, b, [first, second])) for (r, b), (first, second) in halves.items()]


def asked_left(ctx: ModelContext, solution: cp_model.CpSolver
               ) -> dict[int, list[cp_model.IntVar]]:
    """Resident -> the vacation literals of the weeks named by their soft vacation requests
    that `solution` does not grant whole: such a request is unmet whichever of its weeks are
    taken, yet its resident should take the weeks they asked for first."""
    p = ctx.program
    index = {resident.id: r for r, resident in enumerate(p.residents)}
    found: dict[int, dict[int, cp_model.IntVar]] = {}
    for request in p.requests:
        if not isinstance(request, VacationRequest) or request.hard:
            continue
        r = index[request.resident]
        lits = [ctx.vacation[r, w] for w in p.request_weeks(request) if (r, w) in ctx.vacation]
        if not all(solution.boolean_value(lit) for lit in lits):
            found.setdefault(r, {}).update((lit.index, lit) for lit in lits)
    return {r: list(lits.values()) for r, lits in found.items()}


def whole_hint(model: cp_model.CpModel, solution: cp_model.CpSolver) -> None:
    """Start the next search of `model` from every value of `solution`, helper variables
    included: from a hint of its decisions alone, CP-SAT first completes the rest by a
    search of its own."""
    values = solution.response_proto.solution   # of the model it solved, a copy of
    count = min(len(values), len(model.proto.variables))   # `model` perhaps with more
    model.clear_hints()  # type: ignore[no-untyped-call, unused-ignore]
    hint = model.proto.solution_hint
    hint.vars.extend(range(count))
    hint.values.extend(list(values)[:count])


def touches(ctx: ModelContext) -> bool:
    """Whether the last touches may have work: the program splits blocks or has soft
    vacation requests."""
    return bool(ctx.split_codes) or any(isinstance(request, VacationRequest) and not request.hard
                                        for request in ctx.program.requests)


def touches_due(ctx: ModelContext, solution: cp_model.CpSolver) -> bool:
    """Whether `solution` leaves the last touches anything to do: a split block, or a week
    of a vacation request not granted whole that is not taken."""
    return bool(split_cells(ctx, solution)) or any(
        not solution.boolean_value(lit) for lits in asked_left(ctx, solution).values()
        for lit in lits)


def last_touches(ctx: ModelContext, solution: cp_model.CpSolver, total: int, lowest: int,
                 run: Run) -> cp_model.CpSolver | None:
    """Search again, from `solution` (of total penalty `total`; none is below `lowest`),
    with its busiest week of unrequested vacation and nearly everything else as it is, for
    1. a lower total, where one is within reach of the moves below (never a higher one);
    2. then, a resident whose vacation request cannot be granted whole taking the weeks it
       names first ("requested ones first", format 2): their vacation weeks may move;
    3. then, the fewest split blocks: one may become a whole block on either half's
       rotation (a split that lowers no penalty is one more change of team for the
       resident).
    Everything else is fixed, so the search is small. Returns the solver holding the better
    schedule, or None when there is none."""
    split = split_cells(ctx, solution)
    left = asked_left(ctx, solution)
    asked = [lit for lits in left.values() for lit in lits]
    taken_now = sum(solution.boolean_value(lit) for lit in asked)
    if not split and taken_now == len(asked):
        return None
    p = ctx.program
    # at most this many of the weeks asked can be taken: each resident's allowance
    reachable = sum(min(len(lits), p.vacation_weeks_of(p.residents[r]))
                    for r, lits in left.items())
    model = ctx.model
    free = [lit for cell in split for lit in cell]
    free += [lit for (r, _), lit in ctx.vacation.items() if r in left]
    fix(model, solution, [*ctx.x.values(), *ctx.half.values(), *week_literals(ctx)])
    domains = model.proto.variables
    for lit in free:   # freed again (the spread may have fixed them in their domains)
        domain = domains[lit.index].domain
        domain.clear()
        domain.extend((0, 1))
    for i in ctx.symmetry_rows:   # the other residents' rows are fixed: none can be swapped
        model.proto.constraints[i].clear_linear()   # with one whose block is joined
    whole_hint(model, solution)
    penalty = cp_model.LinearExpr.weighted_sum([e for _, e in ctx.objective],
                                               [w for w, _ in ctx.objective])
    model.add(penalty <= total)
    now = busiest(ctx, solution.boolean_value)   # no week busier than it was
    moving = {lit.index for lit in free}
    for lits in unrequested(ctx).values():
        if any(lit.index in moving for lit in lits):
            model.add(sum(lits) <= now)
    taken = cp_model.LinearExpr.sum(asked)
    splits = cp_model.LinearExpr.sum([cell[0] for cell in split])  # a first half still on
    per_week = len(split) + 1                                      # a split rotation
    per_penalty = per_week * (len(asked) + 1)   # so that each aim outweighs the next
    model.clear_objective()  # type: ignore[no-untyped-call, unused-ignore]
    model.minimize(per_penalty * penalty - per_week * taken + splits)
    aim = per_penalty * lowest - per_week * reachable   # none is better
    second, status = run(model, AtMost(aim))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    after = (second.value(penalty), -second.value(taken), second.value(splits))
    return second if after < (total, -taken_now, len(split)) else None
