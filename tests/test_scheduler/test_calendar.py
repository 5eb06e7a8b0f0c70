"""The academic year's calendar: months and 4-week blocks, Monday-to-Sunday weeks, working days
and holidays, and how they map onto each other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.calendar import MAX_WEEKS, Calendar

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


# -- weeks: Monday to Sunday, wholly inside the year ------------------------------------------


def test_week_one_starts_on_the_first_monday_on_or_after_the_year_start():
    cal = Calendar(date(2027, 7, 1), "months")  # a Thursday
    assert cal.week_start(1) == date(2027, 7, 5)
    assert cal.week_start(1).weekday() == 0
    assert cal.week_end(1) == date(2027, 7, 11)
    assert cal.week_start(2) == date(2027, 7, 12)
    monday = Calendar(date(2029, 1, 1), "months")  # a Monday: week 1 starts that day
    assert monday.week_start(1) == date(2029, 1, 1)


def test_every_week_lies_wholly_inside_the_year():
    for start in (date(2027, 7, 1), date(2028, 7, 1), date(2029, 1, 1), date(2027, 6, 28)):
        cal = Calendar(start, "4-week")
        assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in cal.weeks)
        assert cal.weeks[0].start >= start and cal.weeks[-1].end <= cal.year_end
        # the next Monday-to-Sunday week would leave the year
        assert cal.weeks[-1].end + timedelta(days=7) > cal.year_end
        assert cal.num_weeks in (51, 52) and cal.num_weeks <= MAX_WEEKS


def test_2027_28_has_51_weeks_and_leaves_days_at_both_ends():
    cal = Calendar(date(2027, 7, 1), "months")
    assert cal.num_weeks == 51
    assert cal.week_end(51) == date(2028, 6, 25)
    # 1-2 July (Thu-Fri) and 26-30 June (Mon-Fri) are working days in no week
    assert cal.loose_working_days == {1: 2, 12: 5}


def test_a_date_names_the_week_that_contains_it():
    cal = Calendar(date(2027, 7, 1), "months")
    assert cal.week_of(date(2027, 7, 5)) == 1
    assert cal.week_of(date(2027, 7, 11)) == 1
    assert cal.week_of(date(2027, 7, 12)) == 2
    assert cal.week_of(date(2027, 12, 20)) == 25
    assert cal.week_of(date(2027, 12, 26)) == 25  # Sunday ends the week
    assert cal.week_of(date(2027, 7, 2)) is None  # before week 1
    assert cal.week_of(date(2028, 6, 28)) is None  # after the last week


def test_a_request_date_before_week_1_or_after_the_last_names_the_nearest_week():
    cal = Calendar(date(2027, 7, 1), "months")
    assert cal.week_named_by(date(2027, 7, 1)) == 1
    assert cal.week_named_by(date(2028, 6, 30)) == 51
    assert cal.week_named_by(date(2027, 12, 22)) == 25
    assert cal.week_named_by(date(2027, 6, 30)) is None
    assert cal.week_named_by(date(2028, 7, 1)) is None


def test_every_day_in_a_week_is_inside_that_weeks_range():
    cal = Calendar(date(2027, 7, 1), "4-week")
    for day in cal.days:
        week = cal.week_of(day)
        if week is not None:
            assert cal.week_start(week) <= day <= cal.week_end(week)


# -- working days, holidays, and what weeks and blocks share -----------------------------------


def test_working_days_are_monday_to_friday_less_holidays():
    thanksgiving = date(2027, 11, 25)
    cal = Calendar(date(2027, 7, 1), "months", frozenset({thanksgiving}))
    assert cal.is_working_day(date(2027, 11, 24))
    assert not cal.is_working_day(thanksgiving)
    assert not cal.is_working_day(date(2027, 11, 27))  # Saturday
    week = cal.week_of(thanksgiving)
    assert len(cal.working_days_of_week(week)) == 4
    assert cal.working_days_in_block(5) == 22 - 1  # November 2027: 22 weekdays


def test_a_week_straddling_two_months_is_split_by_its_working_days():
    cal = Calendar(date(2027, 7, 1), "months")
    # week 9: Monday 30 August - Sunday 5 September: 2 working days in August, 3 in September
    assert cal.week_start(9) == date(2027, 8, 30)
    assert cal.segments[9, 2] == 2 and cal.segments[9, 3] == 3
    assert cal.blocks_of_week(9) == [2, 3]
    weeks = cal.weeks_of_block()
    assert 9 in weeks[2] and 9 in weeks[3]


def test_segments_count_every_working_day_in_a_week_once():
    for kind in ("months", "4-week"):
        cal = Calendar(date(2027, 7, 1), kind, frozenset({date(2027, 9, 6)}))
        in_weeks = sum(cal.segments.values())
        loose = sum(cal.loose_working_days.values())
        assert in_weeks + loose == sum(cal.is_working_day(d) for d in cal.days)


def test_every_month_touches_four_to_six_weeks():
    for start in (date(2027, 7, 1), date(2028, 7, 1), date(2028, 1, 1)):
        weeks = Calendar(start, "months").weeks_of_block()
        assert set(weeks) == set(range(1, 13))
        assert all(4 <= len(ws) <= 6 for ws in weeks.values()), weeks


def test_weeks_touching_a_period_have_a_working_day_inside_it():
    cal = Calendar(date(2027, 7, 1), "months")
    # Saturday 10 July to Sunday 18 July: only week 2's working days fall inside
    assert cal.weeks_touching(date(2027, 7, 10), date(2027, 7, 18)) == [2]
    assert cal.weeks_touching(date(2027, 7, 1), date(2027, 7, 16)) == [1, 2]


def test_halves_of_a_block_split_its_days_first_half_rounded_down():
    july = Calendar(date(2027, 7, 1), "months").blocks[0]   # 31 days: 15 + 16
    assert july.halves == ((date(2027, 7, 1), date(2027, 7, 15)),
                           (date(2027, 7, 16), date(2027, 7, 31)))


def test_block_of_day():
    cal = Calendar(date(2027, 7, 1), "4-week")
    assert cal.block_of_day(date(2027, 7, 1)) == 1
    assert cal.block_of_day(date(2027, 7, 28)) == 1
    assert cal.block_of_day(date(2027, 7, 29)) == 2
    assert cal.block_of_day(date(2028, 6, 30)) == 13
    assert cal.block_of_day(date(2028, 7, 1)) is None
    assert cal.block_of_day(date(2027, 6, 30)) is None
