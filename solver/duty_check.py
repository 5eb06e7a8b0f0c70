"""The duty checker: re-checks a duty file against the ACGME limits and the call rules.

Written apart from the call solver (it shares no code with `solver/call/` or
`scheduler/call.py`): plain Python over the periods the file lists, minute by minute where the
rule speaks of hours and day by day where it speaks of days. A hand-edited duty file is
checked the same way.

Limits (ACGME Common Program Requirements VI.F, read strictly):
- `duty.hours`: at most 320 hours of counted duty in any 28 consecutive days of the year;
- `duty.day_off`: at least 4 whole calendar days without any duty in any 28;
- `duty.continuous`: no stretch of duty (periods that touch or overlap) over 28 hours;
- `duty.rest`: `call.rest_hours` free between stretches, and `duty.rest_after_24`: 14 hours
  after a stretch of 24 hours or more;
- `duty.third_night`: two in-house call nights at least three days apart.
Counted duty is rotation work, services and in-house call; call from home counts no hours
but takes the day. With the block schedule, `duty.work`: the file lists exactly the work the
schedule fixes, each rotation's hours on its working days (a service's in its weeks, nothing
on vacation), less a rotation's day that a post-call shift or a night of service ending that
morning sends the resident home from. Then the call rules: each pool's shifts have exactly
their `need` (on the days the pool runs), residents take only pools that admit them, never
on vacation or a closed rotation (with the schedule), fairness within each level,
`not_both`, hard requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduler import Program, Schedule
from scheduler.call_rules import CallPool
from scheduler.duty_file import DutyFile
from scheduler.schema import Resident

DAY = timedelta(days=1)
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COUNTED = {"day", "service", "call"}
CALLS = {"call", "home_call"}


@dataclass(frozen=True)
class Breach:
    """One broken rule: which rule, whose, and what happened, in words."""

    source: str
    resident: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "resident": self.resident, "message": self.message}


@dataclass(frozen=True)
class _Period:
    start: datetime
    end: datetime
    kind: str
    what: str


def _hours(text: str) -> tuple[int, int]:
    """'17:00-07:00' -> (start minute, length in minutes), as the program file means it."""
    first, last = text.replace(" ", "").split("-")
    start = int(first[:2]) * 60 + int(first[3:])
    end = int(last[:2]) * 60 + int(last[3:])
    return start, (end - start) if end > start else end + 1440 - start


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


class _Checker:
    def __init__(self, program: Program, duty: DutyFile, schedule: Schedule | None):
        self.program = program
        self.schedule = schedule
        self.first_day = program.info.year_start
        self.last_day = program.calendar.year_end
        self.midnight = datetime(self.first_day.year, self.first_day.month, self.first_day.day)
        self.breaches: list[Breach] = []
        # Who the call year is about: the residents the block schedule places (without it,
        # those the duty file lists); someone placed nowhere takes no call.
        self.year_residents = set(schedule.residents if schedule is not None
                                  else duty.duty)
        self.duty: dict[str, list[_Period]] = {}
        for rid, periods in duty.duty.items():
            parsed = []
            for p in periods:
                try:
                    start, end = datetime.fromisoformat(p.start), datetime.fromisoformat(p.end)
                except ValueError:
                    self.add("duty", rid, f"unreadable time in {p.start} - {p.end}")
                    continue
                if end <= start:
                    self.add("duty", rid, f"a period ends before it starts ({p.start})")
                    continue
                parsed.append(_Period(start, end, p.kind, p.what))
            self.duty[rid] = sorted(parsed, key=lambda p: (p.start, p.end))

    def add(self, source: str, resident: str, message: str) -> None:
        self.breaches.append(Breach(source, resident, message))

    # -- the ACGME limits ------------------------------------------------------------------

    def limits(self, rid: str, periods: list[_Period]) -> None:
        counted = [p for p in periods if p.kind in COUNTED]
        for one, other in zip(counted, counted[1:], strict=False):
            if other.start < one.end:
                self.add("duty", rid, f"two duties at once: {one.what} and {other.what} "
                                      f"at {_fmt(other.start)}")
        days = (self.last_day - self.first_day).days + 1
        minutes = [0] * days           # counted minutes per day of the year
        busy = [False] * days          # any duty touches the day
        for p in periods:
            moment = p.start
            while moment < p.end:
                d = (moment.date() - self.first_day).days
                next_midnight = datetime.combine(moment.date() + DAY, datetime.min.time())
                piece_end = min(p.end, next_midnight)
                if 0 <= d < days:
                    busy[d] = True
                    if p.kind in COUNTED:
                        minutes[d] += int((piece_end - moment).total_seconds() // 60)
                moment = piece_end
        for first in range(days - 27):
            total = sum(minutes[first:first + 28])
            if total > 320 * 60:
                day = self.first_day + timedelta(days=first)
                self.add("duty.hours", rid, f"{total / 60:g} hours in the 28 days from {day} "
                                            "(at most 320: 80 a week)")
            off = busy[first:first + 28].count(False)
            if off < 4:
                day = self.first_day + timedelta(days=first)
                self.add("duty.day_off", rid, f"{off} days off in the 28 days from {day} "
                                              "(at least 4)")
        self.stretches(rid, counted)
        self.nights(rid, [p for p in periods if p.kind == "call"])

    def stretches(self, rid: str, counted: list[_Period]) -> None:
        """Merge touching duty into stretches; check their length and the rest after."""
        merged: list[list[datetime]] = []
        for p in counted:
            if merged and p.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], p.end)
            else:
                merged.append([p.start, p.end])
        rest = timedelta(hours=self.program.call.rest_hours)
        for (start, end), following in zip(merged, merged[1:] + [None], strict=True):
            length = end - start
            if length > timedelta(hours=28):
                self.add("duty.continuous", rid, f"{length.total_seconds() / 3600:g} hours in "
                                                 f"a row from {_fmt(start)} (at most 24 + 4)")
            if following is None:
                continue
            gap = following[0] - end
            if gap < rest:
                self.add("duty.rest", rid, f"{gap.total_seconds() / 3600:g} hours off after "
                                           f"{_fmt(end)} (at least {rest.seconds // 3600})")
            elif length >= timedelta(hours=24) and gap < timedelta(hours=14):
                self.add("duty.rest_after_24", rid,
                         f"{gap.total_seconds() / 3600:g} hours off after "
                         f"{length.total_seconds() / 3600:g} hours of duty ending "
                         f"{_fmt(end)} (at least 14)")

    def nights(self, rid: str, calls: list[_Period]) -> None:
        nights = sorted({p.start.date() for p in calls
                         if p.end > datetime.combine(p.start.date() + DAY, datetime.min.time())})
        for one, other in zip(nights, nights[1:], strict=False):
            if (other - one).days < 3:
                self.add("duty.third_night", rid, f"in-house call on the nights of {one} and "
                                                  f"{other} (every third night at most)")

    # -- the call rules --------------------------------------------------------------------

    def runs(self, pool: CallPool, day: date) -> bool:
        if (pool.first and day < pool.first) or (pool.last and day > pool.last):
            return False
        if day in self.program.info.holidays:
            return "holiday" in pool.days
        return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[day.weekday()] in pool.days

    def cover(self) -> None:
        """Each pool's shift on each day it runs has exactly `need` residents, and no call
        period lies outside a pool's shifts."""
        taken: dict[tuple[str, datetime, datetime], list[str]] = defaultdict(list)
        for rid, periods in self.duty.items():
            for p in periods:
                if p.kind in CALLS:
                    taken[p.what, p.start, p.end].append(rid)
        expected = set()
        self.pool_starts: dict[int, list[datetime]] = defaultdict(list)
        for i, pool in enumerate(self.program.call_pools):
            start, length = _hours(pool.hours)
            day = self.first_day
            while day <= self.last_day:
                if self.runs(pool, day):
                    begin = datetime.combine(day, datetime.min.time()) + \
                        timedelta(minutes=start)
                    key = (pool.code, begin, begin + timedelta(minutes=length))
                    expected.add(key)
                    self.pool_starts[i].append(begin)
                    who = taken.get(key, [])
                    if len(who) != pool.need:
                        self.add(f"call_pool[{i}]", "", f"{pool.code} on {day}: "
                                 f"{len(who)} on call, needs {pool.need}")
                    self.eligible(i, pool, key, who)
                day += DAY
        for key, who in taken.items():
            if key not in expected:
                for rid in who:
                    self.add("duty", rid, f"call {key[0]} at {_fmt(key[1])} is not a shift "
                                          "of any pool")

    def eligible(self, i: int, pool: CallPool, key: tuple[str, datetime, datetime],
                 who: list[str]) -> None:
        _, begin, end = key
        for rid in who:
            resident = self.program.resident_by_id.get(rid)
            if resident is None:
                self.add("duty", rid, "not a resident of the program")
                continue
            if not self._admits(pool, resident):
                self.add(f"call_pool[{i}]", rid, f"{key[0]} does not take {resident.level} "
                                                  f"{resident.track} residents ({begin.date()})")
            if self.schedule is None:
                continue
            closed: set[str] = set()
            for name in pool.not_from:
                closed |= set(self.program.resolve(name)) | {name}
            day = begin.date()
            while day <= (end - timedelta(minutes=1)).date():
                place = self.place(rid, day)
                if place is not None:
                    rotation, service, away = place
                    if away:
                        self.add(f"call_pool[{i}]", rid, f"on call ({key[0]}) during a "
                                                          f"vacation week ({day})")
                    elif rotation in closed or service in closed:
                        self.add(f"call_pool[{i}].not_from", rid,
                                 f"on call ({key[0]}) while on {service or rotation} ({day})")
                day += DAY

    def place(self, rid: str, day: date) -> tuple[str, str | None, bool] | None:
        """(rotation, service, on vacation) from the schedule, computed here on its own."""
        assert self.schedule is not None
        assignment = self.schedule.residents.get(rid)
        if assignment is None or not self.first_day <= day <= self.last_day:
            return None
        calendar = self.program.calendar
        block = calendar.block_of_day(day) or 1
        cell = assignment.rotations[block - 1]
        if isinstance(cell, tuple):
            first_half, _ = calendar.blocks[block - 1].halves
            cell = cell[0] if day <= first_half[1] else cell[1]
        week = calendar.week_of(day)
        if week is None:
            return cell, None, False
        service = next((code for code, weeks in assignment.services.items() if week in weeks),
                       None)
        return cell, service, week in assignment.vacation_weeks

    def shares(self) -> None:
        """Fairness within each level, `not_both` and hard requests."""
        calls = {rid: [p for p in periods if p.kind in CALLS]
                 for rid, periods in self.duty.items()}
        holidays = set(self.program.info.holidays)
        tests: dict[str, Callable[[datetime], bool]] = {
            "calls": lambda start: True,
            "weekend": lambda start: start.weekday() >= 5 or
            (start.weekday() == 4 and start.hour >= 12),
            "holiday": lambda start: start.date() in holidays,
        }
        gap = self.program.call.fairness
        pools = self.program.call_pools
        for level in self.program.info.levels:
            for name, test in tests.items():
                # those of the level some pool with a shift of this kind admits
                having = [pools[i] for i, starts in self.pool_starts.items()
                          if any(test(start) for start in starts)]
                members = [r.id for r in self.program.residents if r.level == level
                           and r.id in self.year_residents
                           and any(self._admits(pool, r) for pool in having)]
                counts = {rid: sum(1 for p in calls.get(rid, []) if test(p.start))
                          for rid in members}
                if len(counts) > 1 and max(counts.values()) - min(counts.values()) > gap:
                    low = min(counts, key=counts.__getitem__)
                    high = max(counts, key=counts.__getitem__)
                    said = {rid: self.program.resident_by_id[rid].called
                            for rid in (high, low)}
                    self.add("call.fairness", "", f"{level} {name}: {said[high]} has "
                             f"{counts[high]}, {said[low]} {counts[low]} "
                             f"(at most {gap} apart)")
        for j, (one, other) in enumerate(self.program.call.not_both):
            for rid, mine in calls.items():
                if sum(1 for p in mine if p.start.date() in (one, other)) > 1:
                    self.add(f"call.not_both[{j}]", rid, f"on call on both {one} and {other}")
        for i, request in enumerate(self.program.call_requests):
            if not request.is_hard:
                continue
            last = request.last or request.day
            mine = [p for p in calls.get(request.resident, [])
                    if request.day <= p.start.date() <= last
                    and (request.pool is None or p.what == request.pool)]
            if request.kind == "no_call" and mine:
                self.add(f"call_request[{i}]", request.resident,
                         f"on call on {mine[0].start.date()} (asked for no call)")
            if request.kind == "on_call" and not mine:
                self.add(f"call_request[{i}]", request.resident,
                         f"not on call on {request.day} (pinned)")

    # -- the work the block schedule fixes --------------------------------------------------

    def work(self) -> None:
        """Every resident's rotation and service periods are those the block schedule fixes,
        none missing (unless the resident was sent home that morning) and none added."""
        assert self.schedule is not None
        for rid in self.schedule.residents:
            periods = self.duty.get(rid, [])
            listed = {(p.kind, p.what, p.start, p.end) for p in periods
                      if p.kind in ("day", "service")}
            expected = set()
            day = self.first_day
            while day <= self.last_day:
                key = self._fixed(rid, day)
                if key is not None:
                    expected.add(key)
                    kind, code, begin, _ = key
                    if key not in listed and not (kind == "day"
                                                  and self._sent_home(periods, begin)):
                        self.add("duty.work", rid, f"{code} on {day} ({begin:%H:%M}) is "
                                                   "missing from the duty file")
                day += DAY
            for kind, code, begin, _ in sorted(listed - expected, key=lambda k: k[2]):
                self.add("duty.work", rid, f"{kind} {code} at {_fmt(begin)} is not work "
                                           "the block schedule fixes")

    def _fixed(self, rid: str, day: date) -> tuple[str, str, datetime, datetime] | None:
        """(kind, code, start, end) of the work the schedule fixes for the resident on `day`:
        the service's in a service week, else the rotation's; none on vacation, on a day the
        entry does not work, or on a holiday it does not work."""
        place = self.place(rid, day)
        if place is None or place[2]:
            return None
        rotation, service, _ = place
        kind, code = ("service", service) if service else ("day", rotation)
        start, length, days, on_holidays = self._work_entry(code)
        if WEEKDAY_NAMES[day.weekday()] not in days or \
                (day in self.program.info.holidays and not on_holidays):
            return None
        begin = datetime.combine(day, datetime.min.time()) + timedelta(minutes=start)
        return kind, code, begin, begin + timedelta(minutes=length)

    def _work_entry(self, code: str) -> tuple[int, int, list[str], bool]:
        """(start minute, length, days, on holidays) of a rotation's or service's work, as
        `[[work_hours]]` says it (default Monday to Friday, 07:00-17:00, not on holidays)."""
        for entry in self.program.work_hours:
            if code in (entry.rotation, entry.service):
                return (*_hours(entry.hours), list(entry.days), entry.on_holidays)
        return (*_hours("07:00-17:00"), ["Mon", "Tue", "Wed", "Thu", "Fri"], False)

    def _sent_home(self, periods: list[_Period], begin: datetime) -> bool:
        """Whether the resident goes home the morning `begin` falls on: a post-call shift or
        a night of service started before it and ends that day."""
        post_call = {pool.code for pool in self.program.call_pools if pool.post_call}
        return any(p.start < begin and (p.end - timedelta(minutes=1)).date() == begin.date()
                   and (p.kind == "service" or (p.kind in CALLS and p.what in post_call))
                   for p in periods)

    @staticmethod
    def _admits(pool: CallPool, resident: Resident) -> bool:
        return (pool.levels is None or resident.level in pool.levels) and \
            (pool.tracks is None or resident.track in pool.tracks)


def check_duty(program: Program, duty: DutyFile, schedule: Schedule | None = None
               ) -> list[Breach]:
    """Every breach of the duty-hour limits and the call rules in `duty` (with `schedule`,
    also calls on vacation or on a closed rotation, and work the schedule does not fix)."""
    checker = _Checker(program, duty, schedule)
    for rid, periods in checker.duty.items():
        checker.limits(rid, periods)
    checker.cover()
    checker.shares()
    if schedule is not None:
        checker.work()
    return checker.breaches
