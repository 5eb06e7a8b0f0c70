"""The call year: the shifts the program's pools need and the work the block schedule fixes.

Time is counted in minutes from midnight at the start of the academic year's first day, so a
shift, a working day and a 28-day window are plain integer intervals [start, end).

- `call_shifts(program)`: every shift of every pool over the year, in time order.
- `CallYear(program, schedule)`: for each resident, the duty the block schedule fixes (a
  rotation's working hours on its working days; a weekly service's hours on its days) and
  who may take each shift: the pool admits the resident, and on every day the shift touches
  the resident is neither on vacation nor on a rotation, group or service the pool is
  closed to, and no fixed duty overlaps it.

The duty file (`duty_file.py`) writes these periods as dates and times; the duty checker
(`solver/duty_check.py`) reads them back without this module.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal, get_args

from .call_rules import HOLIDAY, MINUTES_PER_DAY, WEEKDAYS, CallPool, Hours
from .program import Program
from .schedule import Assignment, Schedule, stints
from .schema import Resident

# What a duty period is, once: rotation work, a weekly service's shift, call in the hospital,
# call from home. Call from home counts no hours but takes the day (no day off).
DutyKind = Literal["day", "service", "call", "home_call"]
DUTY_KINDS: tuple[str, ...] = get_args(DutyKind)
COUNTED_KINDS = ("day", "service", "call")


@dataclass(frozen=True)
class Period:
    """A stretch of duty [start, end) in minutes from the year's first midnight."""

    start: int
    end: int
    kind: str
    what: str

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Shift:
    """One call shift: pool `pool` (index into `program.call_pools`) starting on `day`."""

    pool: int
    code: str
    day: date
    start: int
    end: int
    in_house: bool
    post_call: bool

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def overnight(self) -> bool:
        """Whether the shift runs past midnight (it is then that night's call)."""
        return (self.start // MINUTES_PER_DAY + 1) * MINUTES_PER_DAY < self.end


def at(year_start: date, minute: int) -> str:
    """The ISO date and time of a minute of the year: '2027-07-05T07:00'."""
    moment = datetime(year_start.year, year_start.month, year_start.day) + \
        timedelta(minutes=minute)
    return moment.strftime("%Y-%m-%dT%H:%M")


def minute_of(year_start: date, text: str) -> int:
    """The minute of the year an ISO date and time names (raises ValueError)."""
    moment = datetime.fromisoformat(text)
    start = datetime(year_start.year, year_start.month, year_start.day)
    return int((moment - start).total_seconds() // 60)


def runs_on(pool: CallPool, day: date, holidays: frozenset[date]) -> bool:
    """Whether the pool has a shift starting on `day`: on a holiday only pools listing
    "holiday" run; on other days the pools listing its weekday, within `from`-`to`."""
    if pool.first is not None and day < pool.first:
        return False
    if pool.last is not None and day > pool.last:
        return False
    if day in holidays:
        return HOLIDAY in pool.days
    return WEEKDAYS[day.weekday()] in pool.days


def call_shifts(program: Program) -> list[Shift]:
    """Every shift of every call pool over the year, in time order."""
    calendar = program.calendar
    shifts = []
    for p, pool in enumerate(program.call_pools):
        hours = Hours.parse(pool.hours)
        for offset, day in enumerate(calendar.days):
            if runs_on(pool, day, calendar.holidays):
                start = offset * MINUTES_PER_DAY + hours.start
                shifts.append(Shift(p, pool.code, day, start, start + hours.length,
                                    pool.in_house, pool.post_call))
    return sorted(shifts, key=lambda s: (s.start, s.pool))


class CallYear:
    """What the block schedule fixes for the call schedule: each resident's working hours,
    vacation, services, and so who may take which shift."""

    def __init__(self, program: Program, schedule: Schedule):
        self.program = program
        self.schedule = schedule
        self.calendar = program.calendar
        self.days = list(self.calendar.days)
        self.num_days = len(self.days)

    @cached_property
    def shifts(self) -> list[Shift]:
        return call_shifts(self.program)

    def day_index(self, day: date) -> int:
        return (day - self.calendar.year_start).days

    def assignment(self, resident: Resident) -> Assignment | None:
        return self.schedule.residents.get(resident.id)

    @cached_property
    def _where(self) -> dict[str, list[tuple[str, str | None, bool]]]:
        """Per resident id, per day of the year: (rotation, service, on vacation)."""
        out: dict[str, list[tuple[str, str | None, bool]]] = {}
        weeks = self.calendar.weeks
        for resident in self.program.residents:
            assignment = self.assignment(resident)
            if assignment is None:
                continue
            rotation = [""] * self.num_days
            for stint in stints(self.calendar, assignment):
                for d in range(self.day_index(stint.start), self.day_index(stint.end) + 1):
                    rotation[d] = stint.code
            service: list[str | None] = [None] * self.num_days
            away = [False] * self.num_days
            for week in weeks:
                code = assignment.service_in(week.index)
                vacation = week.index in assignment.vacation_weeks
                for d in range(self.day_index(week.start), self.day_index(week.end) + 1):
                    service[d] = code
                    away[d] = vacation
            out[resident.id] = list(zip(rotation, service, away, strict=True))
        return out

    def where(self, resident: Resident, d: int) -> tuple[str, str | None, bool] | None:
        """(rotation, service, on vacation) of the resident on day index `d`, or None outside
        the year or when the schedule does not place them."""
        days = self._where.get(resident.id)
        if days is None or not 0 <= d < self.num_days:
            return None
        return days[d]

    def work(self, resident: Resident) -> list[Period]:
        """The duty the block schedule fixes for the resident, in time order: the
        rotation's hours on its working days, or in a service week the service's hours on its
        days; nothing in a vacation week. A rotation's day on the morning a night of service
        ends (night float's last night, Sunday to Monday 07:00) is dropped: the resident goes
        home after the night."""
        periods: list[Period] = []
        holidays = self.calendar.holidays
        for d, day in enumerate(self.days):
            place = self.where(resident, d)
            if place is None:
                continue
            rotation, service, away = place
            if away:
                continue
            code, kind = (service, "service") if service else (rotation, "day")
            entry = self.program.work_hours_of(code)
            if WEEKDAYS[day.weekday()] not in entry.days:
                continue
            if day in holidays and not entry.on_holidays:
                continue
            hours = Hours.parse(entry.hours)
            start = d * MINUTES_PER_DAY + hours.start
            night = periods[-1] if periods and periods[-1].kind == "service" else None
            if kind == "day" and night is not None \
                    and (night.end - 1) // MINUTES_PER_DAY == d and night.start < start:
                continue      # the morning after a night of service: home, no rotation work
            periods.append(Period(start, start + hours.length, kind, code))
        return periods

    def closed(self, pool: CallPool, resident: Resident, shift: Shift) -> str | None:
        """Why the resident may not take the shift (in words), or None when they may."""
        if not self.program.binds(pool, resident):
            return f"{pool.code} does not take {resident.level} {resident.track} residents"
        closed_codes = self._closed[pool.code]
        first = shift.start // MINUTES_PER_DAY
        last = (shift.end - 1) // MINUTES_PER_DAY
        for d in range(first, last + 1):
            place = self.where(resident, d)
            if place is None:
                continue
            rotation, service, away = place
            day = self.calendar.year_start + timedelta(days=d)
            if away:
                return f"{resident.called} is on vacation on {day}"
            for code in (rotation, service):
                if code is not None and code in closed_codes:
                    return f"{resident.called} is on {code} on {day}, closed to {pool.code}"
        return None

    @cached_property
    def _closed(self) -> dict[str, frozenset[str]]:
        """Pool code -> the rotations and services its `not_from` names (groups resolved)."""
        program = self.program
        return {pool.code: frozenset(
                    {code for name in pool.not_from for code in program.resolve(name)}
                    | {name for name in pool.not_from if name in program.service_by_code})
                for pool in program.call_pools}

    def may_take(self, resident: Resident, fixed: list[Period]) -> dict[int, str]:
        """Shift index -> why not, for every shift the resident may not take; the others
        are open to them (`fixed`: the resident's `work`, in time order)."""
        refused: dict[int, str] = {}
        pools = self.program.call_pools
        starts = [p.start for p in fixed]
        for s, shift in enumerate(self.shifts):
            reason = self.closed(pools[shift.pool], resident, shift)
            if reason is None:
                # Fixed periods do not overlap one another and last at most a day: only
                # the last few starting before the shift ends can overlap it.
                i = bisect_left(starts, shift.end)
                clash = next((p for p in fixed[max(0, i - 3):i]
                              if p.overlaps(shift.start, shift.end)
                              and not sent_home(shift, p)), None)
                if clash is not None:
                    reason = f"{resident.id} works {clash.what} then"
            if reason is not None:
                refused[s] = reason
        return refused


def shift_period(shift: Shift) -> Period:
    """A taken shift as a period of duty."""
    return Period(shift.start, shift.end, "call" if shift.in_house else "home_call", shift.code)


def duty_of(work: list[Period], taken: list[Shift]) -> list[Period]:
    """A resident's whole duty, in time order: their fixed `work` (`CallYear.work`), less a
    rotation's day a post-call shift sends them home from (`sent_home`), and the shifts
    they take."""
    kept = [p for p in work if not any(sent_home(shift, p) for shift in taken)]
    return sorted(kept + [shift_period(s) for s in taken], key=lambda p: (p.start, p.end))


def sent_home(shift: Shift, period: Period) -> bool:
    """Whether a post-call shift sends the resident home from `period`: a rotation's day
    on the day the shift ends, starting after the shift began (the morning after a night;
    an evening shift leaves that day's earlier work alone)."""
    return shift.post_call and period.kind == "day" \
        and period.start // MINUTES_PER_DAY == (shift.end - 1) // MINUTES_PER_DAY \
        and period.start > shift.start
