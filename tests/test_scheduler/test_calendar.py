"""The academic year's calendar: months and 4-week blocks, 52 weeks, and how they map."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.calendar import WEEKS_PER_YEAR, Calendar

# -- months ------------------------------------------------------------------------------------


def test_months_calendar_has_one_block_per_calendar_month_from_july():
    cal = Calendar(date(2027, 7, 1), "months")
    blocks = cal.blocks
    assert cal.num_blocks == 12
    assert [b.index for b in blocks] == list(range(1, 13))
    assert [(b.start, b.end) for b in blocks[:3]] == [
        (date(2027, 7, 1), date(2027, 7, 31)),
        (date(2027, 8, 1), date(2027, 8, 31)),
        (date(2027, 9, 1), date(2027, 9, 30)),
    ]
    assert (blocks[5].start, blocks[5].end) == (date(2027, 12, 1), date(2027, 12, 31))
    assert (blocks[6].start, blocks[6].end) == (date(2028, 1, 1), date(2028, 1, 31))
    assert (blocks[-1].start, blocks[-1].end) == (date(2028, 6, 1), date(2028, 6, 30))


def test_months_calendar_february_has_29_days_in_a_leap_year():
    leap = Calendar(date(2027, 7, 1), "months").blocks[7]
    assert (leap.start, leap.end) == (date(2028, 2, 1), date(2028, 2, 29))
    common = Calendar(date(2028, 7, 1), "months").blocks[7]
    assert (common.start, common.end) == (date(2029, 2, 1), date(2029, 2, 28))


def test_months_calendar_starting_in_january_is_the_calendar_year():
    cal = Calendar(date(2028, 1, 1), "months")
    assert cal.blocks[0].start == date(2028, 1, 1)
    assert cal.blocks[-1].end == date(2028, 12, 31)
    assert cal.year_end == date(2028, 12, 31)


@pytest.mark.parametrize("start", [date(2027, 7, 1), date(2028, 1, 1), date(2028, 3, 1)])
@pytest.mark.parametrize("kind", ["months", "4-week"])
def test_blocks_tile_the_year_without_gaps_or_overlaps(start, kind):
    cal = Calendar(start, kind)
    blocks = cal.blocks
    assert blocks[0].start == start
    for before, after in zip(blocks, blocks[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert blocks[-1].end == cal.year_end
    assert cal.year_end + timedelta(days=1) == date(start.year + 1, start.month, start.day)


# -- 4-week blocks -----------------------------------------------------------------------------


def test_four_week_calendar_has_13_blocks_of_28_days():
    cal = Calendar(date(2027, 7, 1), "4-week")
    blocks = cal.blocks
    assert cal.num_blocks == 13
    assert [b.index for b in blocks] == list(range(1, 14))
    for b in blocks[:12]:
        assert (b.end - b.start).days + 1 == 28
    assert blocks[0].start == date(2027, 7, 1)
    assert blocks[0].end == date(2027, 7, 28)
    assert blocks[1].start == date(2027, 7, 29)
    assert blocks[12].start == date(2027, 7, 1) + timedelta(days=12 * 28)


def test_thirteenth_block_takes_two_leftover_days_when_the_year_holds_29_february():
    # 2027-07-01 .. 2028-06-30 holds 2028-02-29: 366 days = 13 x 28 + 2.
    last = Calendar(date(2027, 7, 1), "4-week").blocks[-1]
    assert last.start == date(2028, 6, 1)
    assert last.end == date(2028, 6, 30)
    assert (last.end - last.start).days + 1 == 30


def test_thirteenth_block_takes_one_leftover_day_in_a_common_year():
    # 2028-07-01 .. 2029-06-30: 365 days = 13 x 28 + 1.
    last = Calendar(date(2028, 7, 1), "4-week").blocks[-1]
    assert last.end == date(2029, 6, 30)
    assert (last.end - last.start).days + 1 == 29


def test_four_week_calendar_may_start_on_any_weekday_and_day_of_month():
    cal = Calendar(date(2027, 6, 28), "4-week")  # a Monday, not the 1st
    assert cal.blocks[0].start == date(2027, 6, 28)
    assert cal.blocks[0].end == date(2027, 7, 25)
    assert cal.year_end == date(2028, 6, 27)


def test_a_year_starting_on_29_february_ends_the_day_before_1_march():
    cal = Calendar(date(2028, 2, 29), "4-week")
    assert cal.year_end == date(2029, 2, 28)
    assert cal.blocks[-1].end == date(2029, 2, 28)
    # 29 Feb 2028 .. 28 Feb 2029 is 366 days: the 13th block takes 2 leftover days.
    assert (cal.blocks[-1].end - cal.blocks[-1].start).days + 1 == 30


# -- weeks ---------------------------------------------------------------------------------------


def test_fifty_two_weeks_of_seven_days_from_year_start():
    cal = Calendar(date(2027, 7, 1), "months")
    assert WEEKS_PER_YEAR == 52
    assert cal.week_start(1) == date(2027, 7, 1)
    assert cal.week_end(1) == date(2027, 7, 7)
    assert cal.week_start(2) == date(2027, 7, 8)
    assert cal.week_start(51) == date(2027, 7, 1) + timedelta(days=350)
    assert cal.week_end(51) == date(2027, 7, 1) + timedelta(days=356)


def test_week_52_takes_the_leftover_days():
    leap = Calendar(date(2027, 7, 1), "months")  # 366 days: week 52 has 9 days
    assert leap.week_start(52) == date(2028, 6, 22)
    assert leap.week_end(52) == date(2028, 6, 30)
    common = Calendar(date(2028, 7, 1), "months")  # 365 days: week 52 has 8 days
    assert common.week_start(52) == date(2029, 6, 23)
    assert common.week_end(52) == date(2029, 6, 30)


def test_date_names_the_week_that_contains_it():
    cal = Calendar(date(2027, 7, 1), "months")
    assert cal.week_of(date(2027, 7, 1)) == 1
    assert cal.week_of(date(2027, 7, 7)) == 1
    assert cal.week_of(date(2027, 7, 8)) == 2
    assert cal.week_of(date(2027, 12, 20)) == 25  # 172 days after 1 July
    assert cal.week_of(date(2028, 6, 21)) == 51
    assert cal.week_of(date(2028, 6, 22)) == 52
    # The leftover days at the end of the year belong to week 52, not a week 53.
    assert cal.week_of(date(2028, 6, 29)) == 52
    assert cal.week_of(date(2028, 6, 30)) == 52


def test_dates_outside_the_year_have_no_week():
    cal = Calendar(date(2027, 7, 1), "months")
    assert cal.week_of(date(2027, 6, 30)) is None
    assert cal.week_of(date(2028, 7, 1)) is None


def test_every_day_of_the_year_is_in_exactly_the_week_whose_range_holds_it():
    cal = Calendar(date(2027, 7, 1), "4-week")
    day = cal.year_start
    while day <= cal.year_end:
        week = cal.week_of(day)
        assert cal.week_start(week) <= day <= cal.week_end(week)
        day += timedelta(days=1)


# -- weeks -> blocks -----------------------------------------------------------------------------


def test_four_week_blocks_hold_four_weeks_each():
    weeks = Calendar(date(2027, 7, 1), "4-week").weeks_of_block()
    assert weeks == {b: [4 * b - 3, 4 * b - 2, 4 * b - 1, 4 * b] for b in range(1, 14)}


def test_a_week_belongs_to_the_month_that_holds_its_first_day():
    cal = Calendar(date(2027, 7, 1), "months")
    # Weeks start on Thursdays: 1, 8, 15, 22, 29 July; week 5 runs 29 July - 4 August.
    assert cal.block_of_week(5) == 1
    assert cal.week_end(5) == date(2027, 8, 4)
    assert cal.block_of_week(6) == 2  # starts 5 August
    weeks = cal.weeks_of_block()
    assert weeks[1] == [1, 2, 3, 4, 5]
    assert weeks[2] == [6, 7, 8, 9]
    assert weeks[12][-1] == 52
    assert sorted(w for ws in weeks.values() for w in ws) == list(range(1, 53))


def test_every_month_holds_four_or_five_weeks():
    for start in (date(2027, 7, 1), date(2028, 7, 1), date(2028, 1, 1)):
        weeks = Calendar(start, "months").weeks_of_block()
        assert set(weeks) == set(range(1, 13))
        assert all(len(ws) in (4, 5) for ws in weeks.values()), weeks
        assert sum(len(ws) for ws in weeks.values()) == 52


def test_block_of_day():
    cal = Calendar(date(2027, 7, 1), "4-week")
    assert cal.block_of_day(date(2027, 7, 1)) == 1
    assert cal.block_of_day(date(2027, 7, 28)) == 1
    assert cal.block_of_day(date(2027, 7, 29)) == 2
    assert cal.block_of_day(date(2028, 6, 30)) == 13
    assert cal.block_of_day(date(2028, 7, 1)) is None
    assert cal.block_of_day(date(2027, 6, 30)) is None
