"""A solved year at a glance: the few figures a chief looks at before publishing.

How bunched the vacation is (the busiest week, and its unrequested weeks), what each blackout
let through, each away limit's busiest day, and each weekly service's cover and share per
level. Computed from the schedule and the calendar's dates alone; the command line prints
them under the grid.
"""

from __future__ import annotations

from collections import Counter

from .calendar import day_in_words, span_in_words
from .program import Program
from .schedule import Schedule, halves
from .words import plural


def at_a_glance(program: Program, schedule: Schedule) -> list[str]:
    """Plain sentences about the schedule's vacation, blackouts, away limits and services."""
    calendar = program.calendar
    lines: list[str] = []
    assigned = {rid: a for rid, a in schedule.residents.items() if rid in program.resident_by_id}
    away: Counter[int] = Counter()
    unasked: Counter[int] = Counter()
    for rid, assignment in assigned.items():
        asked = program.requested_vacation(program.resident_by_id[rid])
        for w in assignment.vacation_weeks:
            away[w] += 1
            unasked[w] += w not in asked
    if away:
        week, most = max(sorted(away.items()), key=lambda item: item[1])
        lines.append(f"Busiest week: week {week} ({program.calendar.week_dates(week)}), "
                     f"{plural(most, 'resident')} away ({unasked[week]} of them unrequested); "
                     f"at most {plural(max(unasked.values()), 'unrequested vacation week')} in "
                     "any week.")
    for blackout in program.blackouts:
        bound = [rid for rid in assigned if program.binds(blackout, program.resident_by_id[rid])]
        touched = set(calendar.weeks_touching(blackout.first, blackout.last))
        inside = sum(len(touched & set(assigned[rid].vacation_weeks)) for rid in bound)
        label = blackout.name or f"{blackout.first} to {blackout.last}"
        lines.append(f"Blackout '{label}' ({span_in_words(blackout.first, blackout.last)}): "
                     f"{plural(inside, 'vacation week')} among the "
                     f"{plural(len(bound), 'resident')} it binds.")
    for limit in program.away_limits:
        codes = set(program.resolve(limit.target)) if limit.target else None
        worst, on, over = 0, None, 0
        for day in calendar.days:
            found = calendar.week_of(day)
            if found is None or not calendar.is_working_day(day):
                continue
            week = found
            block, half = calendar.block_of_day(day) or 1, calendar.half_of_day(day)
            count = sum(
                1 for rid, a in assigned.items()
                if week in a.vacation_weeks
                and program.binds(limit, program.resident_by_id[rid])
                and (codes is None or halves(a.rotations[block - 1])[half] in codes))
            over += count > limit.max
            if count > worst:
                worst, on = count, day
        label = limit.name or f"at most {limit.max} away"
        when = f" (first on {day_in_words(on)})" if on is not None else ""
        # a soft limit the schedule goes over: say how often, so it does not read as broken
        paid = f"; a soft limit, over it on {plural(over, 'working day')}" if over else ""
        lines.append(f"Away limit '{label}': busiest working day has {worst} away{when}, "
                     f"limit {limit.max}{paid}.")
    for service in program.services:
        running = program.service_weeks(service)
        cover = Counter({w: 0 for w in running})
        per_level: dict[str, list[int]] = {}
        for rid, assignment in assigned.items():
            weeks = assignment.services.get(service.code, [])
            for w in weeks:
                cover[w] += 1
            resident = program.resident_by_id[rid]
            if program.binds(service, resident):
                per_level.setdefault(resident.level, []).append(len(weeks))
        counts = [cover[w] for w in running]
        shares = ", ".join(f"{level}s {min(n)}-{max(n)} weeks each"
                           for level, n in sorted(per_level.items()))
        label = service.name or service.code
        lines.append(f"{label}: {min(counts, default=0)}-{max(counts, default=0)} residents "
                     f"a week over the {len(running)} weeks it runs; {shares}.")
    return lines
