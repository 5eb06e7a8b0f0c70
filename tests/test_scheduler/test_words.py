"""Dates, counts and places as people read them: said once in the domain, for the command
line and the web alike."""

from __future__ import annotations

from datetime import date

from scheduler.calendar import day_in_words, span_in_words
from scheduler.positions import places_in
from scheduler.words import plural


def test_dates_and_spans_in_words():
    assert day_in_words(date(2027, 7, 1)) == "1 Jul 2027"
    assert day_in_words(date(2027, 7, 1), weekday=True) == "Thu 1 Jul 2027"
    assert day_in_words(date(2027, 7, 1), weekday=True, year=False) == "Thu 1 Jul"
    assert span_in_words(date(2027, 9, 6), date(2027, 9, 12)) == "6 Sep – 12 Sep 2027"
    assert span_in_words(date(2027, 12, 27), date(2028, 1, 2)) == "27 Dec 2027 – 2 Jan 2028"
    assert span_in_words(date(2027, 9, 6), date(2027, 9, 6)) == "6 Sep 2027"   # one day


def test_counts_in_words():
    assert plural(1, "vacation week") == "1 vacation week"
    assert plural(3, "resident") == "3 residents"
    assert plural(1.5, "block") == "1.5 blocks"
    assert plural(0, "entry", "entries") == "0 entries"


def test_the_entries_a_message_points_to_read_as_their_place_does():
    assert places_in("overlaps blackout[3] (2028-05-29 to 2028-06-16)") == \
        "overlaps blackout 4 (2028-05-29 to 2028-06-16)"
    assert places_in("above rotation[12].max and away_limit[0]") == \
        "above rotation 13, max and away limit 1"
    assert places_in("nothing here [3]") == "nothing here [3]"
