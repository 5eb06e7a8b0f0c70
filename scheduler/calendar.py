"""The academic year's calendar, exact to the day: blocks, weeks, working days, halves.

A year is the 365 (or 366) days from `year_start`, cut three ways:

- **Blocks** carry rotations: 12 calendar months, or 13 blocks of 28 days (the last one also
  takes the 1-2 days left before the next year). With split blocks, each block has two
  halves: the first floor(days / 2) days and the rest.
- **Weeks** carry vacation and weekly services: calendar weeks, Monday to Sunday, lying wholly
  inside the year, numbered from 1 (week 1 starts on the first Monday on or after the year's
  first day). A week may straddle two blocks; days before week 1 or after the last week lie
  in no week.
- **Working days** are Monday to Friday, less the program's holidays. Every rule about
  presence or vacation holds on each working day.

A *segment* is the working days that one week and one block share: every resident's
rotation, vacation and service are the same on all of them, so a rule checked per segment
is checked per working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Literal, get_args


def day_in_words(day: date, weekday: bool = False, year: bool = True) -> str:
    """A date as people read it: '1 Jul 2027'; with `weekday` 'Thu 1 Jul 2027'; without
    `year` '1 Jul' (files and date fields keep ISO dates)."""
    words = f"{day.day} {day:%b}"
    if weekday:
        words = f"{day:%a} {words}"
    return f"{words} {day.year}" if year else words


def span_in_words(first: date, last: date) -> str:
    """'6 Sep – 19 Sep 2027': the days from `first` to `last`, the year said once when both
    share it ('27 Dec 2027 – 9 Jan 2028' when not); one day reads as that day."""
    if first == last:
        return day_in_words(first)
    return f"{day_in_words(first, year=first.year != last.year)} – {day_in_words(last)}"


# A year holds at most 52 whole Monday-to-Sunday weeks (53 would need 371 days).
MAX_WEEKS = 52
WORKING_WEEKDAYS = 5   # Monday to Friday
# The ways a year is cut into blocks: the one definition the program file, the forms and the
# database's check constraint all take.
CalendarKind = Literal["months", "4-week"]
CALENDARS: tuple[str, ...] = get_args(CalendarKind)
BLOCK_DAYS = 28                        # a block of the 4-week calendar
BLOCKS_PER_YEAR = {"months": 12, "4-week": 13}
CALENDAR_NAMES = {"months": "Calendar months", "4-week": "4-week blocks"}
MAX_BLOCKS = max(BLOCKS_PER_YEAR.values())


@dataclass(frozen=True)
class Block:
    """One block of the year, numbered from 1, with its first and last day (inclusive)."""

    index: int
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def halves(self) -> tuple[tuple[date, date], tuple[date, date]]:
        """(first day, last day) of the block's two halves: floor(days / 2) days, the rest."""
        middle = self.start + timedelta(days=self.days // 2)
        return (self.start, middle - timedelta(days=1)), (middle, self.end)


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday week of the year, numbered from 1."""

    index: int
    start: date
    end: date


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, day.day)


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


def days_between(first: date, last: date) -> Iterable[date]:
    """Every day from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


@dataclass(frozen=True)
class Calendar:
    """Blocks, weeks and working days of one academic year starting on `year_start`."""

    year_start: date
    kind: str = "months"
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def year_end(self) -> date:
        """The last day of the academic year."""
        return _next_year(self.year_start) - timedelta(days=1)

    @cached_property
    def blocks(self) -> list[Block]:
        if self.kind == "months":
            starts = [_add_months(self.year_start, i) for i in range(self.num_blocks)]
        else:
            starts = [self.year_start + timedelta(days=BLOCK_DAYS * i)
                      for i in range(self.num_blocks)]
        ends = [s - timedelta(days=1) for s in starts[1:]] + [self.year_end]
        return [Block(i + 1, s, e) for i, (s, e) in enumerate(zip(starts, ends, strict=True))]

    @property
    def num_blocks(self) -> int:
        return BLOCKS_PER_YEAR[self.kind]

    # -- days ----------------------------------------------------------------------------

    @property
    def days(self) -> Iterable[date]:
        """Every day of the year, in order."""
        return days_between(self.year_start, self.year_end)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday."""
        return day.weekday() < WORKING_WEEKDAYS and day not in self.holidays

    def in_year(self, day: date) -> bool:
        return self.year_start <= day <= self.year_end

    def block_of_day(self, day: date) -> int | None:
        """The block holding `day`, or None when the day is outside the year."""
        if not self.in_year(day):
            return None
        return self._block_by_offset[(day - self.year_start).days]

    @cached_property
    def _block_by_offset(self) -> list[int]:
        found = []
        for block in self.blocks:
            found.extend([block.index] * block.days)
        return found

    # -- weeks ---------------------------------------------------------------------------

    @cached_property
    def weeks(self) -> list[Week]:
        """The year's Monday-to-Sunday weeks, from the first Monday on or after its start."""
        first = self.year_start + timedelta(days=(7 - self.year_start.weekday()) % 7)
        found: list[Week] = []
        start = first
        while start + timedelta(days=6) <= self.year_end:
            found.append(Week(len(found) + 1, start, start + timedelta(days=6)))
            start += timedelta(days=7)
        return found

    @property
    def num_weeks(self) -> int:
        return len(self.weeks)

    def week_start(self, week: int) -> date:
        """The Monday that starts week `week` (1-based)."""
        return self.weeks[week - 1].start

    def week_end(self, week: int) -> date:
        """The Sunday that ends week `week`."""
        return self.weeks[week - 1].end

    def week_dates(self, week: int) -> str:
        """'6 Sep – 12 Sep 2027': week `week`'s Monday to Sunday, as people read them."""
        found = self.weeks[week - 1]
        return span_in_words(found.start, found.end)

    def week_of(self, day: date) -> int | None:
        """The week holding `day`; None for a day in no week (before week 1, after the last
        week, or outside the year)."""
        if not self.in_year(day) or not self.weeks:
            return None
        offset = (day - self.weeks[0].start).days
        if offset < 0:
            return None
        week = offset // 7 + 1
        return week if week <= self.num_weeks else None

    def week_named_by(self, day: date) -> int | None:
        """The week a date in a request names: the week holding it, week 1 for a day before
        it, the last week for a day after it; None outside the year."""
        if not self.in_year(day) or not self.weeks:
            return None
        week = self.week_of(day)
        if week is not None:
            return week
        return 1 if day < self.weeks[0].start else self.num_weeks

    def working_days_of_week(self, week: int) -> list[date]:
        found = self.weeks[week - 1]
        return [d for d in days_between(found.start, found.end) if self.is_working_day(d)]

    # -- segments: what a week and a block share -----------------------------------------

    @cached_property
    def segments(self) -> dict[tuple[int, int], int]:
        """(week, block) -> working days the week has in the block (only where there are
        some). Rules about presence and vacation per working day hold per segment."""
        found: dict[tuple[int, int], int] = {}
        for week in self.weeks:
            for day in days_between(week.start, week.end):
                if self.is_working_day(day):
                    key = (week.index, self._block_by_offset[(day - self.year_start).days])
                    found[key] = found.get(key, 0) + 1
        return found

    def half_of_day(self, day: date) -> int:
        """0 when `day` lies in the first half of its block, 1 in the second."""
        block = self.blocks[(self.block_of_day(day) or 1) - 1]
        return 0 if day <= block.halves[0][1] else 1

    @cached_property
    def half_segments(self) -> dict[tuple[int, int, int], int]:
        """(week, block, half) -> working days the week has in that half of the block (only
        where there are some): the segments of a year whose blocks may be split."""
        found: dict[tuple[int, int, int], int] = {}
        for week in self.weeks:
            for day in days_between(week.start, week.end):
                if self.is_working_day(day):
                    key = (week.index, self._block_by_offset[(day - self.year_start).days],
                           self.half_of_day(day))
                    found[key] = found.get(key, 0) + 1
        return found

    def weeks_of_half(self, block: int, half: int) -> list[int]:
        """The weeks with at least one working day in that half of the block, in order."""
        return self._weeks_by_half.get((block, half), [])

    @cached_property
    def _weeks_by_half(self) -> dict[tuple[int, int], list[int]]:
        found: dict[tuple[int, int], list[int]] = {}
        for (week, block, half) in sorted(self.half_segments):
            found.setdefault((block, half), []).append(week)
        return found

    def halves_of_segment(self, week: int, block: int) -> list[int]:
        """The halves of `block` holding a working day of `week`."""
        return [k for k in (0, 1) if (week, block, k) in self.half_segments]

    def working_days_in_half(self, block: int, half: int) -> int:
        first, last = self.blocks[block - 1].halves[half]
        return sum(self.is_working_day(d) for d in days_between(first, last))

    @cached_property
    def loose_working_days(self) -> dict[int, int]:
        """Block -> its working days that lie in no week (before week 1, after the last)."""
        found: dict[int, int] = {}
        for day in self.days:
            if self.is_working_day(day) and self.week_of(day) is None:
                block = self._block_by_offset[(day - self.year_start).days]
                found[block] = found.get(block, 0) + 1
        return found

    def blocks_of_week(self, week: int) -> list[int]:
        """Blocks holding at least one working day of `week`, in order."""
        return sorted(b for (w, b) in self.segments if w == week)

    def weeks_of_block(self) -> dict[int, list[int]]:
        """Block index -> the weeks with at least one working day in it, in order (a week
        straddling two blocks is listed under both)."""
        weeks: dict[int, list[int]] = {b: [] for b in range(1, self.num_blocks + 1)}
        for (week, block) in sorted(self.segments):
            weeks[block].append(week)
        return weeks

    def working_days_in_block(self, block: int) -> int:
        found = self.blocks[block - 1]
        return sum(self.is_working_day(d) for d in days_between(found.start, found.end))

    def weeks_touching(self, first: date, last: date) -> list[int]:
        """Weeks with a working day between `first` and `last` (inclusive)."""
        return [w.index for w in self.weeks
                if any(first <= d <= last for d in self.working_days_of_week(w.index))]
