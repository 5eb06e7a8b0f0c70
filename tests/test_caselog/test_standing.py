"""One verdict per target: met, on pace, not counting yet, off pace; windowed targets judged
on their window and its projection; a resident's standing is their worst target's."""

from __future__ import annotations

from datetime import date, timedelta

from caselog import Measure, load_default
from caselog.pace import Rates, Stint, project, project_window
from caselog.standing import MET, NOT_YET, OFF_PACE, ON_PACE, standing, verdict

TARGETS = {t.name: t for t in load_default().target}
EMBO = TARGETS["Embolization (example)"]        # 40 embolizations by graduation
MQSA = TARGETS["MQSA mammography reads"]        # 240 within 6 months of the last 2 years
READS = "cat:MAMMO-READ"
TODAY = date(2026, 12, 4)
R1_GRADUATES = date(2031, 6, 30)
R4_GRADUATES = date(2027, 6, 30)


def test_an_r1_far_from_a_target_due_at_graduation_is_on_pace_not_behind():
    rates = Rates({("IR-U", "cat:EMBO"): 4.0})
    paced = project(Measure(EMBO, 3), rates, [Stint("IR-U", 2.0)], months_after=48,
                    own_monthly={"cat:EMBO": 1.0}, graduation=R1_GRADUATES)
    found = verdict(Measure(EMBO, 3), paced, R1_GRADUATES, TODAY)
    assert found.state == ON_PACE and not found.off_pace
    assert found.words() == "on pace: 59 by June 2031"      # 3 + 8 + 48
    assert standing([found]) == ON_PACE


def test_a_windowed_target_not_open_yet_is_not_behind():
    paced = project_window(Measure(MQSA, 0), [], Rates(), [], 48, {}, R1_GRADUATES, TODAY)
    found = verdict(Measure(MQSA, 0), paced, R1_GRADUATES, TODAY)
    assert found.state == NOT_YET and found.opens == date(2029, 7, 1)   # an R4 year's first day
    assert found.words() == "counts from 1 July 2029"
    assert standing([found]) == ON_PACE


def test_an_open_window_counts_what_it_holds_and_what_the_schedule_brings():
    # 150 reads logged over the last 30 days; the next 2 months on MAMMO at 60 a month
    recent = [(TODAY - timedelta(days=d), 5) for d in range(30, 0, -1)]
    rates = Rates({("MAMMO", READS): 60.0})
    ahead = [Stint("MAMMO", 2.0), Stint("CT", 4.0)]
    paced = project_window(Measure(MQSA, 150), recent, rates, ahead, 0, {}, R4_GRADUATES,
                           TODAY)
    assert paced.projected == 150 + 120 and paced.on_pace
    assert verdict(Measure(MQSA, 150), paced, R4_GRADUATES, TODAY).state == ON_PACE


def test_an_open_window_with_nothing_ahead_is_off_pace_and_says_what_closes_the_gap():
    rates = Rates({("MAMMO", READS): 60.0})
    paced = project_window(Measure(MQSA, 0), [], rates, [Stint("CT", 6.0)], 0, {},
                           R4_GRADUATES, TODAY, allowed={"MAMMO", "CT"})
    found = verdict(Measure(MQSA, 0), paced, R4_GRADUATES, TODAY)
    assert found.state == OFF_PACE and paced.projected == 0
    assert paced.sentence() == ("At this pace, 0 of 240 within 6 months by June 2027; "
                                "4 more MAMMO blocks close the gap.")
    assert standing([found, verdict(Measure(EMBO, 40), None, R4_GRADUATES, TODAY)]) == OFF_PACE


def test_a_window_cannot_reach_back_before_its_counting_period():
    # R3 graduating June 2028: the last 2 years begin 30 June 2026; reads before do not count
    graduates = date(2028, 6, 30)
    recent = [(date(2026, 6, 20), 200), (date(2026, 7, 10), 30)]
    paced = project_window(Measure(MQSA, 30), recent, Rates(), [], 0, {}, graduates,
                           date(2026, 7, 20))
    assert paced.projected == 30


def test_met_is_met_and_every_target_met_is_the_standing():
    done = verdict(Measure(EMBO, 41), None, R4_GRADUATES, TODAY)
    assert done.state == MET and standing([done]) == MET
    assert standing([]) == MET
