"""Format 2 end to end: presence on every working day, holidays, blackouts, away limits,
per-resident caps, weekly services, spreading vacation, and re-solving that keeps booked
vacation. Every schedule is also passed through the independent checker (`solve_checked`)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from program_helpers import conflict_sources, make_program, present_by_day, solve_checked

from scheduler import Assignment, Program, Schedule
from solver import checker

F2 = """
format = 2
[program]
name = "Format 2"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
vacation_weeks = {weeks}
{extra}
"""


def header(weeks: int = 0, extra: str = "") -> str:
    return F2.format(weeks=weeks, extra=extra)


def residents(*ids: str, level: str = "R2") -> str:
    return "".join(f'[[resident]]\nid = "{rid}"\nlevel = "{level}"\ntrack = "IR"\n'
                   for rid in ids)


def vacation_days(program, weeks: list[int]) -> list[date]:
    """The working days of the weeks, from the calendar's dates alone."""
    found = []
    for w in weeks:
        week = program.calendar.weeks[w - 1]
        found += [week.start + timedelta(days=k) for k in range(5)
                  if week.start + timedelta(days=k) not in program.info.holidays]
    return found


# -- presence on every working day ---------------------------------------------------------


def test_presence_holds_on_the_days_a_straddling_week_spends_in_the_next_month():
    # Week 9 runs Monday 30 August - Sunday 5 September: its Wednesday-Friday are in
    # September. Two residents share CALL all year and must never be away on the same day.
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
    """ + residents("a", "b") + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-09-01]
        hard = true
        [[request]]
        resident = "b"
        kind = "vacation"
        weeks = [2027-08-30]
        weight = 5
    """, header=header(2))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.unmet_requests == [1]  # b cannot be away in a's week
    assert min(present_by_day(program, schedule, "CALL").values()) == 1


def test_a_hand_made_week_away_across_two_months_is_caught_day_by_day():
    program = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
    """ + residents("a", "b"), header=header(1))
    # a covers CALL in July and August, b from September; b's vacation week 9 (30 August -
    # 5 September) starts in August, so counting it in August's block (as format 1 did) sees
    # nothing wrong, but on Wednesday-Friday 1-3 September nobody is present on CALL.
    a = Assignment(["CALL", "CALL"] + ["OFF"] * 10, [20])
    b = Assignment(["OFF", "OFF"] + ["CALL"] * 10, [9])
    report = checker.check(program, Schedule("Format 2", "FEASIBLE",
                                             residents={"a": a, "b": b}))
    assert [f.source for f in report.violations] == ["rotation[0].min_present"]
    assert report.violations[0].message == (
        "CALL has 0 present on 2027-09-01 to 2027-09-03 (3 working days in block 3), needs 1")


def test_a_holiday_is_not_a_working_day():
    # Labor Day, Monday 6 September, is the only day one resident leaves CALL uncovered.
    text = """
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
    """ + residents("a")
    plain = make_program(text, header=header(0))
    holiday = make_program(text, header=header(0, "holidays = [2027-09-06]"))
    row = Assignment(["CALL"] * 12)
    day_off = Schedule("Format 2", "FEASIBLE", residents={"a": row})
    assert checker.check(plain, day_off).ok and checker.check(holiday, day_off).ok
    assert holiday.calendar.is_working_day(date(2027, 9, 6)) is False
    assert holiday.calendar.working_days_in_block(3) == plain.calendar.working_days_in_block(3) - 1


# -- blackouts and away limits ---------------------------------------------------------------


def test_no_r1_vacation_in_orientation_and_a_soft_blackout_costs_per_week():
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + residents("new", level="R1") + residents("old", level="R3") + """
        [[blackout]]
        name = "R1 orientation"
        levels = ["R1"]
        from = 2027-07-01
        to = 2027-07-31
        [[blackout]]
        name = "Hand-over"
        from = 2028-06-01
        to = 2028-06-30
        hard = false
        weight = 4
        [[request]]
        resident = "new"
        kind = "vacation"
        weeks = [2027-07-12]
        weight = 2
        [[request]]
        resident = "old"
        kind = "vacation"
        weeks = [2028-06-12]
        weight = 9
    """, header=header(2))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    new = schedule.residents["new"].vacation_weeks
    assert all(day > date(2027, 7, 31) for day in vacation_days(program, new))
    # old's wish (9) outweighs the soft blackout (4 for the week touching June)
    assert schedule.objective == 2 + 4
    assert schedule.unmet_requests == [0]


def test_an_away_limit_caps_residents_on_vacation_on_every_working_day():
    program = make_program("""
        [[rotation]]
        code = "A"
        groups = ["IR"]
        [[rotation]]
        code = "B"
    """ + residents("a", "b", "c", "d") + """
        [[away_limit]]
        name = "At most 1 away"
        max = 1
    """, header=header(4))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    away = Counter(w for a in schedule.residents.values() for w in a.vacation_weeks)
    assert max(away.values()) == 1


def test_too_strict_an_away_limit_is_explained_with_its_source():
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + residents("a", "b") + """
        [[away_limit]]
        max = 0
    """, header=header(1))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"away_limit[0]", "program.vacation_weeks"}
    # one sentence, from a capital letter: 'Every resident without an own allowance gets ...'
    assert schedule.explanation.startswith("Every resident "), schedule.explanation
    # with the arithmetic a chief would do: the weeks wanted against the weeks the limit leaves
    weeks = len({w for (w, _) in program.calendar.segments})
    wanted = 2 * program.info.vacation_weeks
    assert f"(2 residents, {wanted} weeks in all)" in schedule.explanation
    assert (f"(at most 0 of their vacation weeks in all, over the {weeks} weeks with working "
            "days)") in schedule.explanation


def test_a_night_float_no_one_can_cover_is_explained_with_its_counts():
    """Night float needs two residents a week but only one resident may serve on it: the
    explanation counts the weeks of cover wanted and the residents who may give it."""
    program = make_program("""
        [[rotation]]
        code = "A"
        [[service]]
        code = "NF"
        min = 2
        levels = ["R2"]
    """ + residents("a") + residents("b", level="R1"), header=header(1))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"service[0].min"}
    runs = len(program.service_weeks(program.services[0]))
    assert (f"NF needs at least 2 residents every week it runs ({runs} weeks, "
            f"{2 * runs} weeks of NF in all, from the 1 resident it is open to)") \
        in schedule.explanation


def test_night_float_is_covered_in_a_week_of_holidays_only():
    """A program closes Monday 20 to Friday 24 December 2027 (week 25): no working day that
    week, but its nights still need night float, and the checker counts that week's cover
    too (an outside tester's program)."""
    holidays = "holidays = [2027-12-20, 2027-12-21, 2027-12-22, 2027-12-23, 2027-12-24]"
    program = make_program("""
        [[rotation]]
        code = "A"
        [[service]]
        code = "NF"
        min = 1
        max = 1
        weeks = [24, 25, 26]
    """ + residents("a", "b"), header=header(0, holidays))
    assert not program.calendar.working_days_of_week(25)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    served = sorted(w for r in schedule.residents.values() for w in r.services.get("NF", []))
    assert served == [24, 25, 26]
    # the week of holidays left without cover is a broken rule
    for assignment in schedule.residents.values():
        assignment.services["NF"] = [w for w in assignment.services.get("NF", []) if w != 25]
    report = checker.check(program, schedule)
    assert [v.source for v in report.violations] == ["service[0].min"], report.violations
    assert "week 25" in report.violations[0].message


def test_an_away_limit_on_a_group_counts_only_residents_on_it_that_day():
    program = make_program("""
        [[rotation]]
        code = "IR"
        groups = ["IR"]
        min = 2
        [[rotation]]
        code = "DR"
    """ + residents("a", "b", "c") + """
        [[away_limit]]
        group = "IR"
        max = 0
    """, header=header(1))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    for assignment in schedule.residents.values():
        for day in vacation_days(program, assignment.vacation_weeks):
            block = program.calendar.block_of_day(day)
            assert assignment.rotations[block - 1] == "DR"


def test_a_residents_own_cap_allows_a_two_week_wedding_leave():
    text = """
        [[rotation]]
        code = "A"
        [[resident]]
        id = "zhou"
        level = "R2"
        track = "IR"
        {cap}
        [[request]]
        resident = "zhou"
        kind = "vacation"
        weeks = [2028-05-15, 2028-05-22]
        hard = true
    """
    refused = make_program(text.format(cap=""), header=header(2))
    assert conflict_sources(solve_checked(refused)) == {
        "program.max_vacation_weeks_per_block", "request[0]"}
    allowed = make_program(text.format(cap="max_vacation_weeks_per_block = 2"),
                           header=header(2))
    schedule = solve_checked(allowed)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["zhou"].vacation_weeks == [46, 47]


# -- weekly services -------------------------------------------------------------------------

NIGHT_FLOAT = """
[[rotation]]
code = "SICU"
vacation = false
[[rotation]]
code = "BODY"
min_present = 1
[[service]]
code = "NF"
name = "Night float"
min = 1
max = 1
levels = ["R2"]
not_from = ["SICU"]
"""


# Night float in stints of exactly two weeks (a stint touching the year's ends is exempt
# from the minimum)
TWO_WEEK_STINTS = """
[[rule]]
kind = "min_consecutive"
service = "NF"
blocks = 2
[[rule]]
kind = "max_consecutive"
service = "NF"
blocks = 2
"""


def test_night_float_is_covered_every_week_by_eligible_residents_in_stints():
    program = make_program(NIGHT_FLOAT + residents("a", "b", "c") + residents("r1", level="R1")
                           + TWO_WEEK_STINTS, header=header(1))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    weeks = program.calendar.num_weeks
    cover = Counter(w for a in schedule.residents.values() for w in a.services.get("NF", []))
    assert cover == Counter({w: 1 for w in range(1, weeks + 1)})
    assert schedule.residents["r1"].services == {}
    for assignment in schedule.residents.values():
        served = assignment.services.get("NF", [])
        assert not set(served) & set(assignment.vacation_weeks)
        for w in served:  # never pulled from SICU
            for day in program.calendar.working_days_of_week(w):
                block = program.calendar.block_of_day(day)
                assert assignment.rotations[block - 1] != "SICU"
    # BODY keeps someone present on every working day, night float counting as away
    assert min(present_by_day(program, schedule, "BODY").values()) >= 1


def stints_program(count: int, weeks: int, extra: str = "", cover: int = 1, first: int = 2,
                   rule: str = "") -> Program:
    """`count` R2s on night float, `cover` (and at most one) a week, in stints of exactly
    two weeks (`rule`: more keys of the max rule), over `weeks` weeks from week `first` (2:
    no stint can touch the year's first or last week)."""
    service = NIGHT_FLOAT.replace('name = "Night float"', 'name = "Night float"\n'
                                  f"weeks = {list(range(first, first + weeks))}")
    service = service.replace("\nmin = 1\n", f"\nmin = {cover}\n")
    program = make_program(service + residents(*(f"r{i}" for i in range(count)))
                           + TWO_WEEK_STINTS + rule + "\n" + extra, header=header(0))
    assert first + weeks - 1 <= program.calendar.num_weeks
    return program


def test_night_float_in_two_week_stints_cannot_cover_an_odd_number_of_weeks():
    """49 weeks of night float, one resident a week, each resident's weeks in stints of
    exactly two: every resident serves an even number of weeks, so together they cannot
    serve 49. The search alone took 17 s to find that out with 16 residents; it is told at
    once, with the four entries that clash."""
    schedule = solve_checked(stints_program(16, 49))
    assert conflict_sources(schedule) == {"rule[0]", "rule[1]", "service[0].min",
                                          "service[0].max"}
    assert "2 weeks in a row" in schedule.explanation


def test_night_float_in_two_week_stints_covers_an_even_number_of_weeks():
    program = stints_program(16, 48)
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    cover = Counter(w for a in schedule.residents.values() for w in a.services.get("NF", []))
    assert cover == Counter({w: 1 for w in range(2, 50)})
    for assignment in schedule.residents.values():
        weeks = assignment.services.get("NF", [])
        assert len(weeks) % 2 == 0
        assert all(w + 1 in weeks or w - 1 in weeks for w in weeks)


def test_odd_weeks_of_night_float_are_covered_where_a_stint_may_be_shorter_or_longer():
    """Where a stint may touch the year's first week (exempt from the minimum), where the
    limit on stints is soft, or where someone the rules do not bind may serve, 49 weeks can
    be covered one a week: the totals need not be even there."""
    touching = stints_program(4, 49, first=1)
    assert solve_checked(touching).status == "OPTIMAL"
    soft = stints_program(4, 49, rule="hard = false\nweight = 1")
    schedule = solve_checked(soft)
    assert schedule.status == "OPTIMAL" and schedule.objective == 1   # one stint of three
    program = make_program(NIGHT_FLOAT.replace('levels = ["R2"]', 'levels = ["R2", "R3"]')
                           .replace('name = "Night float"', 'name = "Night float"\n'
                                    f"weeks = {list(range(2, 51))}")
                           + residents("a", "b", "c") + residents("senior", level="R3") + """
        [[rule]]
        kind = "min_consecutive"
        service = "NF"
        levels = ["R2"]
        blocks = 2
        [[rule]]
        kind = "max_consecutive"
        service = "NF"
        levels = ["R2"]
        blocks = 2
    """, header=header(0))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert len(schedule.residents["senior"].services["NF"]) % 2 == 1


def test_a_requirement_of_an_odd_number_of_weeks_in_two_week_stints_is_explained():
    program = stints_program(4, 24, cover=0, extra="""
        [[requirement]]
        service = "NF"
        levels = ["R2"]
        exactly = 3
    """)
    assert conflict_sources(solve_checked(program)) == {"rule[0]", "rule[1]",
                                                        "requirement[0]"}


# Two residents share night float, one every week, and body imaging needs one of them
# present on every working day.
NIGHT_FLOAT_PAIR = """
[[rotation]]
code = "BODY"
min_present = 1
[[rotation]]
code = "OTHER"
[[service]]
code = "NF"
name = "Night float"
min = 1
max = 1
""" + residents("a", "b")


def test_a_week_on_vacation_or_on_night_float_is_a_week_away_from_the_rotation():
    """Every week one of the two serves night float, so the other must be on BODY and not
    away. Without vacation there are such years; with one vacation week each there are
    none, since in that week the other resident must both serve and be present."""
    free = make_program(NIGHT_FLOAT_PAIR, header=header(0))
    year = solve_checked(free)
    assert year.status == "OPTIMAL"
    assert min(present_by_day(free, year, "BODY").values()) >= 1
    program = make_program(NIGHT_FLOAT_PAIR, header=header(1))
    assert conflict_sources(solve_checked(program)) == {
        "rotation[0].min_present", "service[0].min", "program.vacation_weeks"}


def test_requirement_and_requests_about_a_service_count_weeks():
    program = make_program(NIGHT_FLOAT + residents("a", "b") + """
        [[requirement]]
        levels = ["R2"]
        service = "NF"
        min = 20
        max = 30
        [[request]]
        resident = "a"
        kind = "avoid"
        service = "NF"
        weeks = [2027-12-22]
        hard = true
        [[request]]
        resident = "a"
        kind = "assign"
        service = "NF"
        weeks = [2028-01-05]
        weight = 3
    """, header=header(0))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    a = schedule.residents["a"].services["NF"]
    assert 25 not in a and 27 in a
    for assignment in schedule.residents.values():
        assert 20 <= len(assignment.services["NF"]) <= 30


def test_a_service_nobody_may_serve_is_explained():
    program = make_program(NIGHT_FLOAT + residents("r1", level="R1"), header=header(0))
    assert conflict_sources(solve_checked(program)) == {"service[0].min"}


def test_a_service_code_equal_to_a_rotation_code_is_invalid():
    from scheduler import load_program_text
    loaded = load_program_text(header(0) + NIGHT_FLOAT.replace('code = "NF"', 'code = "SICU"'))
    assert not loaded.ok
    assert [e.path for e in loaded.errors] == ["service[0].code"]


# -- spreading vacation and re-solving ------------------------------------------------------


def test_unrequested_vacation_is_spread_and_the_total_never_rises():
    program = make_program('[[rotation]]\ncode = "A"\n'
                           + residents(*[f"r{i}" for i in range(8)]) + """
        [[request]]
        resident = "r0"
        kind = "vacation"
        weeks = [2027-12-20]
        weight = 2
    """, header=header(4))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL" and schedule.objective == 0
    unrequested = Counter(w for rid, a in schedule.residents.items()
                          for w in a.vacation_weeks if not (rid == "r0" and w == 25))
    assert max(unrequested.values()) == 1  # 31 unrequested weeks fit one a week


def test_vacation_is_spread_down_to_the_even_share_and_no_further():
    """20 residents with 4 weeks each: 80 unrequested weeks over the year's 51 weeks, so
    some week holds two; the spread reaches that and stops there."""
    program = make_program('[[rotation]]\ncode = "A"\n'
                           + residents(*[f"r{i}" for i in range(20)]), header=header(4))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL" and schedule.objective == 0
    per_week = Counter(w for a in schedule.residents.values() for w in a.vacation_weeks)
    assert sum(per_week.values()) == 80
    assert max(per_week.values()) == 2


def test_resolving_keeps_published_vacation_unless_dropping_it_pays():
    program_text = '[[rotation]]\ncode = "A"\n[[rotation]]\ncode = "B"\n' + residents("a", "b")
    program = make_program(program_text, header=header(2, "change_weight = 2"))
    first = solve_checked(program)
    # the new year: b asks (weight 1) for a week a different from the published ones
    published = first.residents["b"].vacation_weeks
    wanted = next(w for w in range(30, 50) if w not in published)
    monday = program.calendar.week_start(wanted).isoformat()
    later = make_program(program_text + f"""
        [[request]]
        resident = "b"
        kind = "vacation"
        weeks = [{monday}]
        weight = 1
    """, header=header(2, "change_weight = 2"))
    again = solve_checked(later, previous=first, freeze_through=3)
    assert again.residents["b"].vacation_weeks == published  # moving costs 2 > 1
    assert again.objective == 1
    cheap = make_program(program_text + f"""
        [[request]]
        resident = "b"
        kind = "vacation"
        weeks = [{monday}]
        weight = 5
    """, header=header(2, "change_weight = 2"))
    moved = solve_checked(cheap, previous=first, freeze_through=3)
    assert wanted in moved.residents["b"].vacation_weeks
    assert moved.objective == 2  # one published week dropped


# -- the sample, walked day by day ----------------------------------------------------------


def test_every_working_day_of_the_solved_sample_keeps_every_day_rule(duke_schedule):
    program, schedule = duke_schedule
    assert checker.check(program, schedule).ok
    cal = program.calendar
    limits = {limit.name: limit.max for limit in program.away_limits if limit.hard}
    for day in cal.days:
        if day.weekday() >= 5 or day in program.info.holidays:
            continue
        block = next(b.index for b in cal.blocks if b.start <= day <= b.end)
        week = next((w.index for w in cal.weeks if w.start <= day <= w.end), None)
        away = [rid for rid, a in schedule.residents.items() if week in a.vacation_weeks]
        assert len(away) <= min(limits.values()), day
        on_nf = [rid for rid, a in schedule.residents.items() if week in a.services.get("NF", [])]
        if week is not None:
            assert len(on_nf) == 1, day
        for rid in away:
            resident = program.resident_by_id[rid]
            rotation = program.rotation_by_code[schedule.residents[rid].rotations[block - 1]]
            assert rotation.vacation, (day, rid)
            if resident.level == "R1":
                assert day > date(2027, 7, 31), (day, rid)  # orientation
            if resident.level == "R3":
                assert not date(2028, 6, 5) <= day <= date(2028, 6, 16), (day, rid)
    for rotation in program.rotations:
        if rotation.min_present:
            present = present_by_day(program, schedule, rotation.code)
            assert min(present.values()) >= rotation.min_present, rotation.code


def test_the_year_at_a_glance_says_what_the_schedule_holds(duke_schedule):
    from scheduler.glance import at_a_glance

    program, schedule = duke_schedule
    lines = at_a_glance(program, schedule)
    away = Counter(w for a in schedule.residents.values() for w in a.vacation_weeks)
    busiest = max(away.values())
    assert lines[0].startswith("Busiest week: week ")
    assert f", {busiest} residents away" in lines[0]
    assert "Blackout 'R1 orientation' (1 Jul – 31 Jul 2027): 0 vacation weeks among the 9 " \
        "residents it binds." in lines
    assert any(line.startswith("Away limit 'At most 6 residents away on any day': busiest "
                               f"working day has {busiest} away") for line in lines)
    assert lines[-1].startswith("Night float: 1-1 residents a week over the 51 weeks it runs;")
    # the soft limit of one away from clinical IR says how often the schedule goes over it
    clinical = next(line for line in lines if "away from clinical IR" in line)
    over = re.search(r"busiest working day has (\d+) away", clinical)
    assert over is not None
    assert (int(over.group(1)) > 1) == ("a soft limit, over it on " in clinical)


# -- the reviewer's cases ----------------------------------------------------------------------


def test_a_week_of_holidays_only_may_still_be_a_vacation_week():
    program = make_program('[[rotation]]\ncode = "A"\n' + residents("a") + """
        [[request]]
        resident = "a"
        kind = "vacation"
        weeks = [2027-12-27]
        hard = true
    """, header=header(1, "holidays = [2027-12-27, 2027-12-28, 2027-12-29, 2027-12-30, "
                          "2027-12-31]"))
    schedule = solve_checked(program)
    assert schedule.status == "OPTIMAL"
    assert schedule.residents["a"].vacation_weeks == [26]


def test_a_format_1_schedule_keeps_its_vacation_dates_as_nearly_as_format_2_weeks_allow():
    from scheduler.schedule import parse_schedule

    old = {"format": 1, "blocks": [{"index": 1, "start": "2027-07-01", "end": "2027-07-31"}],
           "residents": {"a": {"rotations": ["A"] * 12, "vacation_weeks": [1, 10, 52]}}}
    schedule, errors = parse_schedule(old)
    assert not errors
    # old week 1 = Thu 1 - Wed 7 July -> 5-11 July (week 1, 3 of its 5 weekdays); old 10 =
    # Thu 2 - Wed 8 Sep -> 6-12 Sep (week 10); old 52 = 23-30 June -> the last week (51)
    assert schedule.residents["a"].vacation_weeks == [1, 10, 51]


def test_a_soft_requirement_on_a_service_that_never_takes_the_resident_says_so():
    """An R1 bound by 'two weeks of night float' which takes only R2s: the cost says why no
    schedule could meet it; an R2 short of it is only short."""
    program = make_program(NIGHT_FLOAT + residents("a", "b") + residents("r1", level="R1")
                           + """
        [[requirement]]
        service = "NF"
        min = 30
        hard = false
        weight = 1
    """, header=header(1))
    schedule = solve_checked(program)
    said = {p["message"].split(" ", 1)[0]: p["message"] for p in schedule.penalties
            if p["source"] == "requirement[0]"}
    assert said["r1"].endswith("needs at least 30 weeks; NF does not take R1 IR residents")
    short = [said[rid] for rid in ("a", "b") if rid in said]   # 51 weeks, one at a time
    assert short and all(m.endswith("needs at least 30 weeks") for m in short), said


def test_an_away_limit_and_blackouts_are_explained_with_the_weeks_they_leave_together():
    """One resident away at a time over the year's 51 weeks would hold two residents' 25
    weeks each; a blackout of two weeks leaves 49. The explanation counts the weeks the two
    leave together, not only the limit's own weeks."""
    program = make_program("""
        [[rotation]]
        code = "A"
    """ + residents("a", "b") + """
        [[blackout]]
        name = "Hand-over"
        from = 2028-06-05
        to = 2028-06-18
        [[away_limit]]
        max = 1
    """, header=header(25, "max_vacation_weeks_per_block = 5"))
    schedule = solve_checked(program)
    assert conflict_sources(schedule) == {"away_limit[0]", "blackout[0]",
                                          "program.vacation_weeks"}
    weeks = len({w for (w, _) in program.calendar.segments})
    assert (f"With the blackouts, {weeks - 2} of those weeks are left: at most {weeks - 2} "
            "of their vacation weeks in all.") in schedule.explanation, schedule.explanation
