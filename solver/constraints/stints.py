"""Stints of exactly N weeks on a weekly service: the weeks come in multiples of N."""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.schema import MaxConsecutiveRule, MinConsecutiveRule
from scheduler.sources import source_path

from ..context import ModelContext


def add(ctx: ModelContext) -> None:
    """Stints of a fixed length: where hard min_consecutive and max_consecutive rules bind
    a resident to runs of exactly N weeks on a weekly service (night float in two-week
    stints, say), and no run of theirs can touch the year's first or last week, which the
    min rule exempts, their weeks on it add up to a multiple of N. So do the service's
    weeks in all, when every resident who may serve it is so bound (to multiples sharing a
    divisor above 1); and those lie between the service's `min` and `max` a week, summed
    over its weeks. (Runs on a rotation or group are left alone: a resident who may take it
    at all may take it in the year's first and last block, where runs are exempt.)

    Nothing new is asked: the run rules and the service's cover imply all of it. It is
    stated because the search cannot see it: 16 residents on night float in exact two-week
    stints over 49 weeks, one a week, cannot be scheduled (49 is odd), and the search took
    17 s to prove it, longer with more residents; stated, the model's presolve proves it at
    once. In explanation mode each row holds only while the rules and cover it follows from
    are switched on, so the conflict names them.
    """
    p = ctx.program
    lows: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    highs: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for i, rule in enumerate(p.rules):
        if not rule.hard or not isinstance(rule, MinConsecutiveRule | MaxConsecutiveRule) \
                or not p.is_service(rule.target):
            continue
        kept = lows if isinstance(rule, MinConsecutiveRule) else highs
        for r, resident in enumerate(p.residents):
            if p.binds(rule, resident):
                kept[r, rule.target].append((rule.blocks, i))
    multiples: dict[str, dict[int, tuple[int, list[str]]]] = defaultdict(dict)
    for (r, target), low in lows.items():
        if (r, target) not in highs:
            continue
        n, shortest = max(low)
        m, longest = min(highs[r, target])
        on = ctx.run_literals(r, target)
        if n != m or n < 2 or on[0] is not ctx.false or on[-1] is not ctx.false:
            continue   # runs of more than one length, or one may touch the year's ends
        live = [lit for lit in on if lit is not ctx.false]
        if not live:
            continue
        sources = [source_path("rule", shortest), source_path("rule", longest)]
        stints = ctx.model.new_int_var(0, len(live) // n, "")
        _require(ctx, ctx.model.add(sum(live) == n * stints), sources)
        multiples[target][r] = (n, sources)
    for i, service in enumerate(p.services):
        if service.code in multiples:
            _service_total(ctx, i, multiples[service.code])


def _service_total(ctx: ModelContext, i: int, multiples: dict[int, tuple[int, list[str]]]
                   ) -> None:
    """Service i's weeks in all are a multiple of what every resident's total is a
    multiple of, and lie between its weekly `min` and `max` summed over its weeks."""
    p = ctx.program
    service = p.services[i]
    code = service.code
    serving = [r for r in range(len(p.residents)) if any(
        (r, w, code) in ctx.serve for w in ctx.weeks)]
    if any(r not in multiples for r in serving):
        return   # someone may serve any number of weeks
    divisor = math.gcd(*(multiples[r][0] for r in serving))
    if divisor < 2:
        return
    weeks = p.service_weeks(service)
    literals = [ctx.serve[r, w, code] for r in serving for w in weeks if (r, w, code) in ctx.serve]
    total = ctx.model.new_int_var(0, len(literals), "")
    ctx.model.add(total == sum(literals))
    sources = sorted({source for r in serving for source in multiples[r][1]})
    _require(ctx, ctx.model.add(total == divisor * ctx.model.new_int_var(
        0, len(literals) // divisor, "")), sources)
    if service.min:
        ctx.require(ctx.model.add(total >= service.min * len(weeks)),
                    source_path("service", i, "min"))
    if service.max is not None:
        cover = [sum((r, w, code) in ctx.serve for r in serving) for w in weeks]
        if any(service.max < n for n in cover):
            ctx.require(ctx.model.add(total <= sum(min(service.max, n) for n in cover)),
                        source_path("service", i, "max"))


def _require(ctx: ModelContext, constraint: cp_model.Constraint, sources: list[str]) -> None:
    """Make a constraint hold only while every one of its entries is switched on."""
    gates = [gate for gate in (ctx.gate(source) for source in sources) if gate is not None]
    if gates:
        constraint.only_enforce_if(gates)
