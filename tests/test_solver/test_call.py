"""The call schedule: each duty-hour limit and call rule on tiny years (the side that holds
and the side that cannot), every answer re-checked by the duty checker written apart from
the solver."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timedelta

from scheduler import Assignment, Program, Schedule, load_program_text
from scheduler.duty_file import DutyFile
from solver.call.engine import CallOptions, solve_call
from solver.duty_check import check_duty

HEADER = """
format = 2
[program]
name = "Call test"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2"]
tracks = ["DR"]
holidays = [2027-12-24, 2027-12-31]
[[rotation]]
code = "BODY"
[[rotation]]
code = "ICU"
"""


def program(extra: str, residents: int = 2) -> Program:
    people = "".join(f'[[resident]]\nid = "r{i}"\nlevel = "R2"\ntrack = "DR"\n'
                     for i in range(1, residents + 1))
    loaded = load_program_text(HEADER + people + textwrap.dedent(extra))
    assert loaded.ok, loaded.errors
    assert loaded.program is not None
    return loaded.program


def on_body(program: Program, icu: dict[str, list[int]] | None = None,
            vacation: dict[str, list[int]] | None = None) -> Schedule:
    """Everyone on BODY all year, except the blocks `icu` lists; vacation weeks as given."""
    residents = {}
    for resident in program.residents:
        blocks = (icu or {}).get(resident.id, [])
        cells: list = ["ICU" if b in blocks else "BODY" for b in range(1, 13)]
        residents[resident.id] = Assignment(cells, (vacation or {}).get(resident.id, []))
    return Schedule(program=program.info.name, status="FEASIBLE", residents=residents)


def call(program: Program, schedule: Schedule) -> DutyFile:
    duty = solve_call(program, schedule, CallOptions(time_limit=30, workers=2,
                                                     explain_time_limit=30))
    if duty.duty:
        assert check_duty(program, duty, schedule) == []
    return duty


def sources(duty: DutyFile) -> list[str]:
    return sorted(c["source"] for c in duty.conflicts)


def calls_of(duty: DutyFile, rid: str) -> list[str]:
    return [p.start for p in duty.duty[rid] if p.kind in ("call", "home_call")]


def test_weeknight_call_is_shared_evenly_and_every_shift_is_covered():
    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon", "Thu"]
        post_call = true
    """, residents=3)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    counts = sorted(len(calls_of(duty, r.id)) for r in p.residents)
    nights = [d for d in p.calendar.days if d.weekday() in (0, 3)]     # Mondays, Thursdays
    assert sum(counts) == len(nights) and counts[-1] - counts[0] <= 1
    # post-call: the morning after, the resident goes home (no BODY work that day)
    night = duty.duty["r1"][[p.kind for p in duty.duty["r1"]].index("call")]
    next_day = night.end[:10]
    assert not any(q.kind == "day" and q.start.startswith(next_day) for q in duty.duty["r1"])


def test_a_night_after_a_full_day_without_going_home_breaks_the_24_plus_4_hours():
    text = """
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Tue"]
        from = 2027-07-06
        to = 2027-07-06
        post_call = {post_call}
    """
    p = program(text.format(post_call="false"))
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call_pool[0]", "duty.continuous"]
    assert "24 hours in a row plus 4" in duty.explanation
    p = program(text.format(post_call="true"))
    assert call(p, on_body(p)).status == "OPTIMAL"


def test_eight_hours_off_between_duty_periods_unless_the_program_switches_it_off():
    text = """
        [call]
        rest_hours = {rest}
        [[call_pool]]
        code = "LATE"
        hours = "17:00-01:00"
        days = ["Mon"]
        from = 2027-07-05
        to = 2027-07-05
    """
    p = program(text.format(rest=8))
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call_pool[0]", "duty.rest"]
    assert "8 hours off between duty periods" in duty.explanation
    p = program(text.format(rest=0))
    assert call(p, on_body(p)).status == "OPTIMAL"


def test_fourteen_hours_off_after_twenty_four_hours_of_duty():
    # a Saturday's 24 hours, then a Sunday evening shift 10 hours later
    text = """
        [[call_pool]]
        code = "SAT"
        hours = "07:00-07:00"
        days = ["Sat"]
        from = 2027-07-10
        to = 2027-07-10
        [[call_pool]]
        code = "SUNEVE"
        hours = "17:00-22:00"
        days = ["Sun"]
        from = 2027-07-11
        to = 2027-07-11
    """
    p = program(text, residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call_pool[0]", "call_pool[1]", "duty.rest_after_24"]
    two = program(text, residents=2)
    duty = call(two, on_body(two))
    assert duty.status == "OPTIMAL"
    assert calls_of(duty, "r1") != [] and calls_of(duty, "r2") != []


def test_in_house_call_no_more_often_than_every_third_night():
    text = """
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon", "Wed"]
        from = 2027-07-05
        to = 2027-07-07
        post_call = true
    """
    p = program(text, residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call_pool[0]", "duty.third_night"]
    p = program(text, residents=2)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    assert len(calls_of(duty, "r1")) == len(calls_of(duty, "r2")) == 1


def test_rotation_hours_over_eighty_a_week_are_refused_with_the_limit_named():
    p = program("""
        [[work_hours]]
        rotation = "BODY"
        hours = "06:00-20:00"
        days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        [[call_pool]]
        code = "NIGHT"
        hours = "20:00-23:00"
        days = ["Mon"]
        from = 2027-07-05
        to = 2027-07-05
    """, residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["duty.hours"]
    assert "80 hours a week averaged over any 28 days" in duty.explanation


def test_one_day_in_seven_off_counts_whole_days_and_call_from_home_takes_the_day():
    text = """
        [[call_pool]]
        code = "HOME"
        hours = "08:00-12:00"
        days = ["Sat", "Sun"]
        in_house = false
        from = 2027-07-03
        to = {last}
    """
    # Weekends are the only days off: home call on three weekends running leaves the
    # 28 days from 1 July with 2 days off
    p = program(text.format(last="2027-07-18"), residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call_pool[0]", "duty.day_off"]
    p = program(text.format(last="2027-07-11"), residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    assert [q.kind for q in duty.duty["r1"] if q.start.startswith("2027-07-04")] == \
        ["home_call"]


def test_fairness_within_a_level_and_its_conflict():
    text = """
        [call]
        fairness = {gap}
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon"]
        from = 2027-07-05
        to = 2027-07-19
        post_call = true
    """
    p = program(text.format(gap=1))
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    assert sorted(len(calls_of(duty, r)) for r in ("r1", "r2")) == [1, 2]
    assert duty.fairness["R2"]["calls"] == [1, 2]
    p = program(text.format(gap=0))
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call.fairness", "call_pool[0]"]


def test_nobody_works_both_christmas_and_new_year():
    text = """
        [call]
        not_both = [[2027-12-24, 2027-12-31]]
        [[call_pool]]
        code = "HOLIDAY"
        hours = "07:00-07:00"
        days = ["holiday"]
        post_call = true
    """
    p = program(text)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    assert len(calls_of(duty, "r1")) == len(calls_of(duty, "r2")) == 1
    p = program(text, residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "INFEASIBLE"
    assert sources(duty) == ["call.not_both[0]", "call_pool[0]"]
    assert "nobody takes call on both 2027-12-24 and 2027-12-31" in duty.explanation


def test_no_call_on_vacation_or_a_closed_rotation_and_a_shift_nobody_may_take_is_named():
    text = """
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Thu"]
        not_from = ["ICU"]
        post_call = true
    """
    p = program(text)
    # r1 on ICU in September (block 3); r2 away in the week of 6-12 September
    week = p.calendar.week_named_by(date(2027, 9, 6))
    schedule = on_body(p, icu={"r1": [3]}, vacation={"r2": [week]})
    duty = call(p, schedule)
    assert duty.status == "INFEASIBLE"
    assert duty.conflicts[0]["source"] == "call_pool[0]"
    message = duty.conflicts[0]["message"]
    assert "NIGHT on 2027-09-09 needs 1 and 0 may take it" in message
    assert "r1 is on ICU on 2027-09-09, closed to NIGHT" in message
    assert "r2 is on vacation on 2027-09-09" in message
    duty = call(p, on_body(p, icu={"r1": [3]}))
    assert duty.status == "OPTIMAL"
    assert not any(s.startswith("2027-09") for s in calls_of(duty, "r1"))


def test_requests_no_call_is_kept_when_it_can_be_and_a_pin_holds():
    p = program("""
        [call]
        fairness = 2
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon"]
        from = 2027-07-05
        to = 2027-07-26
        post_call = true
        [[call_request]]
        resident = "r1"
        kind = "no_call"
        date = 2027-07-05
        to = 2027-07-12
        weight = 3
        [[call_request]]
        resident = "r2"
        kind = "on_call"
        date = 2027-07-26
        [[call_request]]
        resident = "r2"
        kind = "no_call"
        date = 2027-07-05
        weight = 1
    """)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    assert duty.objective == 1 and duty.unmet_requests == [2]
    assert "2027-07-26T17:00" in calls_of(duty, "r2")
    assert not any(s < "2027-07-13" for s in calls_of(duty, "r1"))


def test_a_pin_on_a_vacation_day_is_refused_before_solving():
    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Thu"]
        [[call_request]]
        resident = "r2"
        kind = "on_call"
        date = 2027-09-09
    """)
    week = p.calendar.week_named_by(date(2027, 9, 6))
    duty = call(p, on_body(p, vacation={"r2": [week]}))
    assert duty.status == "INVALID"
    assert duty.errors == [{"path": "call_request[0]",
                            "message": "r2 cannot be on call on 2027-09-09: r2 is on vacation "
                                       "on 2027-09-09"}]


def test_bad_call_rules_are_all_reported_with_their_paths():
    loaded = load_program_text(HEADER + """
[[resident]]
id = "r1"
level = "R2"
track = "DR"
[[call_pool]]
code = "A"
hours = "25:00-07:00"
days = ["Mon"]
[[call_pool]]
code = "B"
hours = "17:00-07:00"
days = ["Fri"]
levels = ["R1"]
[[call_pool]]
code = "C"
hours = "18:00-08:00"
days = ["Mon", "Fri"]
[[call_pool]]
code = "D"
hours = "07:00-19:00"
days = ["Tue"]
[[call_request]]
resident = "nobody"
kind = "no_call"
date = 2029-01-01
""")
    found = {e.path: e.message for e in loaded.errors}
    assert 'hours must look like "07:00-17:00"' in found["call_pool[0].hours"]
    assert "no resident may take B" in found["call_pool[1]"]
    assert found["call_pool[3].hours"].startswith("overlaps call_pool[2] (C) on Tue")
    assert found["call_request[0].resident"] == "unknown resident 'nobody'"
    assert "outside the year" in found["call_request[0].date"]


def test_the_duty_checker_finds_hand_made_breaches():
    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon", "Thu"]
        post_call = true
    """, residents=3)
    schedule = on_body(p)
    duty = call(p, schedule)
    assert duty.status == "OPTIMAL"
    mine = duty.duty["r1"]
    night = next(q for q in mine if q.kind == "call" and q.start >= "2027-07-12")
    # r1 stays until 23:30 one day and is back at 07:00; r2 drops all their calls
    edited = dict(duty.duty)
    late = next(i for i in range(len(mine) - 1) if mine[i].kind == mine[i + 1].kind == "day"
                and mine[i + 1].start[:10] == (date.fromisoformat(mine[i].start[:10])
                                               + timedelta(days=1)).isoformat())
    long_day = mine[late].model_copy(update={"end": mine[late].end[:11] + "23:30"})
    edited["r1"] = [long_day if i == late else q for i, q in enumerate(mine)]
    edited["r2"] = [q for q in duty.duty["r2"] if q.kind != "call"]
    broken = DutyFile(duty.program, duty.status, duty=edited)
    found = {b.source for b in check_duty(p, broken, schedule)}
    assert "duty.rest" in found           # 23:30 until 07:00 is 7.5 hours
    assert "call_pool[0]" in found        # r2's nights are no longer covered
    assert "call.fairness" in found       # and r2 now has none
    on_vacation = on_body(p, vacation={"r1": [p.calendar.week_of(
        date.fromisoformat(night.start[:10]))]})
    found = {b.source for b in check_duty(p, duty, on_vacation)}
    assert "call_pool[0]" in found


def test_the_sample_keeps_every_limit_covers_every_night_and_is_fair(duke_year):
    from datetime import datetime

    program, schedule, duty = duke_year
    assert duty.status in ("OPTIMAL", "FEASIBLE")
    assert check_duty(program, duty, schedule) == []
    # someone is on call (or on night float) at 02:00 of every night of the year
    covering = [(datetime.fromisoformat(q.start), datetime.fromisoformat(q.end))
                for periods in duty.duty.values() for q in periods
                if q.kind in ("call", "service")]
    day = program.info.year_start
    while day <= program.calendar.year_end:
        moment = datetime(day.year, day.month, day.day, 2) + timedelta(days=1)
        assert any(s <= moment < e for s, e in covering), f"nobody on call the night of {day}"
        day += timedelta(days=1)
    for level, shares in duty.fairness.items():
        for name, (low, high) in shares.items():
            assert high - low <= program.call.fairness, (level, name)
    # R1s take baby call from January only, with a senior at home behind them
    r1 = next(r.id for r in program.residents if r.level == "R1")
    assert all(s >= "2028-01-03" for s in calls_of(duty, r1))
    backup = {q.start for periods in duty.duty.values() for q in periods
              if q.what == "BACKUP"}
    baby = {q.start for periods in duty.duty.values() for q in periods if q.what == "BABY"}
    assert baby and baby == backup


def test_the_duty_checker_holds_the_file_to_the_work_the_block_schedule_fixes(duke_year):
    """A duty file that leaves out a rotation's day (fewer hours on paper) or lists work on
    another rotation than the schedule's is refused, with the day named."""
    program, schedule, duty = duke_year
    rid = next(r for r, periods in duty.duty.items() if any(q.kind == "day" for q in periods))
    mine = duty.duty[rid]
    dropped = next(i for i, q in enumerate(mine) if q.kind == "day")
    relabelled = next(i for i, q in enumerate(mine) if q.kind == "day" and i > dropped)
    other = next(r.code for r in program.rotations if r.code != mine[relabelled].what)
    edited = [q.model_copy(update={"what": other}) if i == relabelled else q
              for i, q in enumerate(mine) if i != dropped]
    broken = DutyFile(duty.program, duty.status, duty={**duty.duty, rid: edited})
    found = [b for b in check_duty(program, broken, schedule) if b.source == "duty.work"]
    day, moved = mine[dropped].start[:10], mine[relabelled].start[:10]
    assert any(b.resident == rid and day in b.message and "missing" in b.message
               for b in found), found
    assert any(b.resident == rid and other in b.message and "not work" in b.message
               for b in found), found
    assert any(b.resident == rid and moved in b.message and "missing" in b.message
               for b in found), found
    assert all(b.resident == rid for b in found)
    # without the schedule there is nothing to hold the work to
    assert not [b for b in check_duty(program, broken) if b.source == "duty.work"]


def test_a_swap_moves_the_shift_and_its_post_call_morning_and_refuses_a_broken_limit():
    from solver.call.swap import swap

    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Mon", "Thu"]
        post_call = true
    """, residents=3)
    schedule = on_body(p)
    duty = call(p, schedule)
    night = next(q for q in duty.duty["r1"] if q.kind == "call" and q.start >= "2027-08-01")
    morning = night.end[:10]
    # someone with no call within three days of that night takes it
    day = date.fromisoformat(night.start[:10])
    near = {(day + timedelta(days=k)).isoformat() for k in range(-2, 3)}
    taker = next(r for r in ("r2", "r3")
                 if not any(s[:10] in near for s in calls_of(duty, r)))
    other = next(r for r in ("r2", "r3") if r != taker)
    result = swap(p, schedule, duty, "NIGHT", night.start, "r1", taker)
    assert result.ok, result.reasons
    after = result.duty
    assert night.start not in calls_of(after, "r1") and night.start in calls_of(after, taker)
    assert any(q.kind == "day" and q.start.startswith(morning) for q in after.duty["r1"])
    assert not any(q.kind == "day" and q.start.startswith(morning) for q in after.duty[taker])
    assert check_duty(p, after, schedule) == [] or all(
        b.source == "call.fairness" for b in check_duty(p, after, schedule))
    assert after.calls["r1"]["calls"] == duty.calls["r1"]["calls"] - 1
    # the other resident holds a night within three days of one of the taker's: refused
    mine = calls_of(after, taker)
    close = next((q for q in after.duty[other] if q.kind == "call" and any(
        0 < abs((date.fromisoformat(q.start[:10]) - date.fromisoformat(s[:10])).days) < 3
        for s in mine)), None)
    if close is not None:
        refused = swap(p, schedule, after, "NIGHT", close.start, other, taker)
        assert not refused.ok
        assert "every third night" in refused.reasons[0]
    assert swap(p, schedule, duty, "NIGHT", night.start, other, taker).reasons == [
        f"{other} is not on NIGHT at {night.start.replace('T', ' ')}"]


def test_a_swap_to_someone_the_pool_does_not_take_or_who_is_away_is_refused():
    from solver.call.swap import swap

    p = load_program_text(HEADER + """
[[resident]]
id = "senior"
level = "R2"
track = "DR"
[[resident]]
id = "junior"
level = "R1"
track = "DR"
[[resident]]
id = "away"
level = "R2"
track = "DR"
[[call_pool]]
code = "NIGHT"
hours = "17:00-07:00"
days = ["Thu"]
levels = ["R2"]
from = 2027-09-09
to = 2027-09-09
post_call = true
""").program
    week = p.calendar.week_named_by(date(2027, 9, 6))
    schedule = on_body(p, vacation={"away": [week]})
    duty = call(p, schedule)
    assert calls_of(duty, "senior") == ["2027-09-09T17:00"]
    refused = swap(p, schedule, duty, "NIGHT", "2027-09-09T17:00", "senior", "junior")
    assert refused.reasons == ["NIGHT does not take R1 DR residents"]
    refused = swap(p, schedule, duty, "NIGHT", "2027-09-09T17:00", "senior", "away")
    assert refused.reasons == ["away is on vacation on 2027-09-09"]


def test_the_morning_after_a_night_of_service_the_resident_goes_home():
    """Night float's last night (Sunday 30 April, 21:00-07:00) and an ICU month starting
    Monday 1 May at 06:00: that Monday's ICU day is dropped rather than overlapping."""
    p = load_program_text(HEADER + """
[[resident]]
id = "r1"
level = "R2"
track = "DR"
[[resident]]
id = "r2"
level = "R2"
track = "DR"
[[service]]
code = "NF"
[[work_hours]]
service = "NF"
hours = "21:00-07:00"
days = ["Sun", "Mon", "Tue", "Wed", "Thu"]
on_holidays = true
[[work_hours]]
rotation = "ICU"
hours = "06:00-18:00"
[[call_pool]]
code = "NIGHT"
hours = "17:00-07:00"
days = ["Fri"]
from = 2027-07-09
to = 2027-07-09
""").program
    assert p is not None
    schedule = on_body(p, icu={"r1": [11]})                 # ICU in May 2028
    schedule.residents["r1"].services = {"NF": [p.calendar.week_of(date(2028, 4, 24))]}
    duty = call(p, schedule)                                # re-checked by check_duty
    assert duty.status == "OPTIMAL"
    mine = {(q.kind, q.start) for q in duty.duty["r1"]}
    assert ("service", "2028-04-30T21:00") in mine
    assert ("day", "2028-05-01T06:00") not in mine and ("day", "2028-05-02T06:00") in mine


def test_a_post_call_night_ending_after_the_morning_start_sends_the_resident_home():
    """A 17:00-08:00 night with post_call: the next day's 07:00 rotation work is dropped, so
    the shift can be taken (it would otherwise overlap it)."""
    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-08:00"
        days = ["Tue"]
        from = 2027-07-06
        to = 2027-07-06
        post_call = true
    """, residents=1)
    duty = call(p, on_body(p))
    assert duty.status == "OPTIMAL"
    days = {q.start for q in duty.duty["r1"]}
    assert "2027-07-06T17:00" in days and "2027-07-06T07:00" in days
    assert "2027-07-07T07:00" not in days and "2027-07-08T07:00" in days


def test_a_swap_keeps_the_dates_nobody_works_both_of():
    from solver.call.swap import swap

    p = program("""
        [call]
        not_both = [[2027-12-24, 2027-12-31]]
        fairness = 2
        [[call_pool]]
        code = "HOLIDAY"
        hours = "07:00-07:00"
        days = ["holiday"]
        post_call = true
    """)
    schedule = on_body(p)
    duty = call(p, schedule)
    giver = next(r for r in ("r1", "r2") if "2027-12-31T07:00" in calls_of(duty, r))
    taker = "r2" if giver == "r1" else "r1"
    refused = swap(p, schedule, duty, "HOLIDAY", "2027-12-31T07:00", giver, taker)
    assert not refused.ok
    assert refused.reasons == [f"{taker}: on call on both 2027-12-24 and 2027-12-31"]


def test_a_swap_recounts_the_requests_it_leaves_unmet_and_no_longer_claims_the_best():
    from solver.call.swap import swap

    p = program("""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Thu"]
        post_call = true
        [[call_request]]
        resident = "r2"
        kind = "no_call"
        date = 2027-09-09
        weight = 2
    """)
    schedule = on_body(p)
    duty = call(p, schedule)
    assert duty.status == "OPTIMAL" and duty.unmet_requests == [] and duty.objective == 0
    assert "2027-09-09T17:00" in calls_of(duty, "r1")
    result = swap(p, schedule, duty, "NIGHT", "2027-09-09T17:00", "r1", "r2")
    assert result.ok, result.reasons
    assert result.duty.unmet_requests == [0] and result.duty.objective == 2
    assert result.duty.status == "FEASIBLE"


MONDAY_NIGHTS = """
    [[call_pool]]
    code = "NIGHT"
    hours = "17:00-07:00"
    days = ["Mon"]
    from = 2027-07-05
    to = 2027-08-30
    post_call = true
"""


def _monday_nights_published():
    """Call on MONDAY_NIGHTS for three residents, as published, and who has 5 July's."""
    first = program(MONDAY_NIGHTS, residents=3)
    published = call(first, on_body(first))
    worked = next(rid for rid in published.duty
                  if "2027-07-05T17:00" in calls_of(published, rid))
    return published, worked


def _no_call(rid: str, *days: str) -> str:
    return "".join(f'[[call_request]]\nresident = "{rid}"\nkind = "no_call"\ndate = {day}\n'
                   "weight = 3\n" for day in days)


def test_call_made_again_keeps_the_shifts_already_worked():
    """Made again on 20 July (a resident asks, since, not to have had call on 5 July, and
    not on 23 August): the shifts before 20 July stay with whoever worked them, the request
    about 5 July is left unmet, and the one about 23 August is met. Made afresh, the same
    program moves the 5 July shift."""
    published, worked = _monday_nights_published()
    asked = program(MONDAY_NIGHTS + _no_call(worked, "2027-07-05", "2027-08-23"), residents=3)
    schedule = on_body(asked)
    again = solve_call(asked, schedule, CallOptions(time_limit=30, workers=2,
                                                    published=published,
                                                    keep_before=date(2027, 7, 20)))
    assert again.status == "OPTIMAL" and check_duty(asked, again, schedule) == []
    for rid in published.duty:
        assert [s for s in calls_of(again, rid) if s < "2027-07-20"] == \
            [s for s in calls_of(published, rid) if s < "2027-07-20"], rid
    assert again.unmet_requests == [0]
    assert "2027-08-23T17:00" not in calls_of(again, worked)
    afresh = call(asked, schedule)
    assert "2027-07-05T17:00" not in calls_of(afresh, worked) and afresh.unmet_requests == []


def test_call_made_again_during_a_shift_keeps_that_shift():
    """Made again at 23:00 on 5 July, six hours into that night's call: the night stays
    with whoever is working it, though they have since asked not to have it (an outside
    tester saw a 24-hour shift under way move to someone else). Made again at midnight
    before it, it moves."""
    published, worked = _monday_nights_published()
    asked = program(MONDAY_NIGHTS + _no_call(worked, "2027-07-05"), residents=3)
    schedule = on_body(asked)
    for moment, kept in ((datetime(2027, 7, 5, 23, 0), True), (date(2027, 7, 5), False)):
        again = solve_call(asked, schedule, CallOptions(time_limit=30, workers=2,
                                                        published=published,
                                                        keep_before=moment))
        assert again.status == "OPTIMAL" and check_duty(asked, again, schedule) == []
        assert ("2027-07-05T17:00" in calls_of(again, worked)) is kept, moment
