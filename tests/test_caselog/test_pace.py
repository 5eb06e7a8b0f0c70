"""Pace projections: the published blocks ahead at the program's rates, then the resident's
own pace, and how many more blocks of the best rotation close a gap."""

from __future__ import annotations

from datetime import date

from caselog import Measure, load_default
from caselog.pace import Rates, Stint, project, rates_from

TARGETS = {t.name: t for t in load_default().target}
ESIR = TARGETS["ESIR procedure log"]            # 500 procedures
EMBO = TARGETS["Embolization (example)"]        # 40 embolizations
JUNE = date(2029, 6, 30)


def test_rates_are_cases_per_resident_month_on_each_rotation():
    rates = rates_from({("IR-U", "*"): 300, ("IR-U", "cat:EMBO"): 30, ("DR", "*"): 12},
                       {"IR-U": 10, "DR": 12})
    assert rates.of("IR-U", "*") == 30 and rates.of("IR-U", "cat:EMBO") == 3
    assert rates.of("DR", "*") == 1 and rates.of("SICU", "*") == 0
    assert rates.best("*") == ("IR-U", 30)
    assert rates.best("*", allowed={"DR"}) == ("DR", 1)


def test_the_schedule_ahead_then_own_pace_make_the_projection():
    key = "kind:procedure"                              # what the ESIR total counts
    rates = Rates({("IR-U", key): 30.0, ("DR", key): 2.0, ("IR-U", "kind:reading"): 99.0})
    ahead = [Stint("IR-U", 0.5), Stint("DR", 1.0), Stint("IR-U", 1.0)]
    found = project(Measure(ESIR, 200), rates, ahead, months_after=12,
                    own_monthly={key: 10.0, "*": 50.0}, graduation=JUNE)
    # 200 done + 30 x 1.5 + 2 x 1 on the published blocks + 10 a month for 12 months
    assert found.projected == 200 + 45 + 2 + 120 == 367
    assert not found.on_pace and found.shortfall == 133
    assert found.blocks_to_close == 5                     # 133 / 30 a block, rounded up
    assert found.sentence() == ("At this pace, 367 of 500 by June 2029; "
                                "5 more IR-U blocks close the gap.")


def test_on_pace_and_no_supplier_say_so():
    rates = Rates({("IR-U", "kind:procedure"): 30.0})
    on = project(Measure(ESIR, 490), rates, [Stint("IR-U", 1)], 0, {}, JUNE)
    assert on.on_pace and on.blocks_to_close == 0 and on.sentence().endswith("on pace.")
    none = project(Measure(EMBO, 3), rates, [Stint("IR-U", 1)], 0, {}, JUNE)
    assert none.blocks_to_close is None
    assert "no rotation in the program's history yields these cases" in none.sentence()


def test_four_week_blocks_are_shorter_than_months():
    rates = Rates({("IR-U", "cat:EMBO"): 4.0})
    found = project(Measure(EMBO, 10), rates, [], 0, {}, JUNE, block_months=28 / 30.4375)
    assert found.shortfall == 30 and found.blocks_to_close == 9   # 30 / 3.68 a block


def test_windowed_targets_are_not_projected():
    mqsa = TARGETS["MQSA mammography reads"]
    assert project(Measure(mqsa, 10), Rates(), [], 12, {}, JUNE) is None
