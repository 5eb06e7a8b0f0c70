"""Checks on the call rules that need the whole program file (`call_rules.py` has the
entries' shapes): known codes and residents, dates inside the year, a pool someone may take,
pools that would double-book the same residents, the request budget."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .call_rules import WEEKDAYS, CallPool, Hours
from .program import Program

Report = Callable[[str, str], None]
WEEK_MINUTES = 7 * 24 * 60


def check_call(program: Program, report: Report, indexed: dict[str, list[tuple[int, Any]]]
               ) -> None:
    """Report every problem of the call sections (`indexed`: section -> (position, entry)
    of its valid entries)."""
    _Checks(program, report).run(indexed)


class _Checks:
    def __init__(self, program: Program, report: Report):
        self.program = program
        self.report = report
        self.info = program.info                      # None when [program] is invalid
        self.calendar = program.calendar if self.info is not None else None

    def run(self, indexed: dict[str, list[tuple[int, Any]]]) -> None:
        self.settings()
        self.work_hours(indexed.get("work_hours", []))
        pools = indexed.get("call_pool", [])
        for i, pool in pools:
            self.pool(f"call_pool[{i}]", pool)
        self.duplicate_pools(pools)
        self.overlapping_pools(pools)
        self.requests(indexed.get("call_request", []))

    def in_year(self, path: str, day: Any) -> None:
        if self.calendar is not None and not self.calendar.in_year(day):
            cal = self.calendar
            self.report(path, f"{day} is outside the year ({cal.year_start} to {cal.year_end})")

    def settings(self) -> None:
        for j, pair in enumerate(self.program.call.not_both):
            for k, day in enumerate(pair):
                self.in_year(f"call.not_both[{j}][{k}]", day)
            if pair[0] == pair[1]:
                self.report(f"call.not_both[{j}]", f"the two dates are the same ({pair[0]})")

    def work_hours(self, entries: list[tuple[int, Any]]) -> None:
        seen: dict[str, int] = {}
        for i, entry in entries:
            path = f"work_hours[{i}]"
            named = [key for key in ("rotation", "service") if getattr(entry, key) is not None]
            if len(named) != 1:
                self.report(path, "give one of rotation or service")
                continue
            key = named[0]
            code = getattr(entry, key)
            known = (self.program.rotation_by_code if key == "rotation"
                     else self.program.service_by_code)
            if code not in known:
                self.report(f"{path}.{key}", f"unknown {key} '{code}'")
            if code in seen:
                self.report(f"{path}.{key}", f"'{code}' already has its hours "
                                             f"(work_hours[{seen[code]}])")
            seen.setdefault(code, i)

    def pool(self, path: str, pool: CallPool) -> None:
        program = self.program
        if pool.code in program.rotation_by_code or pool.code in program.service_by_code:
            self.report(f"{path}.code", f"'{pool.code}' is already a rotation or service code")
        if self.info is not None:
            for key, known in (("levels", self.info.levels), ("tracks", self.info.tracks)):
                for j, value in enumerate(getattr(pool, key) or []):
                    if value not in known:
                        self.report(f"{path}.{key}[{j}]", f"unknown {key[:-1]} '{value}'")
        for j, name in enumerate(pool.not_from):
            if not program.is_target(name) and name not in program.service_by_code:
                self.report(f"{path}.not_from[{j}]",
                            f"unknown rotation, group or service '{name}'")
        for key, day in (("from", pool.first), ("to", pool.last)):
            if day is not None:
                self.in_year(f"{path}.{key}", day)
        if pool.first and pool.last and pool.last < pool.first:
            self.report(f"{path}.to", f"{pool.last} is before {pool.first}")
        if len(set(pool.days)) < len(pool.days):
            self.report(f"{path}.days", "a day is listed twice")
        if program.residents and not any(program.binds(pool, r) for r in program.residents):
            self.report(path, f"no resident may take {pool.code}: its levels and tracks "
                              "admit nobody on the roster")

    def duplicate_pools(self, pools: list[tuple[int, CallPool]]) -> None:
        first: dict[str, int] = {}
        for i, pool in pools:
            if pool.code in first:
                self.report(f"call_pool[{i}].code", f"duplicate pool code '{pool.code}' "
                                                     f"(also call_pool[{first[pool.code]}])")
            first.setdefault(pool.code, i)

    def overlapping_pools(self, pools: list[tuple[int, CallPool]]) -> None:
        """Two in-house pools for exactly the same residents may not run at the same time:
        the chief meant one pool with a larger `need`, or a backup from home."""
        for n, (i, one) in enumerate(pools):
            for j, other in pools[:n]:
                if not (one.in_house and other.in_house):
                    continue
                if (one.levels, one.tracks) != (other.levels, other.tracks):
                    continue
                if not _dates_meet(one, other):
                    continue
                when = _overlap(one, other)
                if when:
                    self.report(f"call_pool[{i}].hours",
                                f"overlaps call_pool[{j}] ({other.code}) {when} for the same "
                                "residents: make one pool with a larger need, or make one "
                                "of them call from home (in_house = false)")

    def requests(self, requests: list[tuple[int, Any]]) -> None:
        budget = self.program.call.request_budget
        spent: dict[str, int] = defaultdict(int)
        pools = {p.code for p in self.program.call_pools}
        for i, request in requests:
            path = f"call_request[{i}]"
            if request.resident not in self.program.resident_by_id:
                self.report(f"{path}.resident", f"unknown resident '{request.resident}'")
            self.in_year(f"{path}.date", request.day)
            if request.last is not None:
                if request.kind == "on_call":
                    self.report(f"{path}.to", "an on_call request names one date")
                self.in_year(f"{path}.to", request.last)
                if request.last < request.day:
                    self.report(f"{path}.to", f"{request.last} is before {request.day}")
            if request.pool is not None and request.pool not in pools:
                self.report(f"{path}.pool", f"unknown call pool '{request.pool}'")
            if not request.is_hard and budget is not None:
                spent[request.resident] += request.weight
                if spent[request.resident] > budget:
                    self.report(f"{path}.weight",
                                f"{request.resident}'s call requests weigh "
                                f"{spent[request.resident]}, over the budget of {budget}")


def _dates_meet(one: CallPool, other: CallPool) -> bool:
    """Whether two pools' `from`-`to` ranges share a day (open ends reach the year's)."""
    if one.last is not None and other.first is not None and one.last < other.first:
        return False
    return not (other.last is not None and one.first is not None and other.last < one.first)


def _overlap(one: CallPool, other: CallPool) -> str:
    """'on Fri' when a shift of `one` and one of `other` overlap in a week (or 'on
    holidays'), else ''."""
    a, b = Hours.parse(one.hours), Hours.parse(other.hours)
    for day in one.days:
        for day2 in other.days:
            if "holiday" in (day, day2):
                if day == day2 and _meets(a.start, a.length, b.start, b.length, 2 * WEEK_MINUTES):
                    return "on holidays"
                continue
            start1 = WEEKDAYS.index(day) * 24 * 60 + a.start
            start2 = WEEKDAYS.index(day2) * 24 * 60 + b.start
            if _meets(start1, a.length, start2, b.length, WEEK_MINUTES):
                return f"on {day}"
    return ""


def _meets(start1: int, length1: int, start2: int, length2: int, period: int) -> bool:
    """Whether [start1, +length1) and [start2, +length2) overlap on a circle of `period`."""
    for shift in (-period, 0, period):
        s2 = start2 + shift
        if start1 < s2 + length2 and s2 < start1 + length1:
            return True
    return False
