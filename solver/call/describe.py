"""Plain-English sentences for the call schedule's rules, as conflicts name them."""

from __future__ import annotations

from scheduler import Program
from scheduler.sources import Source
from scheduler.words import plural

from ..describe import resident, who

LIMITS = {
    "duty.hours": "no resident works more than 80 hours a week averaged over any 28 days",
    "duty.day_off": "every resident has at least 4 whole days off in any 28 days (one day "
                    "in seven)",
    "duty.continuous": "no resident works more than 24 hours in a row plus 4 for hand-over",
    "duty.rest_after_24": "after 24 hours of duty a resident has 14 hours off",
    "duty.third_night": "in-house call comes no more often than every third night",
}


def _days(days: list[str]) -> str:
    names = [d if d != "holiday" else "holidays" for d in days]
    return ", ".join(names)


def entry(program: Program, source: str) -> str:
    """What the call rule at `source` demands, in a sentence."""
    if source in LIMITS:
        return LIMITS[source]
    if source == "duty.rest":
        return (f"a resident has {program.call.rest_hours} hours off between duty periods")
    if source == "call.fairness":
        return (f"within each level, calls, weekend calls and holiday calls are at most "
                f"{program.call.fairness} apart")
    place = Source.parse(source)
    if place is None:
        raise ValueError(f"not a call source: {source!r}")
    if place.section == "call" and place.field.startswith("not_both["):
        j = int(place.field[len("not_both["):].rstrip("]"))
        first, second = program.call.not_both[j]
        return f"nobody takes call on both {first} and {second}"
    if place.section == "call_pool" and place.index is not None:
        pool = program.call_pools[place.index]
        name = f"{pool.code} ({pool.name})" if pool.name else pool.code
        span = ""
        if pool.first or pool.last:
            span = f" from {pool.first or 'the start of the year'} to " \
                   f"{pool.last or 'the end of the year'}"
        whom = who(pool)
        need = (plural(pool.need, "resident") if whom == "all residents"
                else f"{pool.need} of the {whom}")
        return f"{name} needs {need} on {_days(list(pool.days))}, {pool.hours}{span}"
    if place.section == "call_request" and place.index is not None:
        request = program.call_requests[place.index]
        person = resident(program, request.resident)
        last = f" to {request.last}" if request.last else ""
        which = f" ({request.pool})" if request.pool else ""
        if request.kind == "no_call":
            return f"{person} takes no call{which} on {request.day}{last}"
        return f"{person} is on call{which} on {request.day}"
    raise ValueError(f"not a call source: {source!r}")


def summary(program: Program, sources: list[str]) -> str:
    """The conflict in one sentence: what the pools need, but the limits that stop it."""
    demands = [entry(program, s) for s in sources
               if s.startswith(("call_pool", "call_request"))]
    limits = [entry(program, s) for s in sources
              if not s.startswith(("call_pool", "call_request"))]
    if demands and limits:
        return f"{'; '.join(demands)}, but {' and '.join(limits)}."
    return f"These cannot all hold: {'; '.join(demands or limits)}."
