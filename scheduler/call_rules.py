"""Call rules in the program file (optional keys): working hours, call pools, call requests.

The block schedule says where each resident works each day; these entries say *when*, and
who is on call at night, on weekends and on holidays:

- `[[work_hours]]`: a rotation's ordinary hours (default Monday to Friday, 07:00-17:00, not
  on holidays) or a weekly service's hours (night float: e.g. 21:00-07:00 on the nights it
  covers).
- `[[call_pool]]`: one kind of call shift (weeknight, weekend, holiday, baby call, backup at
  home): its hours, the days it starts on, how many residents each shift needs, and who may
  take it.
- `[call]`: program-wide settings: the 8-hour rest rule, how evenly calls are shared within a
  level, date pairs nobody works both of (Christmas and New Year), residents' request budget.
- `[[call_request]]`: a resident's "no call on these dates" (soft, weighted, or hard) and
  pins ("on call that night", hard unless marked soft).

Times are "HH:MM-HH:MM"; an end at or before the start is on the next day ("17:00-07:00" is
a 14-hour night, "07:00-07:00" a 24-hour shift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, ConfigDict, Field

from .schema import Code, Count, Entry, Name, Names, Text, Weight

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CallDay = Literal[Weekday, "holiday"]   # "holiday": the pool runs on program holidays
WEEKDAYS: tuple[str, ...] = get_args(Weekday)   # Monday first, as date.weekday() counts
HOLIDAY = "holiday"
MINUTES_PER_DAY = 24 * 60
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Hours:
    """A daily stretch of time: its start (minutes after midnight) and length in minutes
    (1 to 24 hours; it may run past midnight)."""

    start: int
    length: int

    @classmethod
    def parse(cls, text: str) -> Hours:
        """'07:00-17:00' -> 07:00 for 10 hours; '17:00-07:00' runs into the next day;
        '07:00-07:00' is 24 hours. Raises ValueError with the reason."""
        match = _HOURS.match(text.replace(" ", ""))
        if match is None:
            raise ValueError(f"hours must look like \"07:00-17:00\" (got {text!r})")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        length = end - start if end > start else end + MINUTES_PER_DAY - start
        return cls(start, length)

    @property
    def end(self) -> int:
        """Minutes after the start day's midnight at which it ends (past 1440: next day)."""
        return self.start + self.length

    def __str__(self) -> str:
        def clock(minute: int) -> str:
            minute %= MINUTES_PER_DAY
            return f"{minute // 60:02d}:{minute % 60:02d}"
        return f"{clock(self.start)}-{clock(self.end)}"


def _hours(text: str) -> str:
    Hours.parse(text)
    return text


HoursText = Annotated[str, AfterValidator(_hours)]
DEFAULT_WORK_DAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
DEFAULT_WORK_HOURS = "07:00-17:00"


class WorkHours(Entry):
    """When residents on a rotation (or serving a weekly service) work: `hours` on `days`.
    Rotations do not work on holidays unless `on_holidays`; a service's `days` are the days
    of its week whose shift starts then (night float's nights)."""

    rotation: Code | None = None
    service: Code | None = None
    hours: HoursText = DEFAULT_WORK_HOURS
    days: Annotated[list[Weekday], Field(max_length=14)] = list(DEFAULT_WORK_DAYS)
    on_holidays: bool = False


class CallPool(Entry):
    """One kind of call shift. It runs on each day of `days` (a weekday name, or "holiday":
    on a program holiday only the pools listing "holiday" run) between `from` and `to`, for
    `hours`, and needs `need` residents each time, taken from those its `levels` and
    `tracks` admit who are not on a rotation, group or service of `not_from` (nor on
    vacation) on any day the shift touches. `post_call`: the resident goes home after the
    shift (no rotation work on the day it ends). `in_house = false` is call from home: it
    counts no duty hours but a day holding it is not a day off."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    code: Code
    name: Text = ""
    hours: HoursText
    days: Annotated[list[CallDay], Field(min_length=1, max_length=20)]
    need: Annotated[int, Field(ge=1, le=100)] = 1
    levels: Names | None = None
    tracks: Names | None = None
    not_from: Annotated[list[Name], Field(max_length=250)] = []
    first: date | None = Field(default=None, alias="from")
    last: date | None = Field(default=None, alias="to")
    post_call: bool = False
    in_house: bool = True


class CallSettings(Entry):
    """Program-wide call settings. `rest_hours`: hours free between two duty periods (the
    ACGME's 8-hour rule; 0 switches it off); 14 hours after 24 hours of duty always hold.
    `fairness`: within each level, residents' numbers of calls, of weekend calls and of
    holiday calls are at most this far apart. `not_both`: pairs of dates no resident takes
    call on both of. `request_budget`: the most weight a resident's soft call requests may
    add up to (none: no limit). `swaps_need_approval`: a swap the checks pass still waits for
    a chief (false: it takes effect when accepted)."""

    rest_hours: Annotated[int, Field(ge=0, le=14)] = 8
    swaps_need_approval: bool = True
    fairness: Count = 1
    not_both: Annotated[list[Annotated[list[date], Field(min_length=2, max_length=2)]],
                        Field(max_length=366)] = []
    request_budget: Weight | None = None


class CallRequest(Entry):
    """A resident's call request. `no_call`: no call shift starting on `date` (through `to`
    when given); soft unless `hard`. `on_call`: on a shift (of `pool`, when named) starting
    on `date`; hard unless `hard = false`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    resident: Name
    kind: Literal["no_call", "on_call"]
    day: date = Field(alias="date")
    last: date | None = Field(default=None, alias="to")
    pool: Code | None = None
    hard: bool | None = None
    weight: Weight = 1

    @property
    def is_hard(self) -> bool:
        return self.hard if self.hard is not None else self.kind == "on_call"
