"""The academic year's calendar: blocks and weeks.

A year is cut two ways. **Blocks** carry rotations: 12 calendar months, or 13 blocks of 28 days
(the last one also takes the 1-2 days left before the next year). **Weeks** carry vacation: 52
weeks of 7 days from the first day of the year, the last one also taking the days left over. A
week belongs to the block that holds its first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

WEEKS_PER_YEAR = 52
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


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, day.day)


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Blocks and weeks of one academic year starting on `year_start`."""

    year_start: date
    kind: str = "months"

    @property
    def year_end(self) -> date:
        """The last day of the academic year."""
        return _next_year(self.year_start) - timedelta(days=1)

    @property
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

    def week_start(self, week: int) -> date:
        """First day of week `week` (1-based)."""
        return self.year_start + timedelta(days=7 * (week - 1))

    def week_end(self, week: int) -> date:
        """Last day of week `week`; week 52 runs to the end of the year."""
        if week == WEEKS_PER_YEAR:
            return self.year_end
        return self.week_start(week) + timedelta(days=6)

    def week_of(self, day: date) -> int | None:
        """The week holding `day`, or None when the day is outside the year."""
        if not self.year_start <= day <= self.year_end:
            return None
        return min((day - self.year_start).days // 7 + 1, WEEKS_PER_YEAR)

    def block_of_day(self, day: date) -> int | None:
        """The block holding `day`, or None when the day is outside the year."""
        for block in self.blocks:
            if block.start <= day <= block.end:
                return block.index
        return None

    def block_of_week(self, week: int) -> int:
        """The block that holds the first day of `week`."""
        block = self.block_of_day(self.week_start(week))
        assert block is not None
        return block

    def weeks_of_block(self) -> dict[int, list[int]]:
        """Block index -> the weeks that belong to it, in order."""
        weeks: dict[int, list[int]] = {b: [] for b in range(1, self.num_blocks + 1)}
        for week in range(1, WEEKS_PER_YEAR + 1):
            weeks[self.block_of_week(week)].append(week)
        return weeks
