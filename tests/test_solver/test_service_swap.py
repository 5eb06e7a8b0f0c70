"""Swapping a week of night float: the week moves in the block schedule, both residents'
duty is rebuilt, and a swap that breaks an eligibility, presence, consecutive-weeks or
duty-hour rule is refused, saying which (the block checker's and the duty checker's words)."""

from __future__ import annotations

import textwrap
from datetime import date

from scheduler import Assignment, Program, Schedule, load_program_text
from scheduler.duty_file import DutyFile
from solver import checker
from solver.call.engine import CallOptions, solve_call
from solver.call.service_swap import swap_service
from solver.duty_check import check_duty

HEADER = """
format = 2
[program]
name = "Night float swaps"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2"]
tracks = ["DR"]
[[rotation]]
code = "BODY"
[[rotation]]
code = "ICU"
{icu}
[[resident]]
id = "r1"
level = "R2"
track = "DR"
[[resident]]
id = "r2"
name = "Rosa Vinter"
level = "R2"
track = "DR"
[[resident]]
id = "r3"
level = "R2"
track = "DR"
[[resident]]
id = "junior"
level = "R1"
track = "DR"
[[service]]
code = "NF"
name = "Night float"
levels = ["R2"]
[[work_hours]]
service = "NF"
hours = "21:00-07:00"
days = ["Sun", "Mon", "Tue", "Wed", "Thu"]
on_holidays = true
"""

# Calls only in July, far from the September week swapped.
JULY_CALL = """
[[call_pool]]
code = "NIGHT"
hours = "17:00-07:00"
days = ["Mon", "Thu"]
from = 2027-07-05
to = 2027-07-30
post_call = true
"""


def program(extra: str = JULY_CALL, icu: str = "") -> Program:
    loaded = load_program_text(HEADER.format(icu=icu) + textwrap.dedent(extra))
    assert loaded.ok, loaded.errors
    assert loaded.program is not None
    return loaded.program


def week(p: Program, monday: date = date(2027, 9, 6)) -> int:
    found = p.calendar.week_of(monday)
    assert found is not None
    return found


def year(p: Program, nf: dict[str, list[int]], icu: dict[str, list[int]] | None = None,
         vacation: dict[str, list[int]] | None = None) -> tuple[Schedule, DutyFile]:
    """Everyone on BODY (ICU in the blocks `icu` lists), night float as `nf` says; and the
    call schedule solved on it."""
    rows = {}
    for resident in p.residents:
        blocks = (icu or {}).get(resident.id, [])
        rows[resident.id] = Assignment(["ICU" if b in blocks else "BODY" for b in range(1, 13)],
                                       (vacation or {}).get(resident.id, []),
                                       {"NF": nf[resident.id]} if resident.id in nf else {})
    schedule = Schedule(program=p.info.name, status="OPTIMAL", residents=rows)
    duty = solve_call(p, schedule, CallOptions(time_limit=20, workers=2))
    assert duty.duty, duty.conflicts
    return schedule, duty


def test_a_night_float_week_moves_to_the_taker_and_both_duties_are_rebuilt():
    p = program()
    w = week(p)
    schedule, duty = year(p, {"r1": [w]})
    result = swap_service(p, schedule, duty, "NF", [w], "r1", "r2")
    assert result.ok, result.reasons
    after, new_duty = result.schedule, result.duty
    assert after.residents["r2"].service_in(w) == "NF"
    assert after.residents["r1"].services == {}
    assert schedule.residents["r1"].service_in(w) == "NF"          # the input is untouched
    assert checker.check(p, after).ok
    assert check_duty(p, new_duty, after) == []
    kinds = {rid: {(q.kind, q.what) for q in new_duty.duty[rid] if q.start.startswith("2027-09-07")}
             for rid in ("r1", "r2")}
    assert kinds == {"r1": {("day", "BODY")}, "r2": {("service", "NF")}}
    assert new_duty.duty["r3"] == duty.duty["r3"] and new_duty.duty["junior"] == duty.duty["junior"]
    # edited by hand: neither file claims to be the best any more
    assert after.status == "FEASIBLE" and new_duty.status == "FEASIBLE"
    assert new_duty.calls == duty.calls


def test_the_taker_must_be_a_level_the_service_takes():
    p = program()
    w = week(p)
    schedule, duty = year(p, {"r1": [w]})
    result = swap_service(p, schedule, duty, "NF", [w], "r1", "junior")
    assert not result.ok and result.schedule is None and result.duty is None
    assert result.reasons == [f"junior (R1) is on NF in week {w}, open only to R2"]


def test_a_call_the_taker_holds_that_week_overlaps_the_nights_and_is_named():
    tuesday = "2027-09-07"
    p = program(f"""
        [[call_pool]]
        code = "NIGHT"
        hours = "17:00-07:00"
        days = ["Tue"]
        levels = ["R2"]
        from = {tuesday}
        to = {tuesday}
        not_from = ["NF"]
        post_call = true
    """)
    w = week(p)
    schedule, duty = year(p, {"r1": [w]})
    taker = next(rid for rid in ("r2", "r3")
                 if any(q.kind == "call" for q in duty.duty[rid]))
    result = swap_service(p, schedule, duty, "NF", [w], "r1", taker)
    assert not result.ok
    assert f"{taker}: two duties at once: NIGHT and NF at {tuesday} 21:00" in result.reasons
    assert f"{taker}: on call (NIGHT) while on NF ({tuesday})" in result.reasons


def test_the_takers_rotation_must_keep_its_minimum_present():
    p = program(icu="min_present = 1")
    w = week(p)
    # r2 alone on ICU in September (block 3), r3 on it the rest of the year
    schedule, duty = year(p, {"r1": [w]}, icu={"r2": [3], "r3": [b for b in range(1, 13)
                                                               if b != 3]})
    result = swap_service(p, schedule, duty, "NF", [w], "r1", "r2")
    assert not result.ok
    assert result.reasons == ["ICU has 0 present on 2027-09-06 to 2027-09-10 (5 working days "
                              "in block 3), needs 1"]
    assert swap_service(p, schedule, duty, "NF", [w], "r1", "r3").ok


def test_weeks_not_the_givers_or_a_taker_away_or_already_serving_are_refused():
    p = program()
    w = week(p)
    schedule, duty = year(p, {"r1": [w], "r3": [w + 1]}, vacation={"r2": [w]})
    assert swap_service(p, schedule, duty, "NF", [w + 1], "r1", "r2").reasons == [
        "r1 is not on NF 13 Sep – 19 Sep 2027"]
    # the resident by their name, the week by its dates
    assert swap_service(p, schedule, duty, "NF", [w], "r1", "r2").reasons == [
        "Rosa Vinter is on vacation 6 Sep – 12 Sep 2027"]
    assert swap_service(p, schedule, duty, "NF", [w + 1], "r3", "r3").reasons == [
        "a resident cannot take their own service week"]
    schedule.residents["r3"].services = {"NF": [w, w + 1]}
    assert swap_service(p, schedule, duty, "NF", [w], "r1", "r3").reasons == [
        "r3 is already on NF 6 Sep – 12 Sep 2027"]


def test_the_sample_swaps_a_two_week_stint_but_not_half_of_one(duke_year):
    """Duke's night float runs in stints of exactly two weeks: a stint passes to someone
    free for it; one week of it leaves both residents a one-week stint, which is named."""
    p, schedule, duty = duke_year
    levels = {r.id: r.level for r in p.residents}
    # whole two-week stints (not a single week cut by the year's end)
    stints = [(rid, [w, w + 1]) for rid, a in schedule.residents.items()
              for weeks in [set(a.services.get("NF", []))] for w in sorted(weeks)
              if w + 1 in weeks and w - 1 not in weeks]
    found = None
    for giver, stint in stints:
        for taker in (r for r in levels if levels[r] in ("R2", "R3") and r != giver):
            result = swap_service(p, schedule, duty, "NF", stint, giver, taker)
            if result.ok:
                found = giver, stint, taker, result
                break
        if found:
            break
    assert found is not None, "no night-float stint of the sample can change hands"
    giver, stint, taker, result = found
    assert all(result.schedule.residents[taker].service_in(w) == "NF" for w in stint)
    assert check_duty(p, result.duty, result.schedule) == []
    assert checker.check(p, result.schedule).ok
    half = swap_service(p, schedule, duty, "NF", stint[:1], giver, taker)
    assert not half.ok
    assert any("has only 1 week(s) in a row on Night float (NF)" in r for r in half.reasons)
    junior = next(r for r in levels if levels[r] == "R1" and not any(
        w in schedule.residents[r].vacation_weeks for w in stint))
    refused = swap_service(p, schedule, duty, "NF", stint, giver, junior)
    assert any("open only to R2/R3" in r for r in refused.reasons), refused.reasons
