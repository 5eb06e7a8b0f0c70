"""What a vacation request would break if the chief granted it as asked: the program's hard
rules that read the requested weeks alone, checked when a resident asks and when the chief
approves, so that an approved request never leaves the year without a schedule.

Only rules a request breaks by itself are read: a week already begun (which holds for a week
off a weekly service too), a hard blackout that binds the resident, and the cap of vacation
days per block. Rules that depend on the rest of the year (the weeks a resident must take,
limits on residents away, coverage) stay with the solver and its explanation.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .calendar import WORKING_WEEKDAYS, Calendar, span_in_words
from .program import Program
from .schema import Resident


def span(calendar: Calendar, week: int) -> str:
    """'week 22 (30 Nov – 6 Dec 2026)'."""
    return f"week {week} ({calendar.week_dates(week)})"


def weeks_over(calendar: Calendar, weeks: list[int], today: date) -> str | None:
    """The sentence naming the weeks (1-based) that have begun by `today`; None when none
    has. A week asked for (vacation, or off a weekly service) can no longer be planned
    then: on its Sunday, or any day of it, it is too late to give a week away."""
    begun = [w for w in weeks if calendar.week_start(w) <= today]
    if not begun:
        return None
    return (", ".join(span(calendar, w) for w in begun) + " "
            + ("has" if len(begun) == 1 else "have") + " already begun")


def vacation_conflicts(program: Program, resident: Resident, weeks: list[int],
                       today: date) -> list[str]:
    """Plain sentences, one per hard rule that vacation in `weeks` (1-based) breaks by
    itself for `resident`; empty when granting them breaks none of these."""
    calendar = program.calendar
    found: list[str] = []
    if over := weeks_over(calendar, weeks, today):
        found.append(over)
    for blackout in program.blackouts:
        if not blackout.hard or not program.binds(blackout, resident):
            continue
        touched = set(calendar.weeks_touching(blackout.first, blackout.last))
        hit = [w for w in weeks if w in touched]
        if hit:
            named = f" '{blackout.name}'" if blackout.name else ""
            found.append(f"{', '.join(span(calendar, w) for w in hit)} "
                         f"{'falls' if len(hit) == 1 else 'fall'} in the blackout{named} "
                         f"({span_in_words(blackout.first, blackout.last)})")
    cap = program.max_vacation_weeks_per_block_of(resident)
    days: Counter[int] = Counter()
    for (week, block), count in calendar.segments.items():
        if week in weeks:
            days[block] += count
    for block, count in sorted(days.items()):
        if count > WORKING_WEEKDAYS * cap:
            found.append(f"{count} working days of vacation in block {block}, where at most "
                         f"{WORKING_WEEKDAYS * cap} ({cap} week{'s' if cap != 1 else ''}) "
                         f"are allowed")
    return found
