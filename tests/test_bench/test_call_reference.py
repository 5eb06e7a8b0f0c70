"""The plain call model (bench/call_reference.py) against the call engine (solver/call/).

On tiny call years (2 to 4 residents, pools running a few weeks), drawn from a fixed seed so
that each case is the same every run, the engine and the plain model agree: the same proven
optimum, or both find no call schedule. Every answer passes the duty checker (written apart
from both), and its objective is the weight of the soft requests its duty leaves unmet,
counted here from the duty itself.
"""

from __future__ import annotations

import random
import textwrap
from datetime import date, timedelta

import pytest

from bench.call_reference import solve_plain_call
from scheduler import Assignment, Program, Schedule, load_program_text
from scheduler.duty_file import DutyFile
from solver.call.engine import CallOptions, solve_call
from solver.duty_check import check_duty

HEADER = """
format = 2
[program]
name = "Call agreement"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2"]
tracks = ["DR"]
holidays = [2027-07-05]
[[rotation]]
code = "BODY"
[[rotation]]
code = "ICU"
[[work_hours]]
rotation = "ICU"
hours = "06:00-17:00"
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
"""
FIRST = date(2027, 7, 1)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKEND = ["Sat", "Sun", "holiday"]
# (hours, post_call, in_house, the days it may run): a night (with or without going home the
# morning after), 24 hours at the weekend, an evening after work, a weekend day, call from
# home at night
SHIFTS = [("17:00-07:00", True, True, WEEKDAYS), ("17:00-07:00", False, True, WEEKDAYS),
          ("07:00-07:00", True, True, WEEKEND),
          ("17:00-23:00", False, True, WEEKDAYS[:5]), ("08:00-16:00", False, True, WEEKEND),
          ("17:00-07:00", False, False, WEEKDAYS)]
LIMIT = 20.0


def _pool(rng: random.Random, k: int, levels: list[str]) -> str:
    """A pool running over one to three weeks of July, on two to four of the days its kind
    of shift may run on."""
    hours, post_call, in_house, allowed = rng.choice(SHIFTS)
    start = FIRST + timedelta(days=rng.randrange(0, 14))
    end = start + timedelta(days=rng.randrange(6, 21))
    days = sorted(rng.sample(allowed, rng.randint(2, min(4, len(allowed)))),
                  key=(WEEKDAYS + ["holiday"]).index)
    return textwrap.dedent(f"""
        [[call_pool]]
        code = "P{k}"
        hours = "{hours}"
        days = {days!r}
        levels = {levels!r}
        from = {start}
        to = {end}
        post_call = {str(post_call).lower()}
        in_house = {str(in_house).lower()}
        """).replace("'", '"')


def _request(rng: random.Random, residents: int) -> str:
    """A soft no_call over a few days, a soft pin, or (now and then) a hard no_call."""
    day = FIRST + timedelta(days=rng.randrange(0, 30))
    rid = f"r{rng.randint(1, residents)}"
    if rng.random() < 0.5:
        hard = "hard = true" if rng.random() < 0.2 else f"weight = {rng.randint(1, 3)}"
        return (f'[[call_request]]\nresident = "{rid}"\nkind = "no_call"\ndate = {day}\n'
                f"to = {day + timedelta(days=rng.randrange(0, 4))}\n{hard}\n")
    return (f'[[call_request]]\nresident = "{rid}"\nkind = "on_call"\ndate = {day}\n'
            f"hard = false\nweight = {rng.randint(1, 3)}\n")


def tiny_year(seed: int) -> tuple[Program, Schedule]:
    """A random tiny call year: 2 to 4 residents (R1 and R2), one to three pools, settings
    and requests at random; everyone on BODY, someone on ICU in July and someone away a
    week now and then. Drawn again while the program file is refused (two in-house pools
    of the same residents at the same time)."""
    rng = random.Random(seed)
    while True:
        program = _tiny_program(rng)
        if program is not None:
            break
    cells = {r.id: ["BODY"] * 12 for r in program.residents}
    away: dict[str, list[int]] = {}
    if rng.random() < 0.5:
        cells[rng.choice(sorted(cells))][0] = "ICU"
    if rng.random() < 0.5:
        away[rng.choice(sorted(cells))] = [rng.randint(1, 4)]
    schedule = Schedule(program=program.info.name, status="FEASIBLE",
                        residents={rid: Assignment(row, away.get(rid, []))
                                   for rid, row in cells.items()})
    return program, schedule


def _tiny_program(rng: random.Random) -> Program | None:
    """The program file of a tiny call year, or None when the validator refuses it."""
    residents = rng.randint(2, 4)
    levels = ["R2"] + [rng.choice(["R1", "R2"]) for _ in range(residents - 1)]
    text = HEADER + "".join(f'[[resident]]\nid = "r{i + 1}"\nlevel = "{level}"\ntrack = "DR"\n'
                            for i, level in enumerate(levels))
    text += (f"[call]\nrest_hours = {rng.choice([0, 8, 10])}\n"
             f"fairness = {rng.choice([0, 1, 1, 2])}\n")
    if rng.random() < 0.4:
        one, other = sorted(rng.sample(range(2, 28), 2))
        text += f"not_both = [[{FIRST + timedelta(days=one)}, {FIRST + timedelta(days=other)}]]\n"
    for k in range(rng.randint(1, 3)):
        text += _pool(rng, k, rng.choice([["R2"], ["R1", "R2"]]))
    text += "".join(_request(rng, residents) for _ in range(rng.randint(0, 3)))
    loaded = load_program_text(text)
    assert all("overlaps" in e.message for e in loaded.errors), (text, loaded.errors)
    return loaded.program


def unmet_weight(program: Program, duty: DutyFile) -> int:
    """The weight of the soft call requests the duty leaves unmet, read off its calls."""
    total = 0
    for request in program.call_requests:
        if request.is_hard:
            continue
        last = request.last or request.day
        mine = [p for p in duty.duty.get(request.resident, [])
                if p.kind in ("call", "home_call")
                and request.day <= date.fromisoformat(p.start[:10]) <= last
                and request.pool in (None, p.what)]
        if bool(mine) != (request.kind == "on_call"):
            total += request.weight
    return total


def checked(program: Program, schedule: Schedule, duty: DutyFile | None) -> None:
    """A duty file keeps every limit and call rule, and costs what it says."""
    assert duty is not None
    assert check_duty(program, duty, schedule) == []
    assert duty.objective == unmet_weight(program, duty)


def agree(program: Program, schedule: Schedule) -> str:
    """Solve with both; they reach the same optimum, or neither finds a call schedule.
    Returns the engine's status."""
    engine = solve_call(program, schedule, CallOptions(time_limit=LIMIT, workers=2,
                                                        explain=False))
    plain = solve_plain_call(program, schedule, LIMIT, workers=2)
    if engine.status in ("INFEASIBLE", "INVALID"):
        # INVALID: a hard request no open shift meets, which the plain model finds infeasible
        assert plain.status == "INFEASIBLE", (engine.status, engine.conflicts)
        return engine.status
    assert (engine.status, plain.status) == ("OPTIMAL", "OPTIMAL")
    assert engine.objective == plain.objective
    checked(program, schedule, engine)
    checked(program, schedule, plain.duty)
    return engine.status


def fixed_year(extra: str, residents: int, icu: tuple[str, ...] = ()) -> tuple[Program,
                                                                              Schedule]:
    """A hand-made call year: R2 residents r1, r2, ... on BODY all year (on ICU, 06:00-17:00
    Monday to Saturday, in July and August for those in `icu`)."""
    people = "".join(f'[[resident]]\nid = "r{i}"\nlevel = "R2"\ntrack = "DR"\n'
                     for i in range(1, residents + 1))
    program = load_program_text(HEADER + people + textwrap.dedent(extra)).program
    assert program is not None
    return program, Schedule(program=program.info.name, status="FEASIBLE", residents={
        r.id: Assignment((["ICU"] * 2 if r.id in icu else ["BODY"] * 2) + ["BODY"] * 10)
        for r in program.residents})


@pytest.mark.parametrize("seed", range(40))
def test_the_engine_and_the_plain_model_reach_the_same_optimum(seed):
    agree(*tiny_year(seed))


EVENINGS = """
    [call]
    rest_hours = 6
    fairness = {fairness}
    [[call_pool]]
    code = "EVENING"
    hours = "17:00-23:00"
    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    from = 2027-07-12
    to = 2027-08-06
    """
NIGHTS = """
    [call]
    not_both = {pairs}
    [[call_pool]]
    code = "NIGHT"
    hours = "17:00-07:00"
    days = ["Thu"]
    from = 2027-07-08
    to = 2027-07-15
    post_call = true
    """
THIRD_NIGHT = """
    [[call_pool]]
    code = "NIGHT"
    hours = "17:00-07:00"
    days = ["Mon", "Wed"]
    from = 2027-07-12
    to = 2027-07-14
    post_call = true
    """


@pytest.mark.parametrize(("extra", "residents", "icu", "status"), [
    # 20 evenings of 6 hours: r1's ICU weeks (264 hours in 28 days) leave room for 9 of
    # them within 320 hours, so an even split (10 and 10) breaks the 80-hour limit
    (EVENINGS.format(fairness=1), 2, ("r1",), "INFEASIBLE"),
    (EVENINGS.format(fairness=2), 2, ("r1",), "OPTIMAL"),
    # one resident, two Thursday nights: not both when the dates are paired
    (NIGHTS.format(pairs="[[2027-07-08, 2027-07-15]]"), 1, (), "INFEASIBLE"),
    (NIGHTS.format(pairs="[]"), 1, (), "OPTIMAL"),
    # one resident, in-house nights two days apart: every third night is broken
    (THIRD_NIGHT, 1, (), "INFEASIBLE"),
    (THIRD_NIGHT, 2, (), "OPTIMAL"),
])
def test_both_models_hold_each_limit_on_either_side(extra, residents, icu, status):
    assert agree(*fixed_year(extra, residents, icu)) == status


def test_the_call_bench_notes_when_the_engines_first_schedule_came(monkeypatch):
    """`make bench-call`'s columns *first* and *within 2 %* come from the engine's own
    solve: the bench watches the engine's progress callback instead of replacing it."""
    from bench import call as bench_call
    from solver.call import engine

    # the bench swaps these two names of the engine's module in its own process; restored
    monkeypatch.setattr(engine, "cp_model", engine.cp_model)
    monkeypatch.setattr(engine, "build_call_model", engine.build_call_model)
    run = bench_call._engine_run(*fixed_year(EVENINGS.format(fairness=2), 2, ("r1",)),
                                 time_limit=20, workers=2)
    assert run["status"] == "OPTIMAL"
    assert run["first"] is not None and run["within"] is not None
    assert 0 < run["first"] <= run["within"] <= run["wall"]
    assert run["build"] is not None and run["presolve"] is not None


def test_the_plain_model_refuses_times_off_the_hour():
    program, schedule = fixed_year("""
        [[call_pool]]
        code = "LATE"
        hours = "17:30-23:00"
        days = ["Mon"]
        """, 1)
    with pytest.raises(ValueError, match="whole hours only"):
        solve_plain_call(program, schedule, LIMIT)
