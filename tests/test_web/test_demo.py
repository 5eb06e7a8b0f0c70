"""The demo shows the whole product (issue 19): its year holds today, so cases can be logged
and get their rotation; it ships months of invented case logs in every state; a second
program with its own people shows that programs are kept apart."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from web_support import csrf_token, log_case, sign_in, type_id

from scheduler import load_program_text
from solver.call.engine import solve_call as solve_call_for_real
from solver.engine import SolveOptions
from solver.engine import solve as solve_for_real
from web import demo
from web.cases.services import rotation_finder
from web.demo import PASSWORD, SAMPLE, holiday_moved, in_year_of, load_demo, moved
from web.demo_cases import RETURN_COMMENT
from web.extensions import db
from web.models import Case, Program, Schedule
from web.schedules.services import latest_published


@pytest.fixture(scope="session")
def solved():
    """Both demo programs solved once for the session (the solve is the slow part): program
    name -> schedule."""
    found = {}
    for text in (SAMPLE.read_text(encoding="utf-8"), demo.SECOND):
        year = load_program_text(in_year_of(text, date.today())).program
        found[year.info.name] = solve_for_real(year, SolveOptions(time_limit=20))
    return found


@pytest.fixture(scope="session")
def call_years():
    """Each demo program's call schedule, solved once for the session on its schedule in
    `solved` (about 10 s for the sample): program name -> duty file."""
    return {}


@pytest.fixture
def loaded(app, solved, call_years, monkeypatch):
    """The demo loaded into the empty database (its solves answered from `solved` and
    `call_years`, the call year solved for real the first time); program name -> id."""
    monkeypatch.setattr(demo, "solve", lambda year, options, watch=None:
                        solved[year.info.name])

    def solve_call_once(year, schedule, options):
        if year.info.name not in call_years:
            call_years[year.info.name] = solve_call_for_real(year, schedule, options)
        return call_years[year.info.name]

    monkeypatch.setattr(demo, "solve_call", solve_call_once)
    with app.app_context():
        programs, _logins = load_demo()
        return {p.name: p.id for p in programs}


def _sign_in_as(client, email: str):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return sign_in(client, email, PASSWORD)


def test_the_sample_moves_to_the_academic_year_holding_any_day():
    """Any day from now on: the moved sample is valid, its year (1 July to 30 June) holds
    the day, and every date moved by the same whole years, month and day kept."""
    text = SAMPLE.read_text(encoding="utf-8")
    original = tomllib.loads(text)
    for day in (date(2026, 12, 4), date(2027, 6, 30), date(2027, 7, 1), date(2028, 2, 29),
                date(2031, 1, 15), date(2044, 11, 30)):
        loaded = load_program_text(in_year_of(text, day))
        assert loaded.program is not None, (day, loaded.errors[:3])
        calendar = loaded.program.calendar
        assert calendar.year_start <= day <= calendar.year_end, day
        assert (calendar.year_start.month, calendar.year_start.day) == (7, 1)
        years = calendar.year_start.year - original["program"]["year_start"].year
        holidays = loaded.program.info.holidays
        assert sorted(holidays) == sorted({
            holiday_moved(d, original["program"]["year_start"], calendar.year_start)
            for d in original["program"]["holidays"]})
        assert len(holidays) == len(original["program"]["holidays"])
        assert all(d.weekday() < 5 for d in holidays)   # a weekend one is observed
        # each on its own day: Thanksgiving on a Thursday and the Friday after it,
        # Christmas on 25 December or the weekday it is observed on
        thanksgiving = [d for d in holidays if d.month == 11]
        assert [d.weekday() for d in thanksgiving] == [3, 4] and 22 <= thanksgiving[0].day
        christmas = date(calendar.year_start.year, 12, 25)
        kept = christmas + {5: -1, 6: 1}.get(christmas.weekday(), 0) * timedelta(days=1)
        assert kept in holidays
        first = loaded.program.blackouts[0]
        assert first.first == moved(original["blackout"][0]["from"], years)
    assert moved(date(2028, 2, 29), -1) == date(2027, 2, 28)
    assert moved(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_every_date_in_a_file_moves_even_in_keys_added_later():
    """Dates nested anywhere (a pool's pairs of days, a date and time) move alike."""
    text = """
[program]
year_start = 2027-07-01
[[call_pool]]
name = "Holiday call"
not_both = [[2027-12-24, 2028-02-29]]
starts = 2027-07-01T17:00:00
note = "2027-07-01 stays as written in words"
"""
    found = tomllib.loads(in_year_of(text, date(2030, 1, 10)))
    assert found["program"]["year_start"] == date(2029, 7, 1)
    pool = found["call_pool"][0]
    assert pool["not_both"] == [[date(2029, 12, 24), date(2030, 2, 28)]]
    assert pool["starts"].isoformat() == "2029-07-01T17:00:00"
    assert pool["note"] == "2027-07-01 stays as written in words"


def test_the_demo_loads_into_an_empty_database_in_the_year_holding_today(app, loaded):
    with app.app_context():
        assert sorted(loaded) == ["Duke-style Integrated IR/DR (sample)",
                                  "Millbrook Valley Diagnostic Radiology (demo)"]
        for pid in loaded.values():
            program = db.session.get(Program, pid)
            calendar = program.year_calendar
            assert calendar.year_start <= date.today() <= calendar.year_end
            published = latest_published(program)
            assert published is not None and published.version == 1
            assert all(len(row["rotations"]) == 12
                       for row in published.data["residents"].values())
        states = dict(db.session.execute(
            select(Case.state, func.count()).group_by(Case.state)).all())
        assert states["verified"] > 500 and states["pending"] > 5
        assert states["returned"] >= 1
        returned = db.session.scalars(select(Case).where(Case.state == "returned")).first()
        assert returned.comment and returned.resident.user_id is not None
        # every case is on the rotation the published schedule gives for its day; no
        # patient reference anywhere
        for pid in loaded.values():
            rotation_on = rotation_finder(db.session.get(Program, pid))
            for case in db.session.scalars(select(Case).where(Case.program_id == pid)):
                assert case.rotation and case.rotation == rotation_on(case.resident.key,
                                                                      case.day)[0]
        assert db.session.scalar(select(func.count()).where(
            Case.patient_hash.is_not(None))) == 0
        assert db.session.scalar(select(func.max(Case.day))) <= date.today()
        assert db.session.scalar(select(func.count(Schedule.id))) == 2


def test_on_first_sign_in_every_role_sees_something_real(app, client, loaded):
    duke = loaded["Duke-style Integrated IR/DR (sample)"]
    sign_in(client, "faculty@demo.example", PASSWORD)
    assert 'id="case-' in client.get(f"/programs/{duke}/verify").get_data(as_text=True)

    _sign_in_as(client, "r4.ir@demo.example")
    mine = client.get(f"/programs/{duke}/my/cases").get_data(as_text=True)
    assert RETURN_COMMENT in mine and "verified" in mine
    # a case logged today gets its rotation from the published schedule
    page = log_case(client, duke, primary=str(type_id(app, "PARACENTESIS")))
    assert "Case logged on " in page

    _sign_in_as(client, "director@demo.example")
    board = client.get(f"/programs/{duke}/case-logs").get_data(as_text=True)
    assert board.count("<tr data-resident=") == 47
    assert 'data-standing="off pace"' in board and 'data-standing="on pace"' in board


def test_the_demos_programs_are_kept_apart(app, client, loaded):
    duke = loaded["Duke-style Integrated IR/DR (sample)"]
    millbrook = loaded["Millbrook Valley Diagnostic Radiology (demo)"]
    with app.app_context():
        resident = db.session.get(Program, duke).residents[0].id
    sign_in(client, "director@millbrook.example", PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "Millbrook Valley" in home and "Duke-style" not in home
    assert client.get(f"/programs/{millbrook}/case-logs").status_code == 200
    for path in ("/", "/case-logs", f"/case-logs/residents/{resident}", "/verify"):
        assert client.get(f"/programs/{duke}{path}").status_code == 404, path
    board = client.get(f"/programs/{millbrook}/case-logs").get_data(as_text=True)
    assert board.count("<tr data-resident=") == 5

    _sign_in_as(client, "director@demo.example")
    assert client.get(f"/programs/{millbrook}/case-logs").status_code == 404
    assert "Millbrook Valley" not in client.get("/").get_data(as_text=True)


def test_the_wedding_request_waits_for_a_week_still_ahead(app, loaded):
    with app.app_context():
        program = db.session.get(Program, loaded["Duke-style Integrated IR/DR (sample)"])
        wedding = next(r for r in program.requests if r.note == "Sister's wedding")
        day = date.fromisoformat(wedding.details["weeks"][0])
        assert date.today() <= day <= program.year_calendar.year_end
        assert day - date.today() <= timedelta(weeks=10)
