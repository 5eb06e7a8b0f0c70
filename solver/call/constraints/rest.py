"""Rest: 8 hours free between duty periods (`call.rest_hours`; 0 switches it off), and 14
hours free after 24 hours of duty (ACGME VI.F; always)."""

from __future__ import annotations

from bisect import bisect_left

from ..context import CallModel, Interval

LONG_DUTY = 24 * 60          # a stretch this long needs
LONG_REST = 14 * 60          # this much rest after it

SOURCE = "duty.rest"
SOURCE_LONG = "duty.rest_after_24"


def add(m: CallModel) -> None:
    """For each pair of duty intervals a (ending at e) and b (starting s, 0 < s - e < 14 h):
    when both are worked and no duty starts at e (so a break begins there, and b ends it),
    the break must be at least `rest_hours` long, and at least 14 hours when the 24 hours
    before e were all duty."""
    rest = m.program.call.rest_hours * 60
    for r in range(len(m.residents)):
        counted = [i for i in m.intervals[r] if i.counted]
        starts = [i.start for i in counted]
        by_start: dict[int, list[Interval]] = {}
        for i in counted:
            by_start.setdefault(i.start, []).append(i)
        for a in counted:
            e = a.end
            continuing = by_start.get(e, [])
            if any(c.fixed for c in continuing):
                continue        # duty goes on at e: no break begins there
            for b in counted[bisect_left(starts, e + 1):bisect_left(starts, e + LONG_REST)]:
                gap = b.start - e
                worked = [i.literal for i in (a, b) if not i.fixed]
                go_on = [c.literal for c in continuing]
                if gap < rest:
                    clause = [lit.Not() for lit in worked] + go_on
                    ct = m.model.add_bool_or(clause or [m.true.Not()])
                    if m.gate(SOURCE):
                        ct.only_enforce_if(m.gate(SOURCE))
                else:
                    when = worked + [lit.Not() for lit in go_on]
                    m.at_most(r, e - LONG_DUTY, e, LONG_DUTY - 1, SOURCE_LONG, when)
