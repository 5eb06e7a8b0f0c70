"""Swapping night-float weeks in the web app: a resident offers their weeks from My schedule,
another takes them (checked at once, refused with the checker's reasons), a chief approves,
which publishes the next block version and the next call version on it; both residents'
schedules and calendars follow, and the audit log records each step."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select
from test_call_pages import CALL, _as, _generate, _link
from test_solving import TINY
from web_support import chief_imports, csrf_token

from scheduler import load_program_text
from scheduler.schedule import as_file
from solver.call.service_swap import swap_service
from solver.duty_check import check_duty
from solver.engine import SolveOptions, solve
from web.call import services
from web.call.swaps import latest_call
from web.extensions import db
from web.models import (
    AuditEvent,
    CallSchedule,
    CallSwap,
    Notification,
    Program,
    Schedule,
    User,
)
from web.schedules.services import latest_published

# Night float in two September weeks (10 and 11), one R2 a week; calls from October, so that
# the weeks can change hands whoever holds which call; everyone's vacation in January.
NIGHT_FLOAT = """
[[service]]
code = "NF"
name = "Night float"
min = 1
max = 1
levels = ["R2"]
weeks = [10, 11]

[[work_hours]]
service = "NF"
hours = "21:00-07:00"
days = ["Sun", "Mon", "Tue", "Wed", "Thu"]
on_holidays = true

[[request]]
resident = "bea"
kind = "vacation"
weeks = [2028-01-10]
hard = true

[[request]]
resident = "cal"
kind = "vacation"
weeks = [2028-01-17]
hard = true
"""
TINY_NF = (TINY.replace("format = 1", "format = 2") + NIGHT_FLOAT
           + CALL.replace('days = ["Mon", "Thu"]', 'days = ["Mon", "Thu"]\nfrom = 2027-10-04')
                 .replace('days = ["Sat"]', 'days = ["Sat"]\nfrom = 2027-10-04'))


@pytest.fixture
def night_float(app, client, make_user):
    """TINY with night float: block version 1 and call version 1 on it published; Ash, Bea
    and Cal signed up. (program id, the resident on NF in week 10, the other R2)."""
    return _published(app, client, make_user, TINY_NF)


def _published(app, client, make_user, text: str) -> tuple[int, str, str]:
    pid = chief_imports(app, client, make_user, text)
    answer = solve(load_program_text(text).program, SolveOptions(time_limit=10))
    assert answer.status == "OPTIMAL"
    with app.app_context():
        db.session.add(Schedule(program_id=pid, data=answer.as_dict(), state="published",
                                version=1))
        db.session.commit()
    call_id = _generate(app, client, pid)
    path = f"/programs/{pid}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    _link(app, make_user, "ash", "bea", "cal")
    giver = next(rid for rid, row in answer.residents.items()
                 if 10 in row.services.get("NF", []))
    return pid, giver, "cal" if giver == "bea" else "bea"


def _offer_week(client, pid: int, week: int, last: int | None = None) -> str:
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert f'name="first_week" value="{week}"' in page and "Offer this week" in page
    return client.post(f"/programs/{pid}/call/swaps/offer-weeks", data={
        "service": "NF", "first_week": str(week), "last_week": str(last or week),
        "csrf_token": csrf_token(client, f"/programs/{pid}/my/schedule")},
        follow_redirects=True).get_data(as_text=True)


def _post(client, pid: int, swap_id: int, step: str) -> str:
    swaps = f"/programs/{pid}/call/swaps"
    return client.post(f"{swaps}/{swap_id}/{step}", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)


def _swap_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(CallSwap).order_by(CallSwap.id.desc())).first().id


def _nf_weeks(client, pid: int) -> set[int]:
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    return {int(w) for w in re.findall(r'class="svc" data-week="(\d+)"', page)}


def test_night_float_weeks_offered_taken_and_approved_publish_block_and_call_versions(
        app, client, night_float):
    pid, giver, taker = night_float
    _as(client, f"{giver}@example.org")
    assert 10 in _nf_weeks(client, pid)
    # the swaps page offers the link to service weeks to one who serves some
    assert "Offer service weeks" in client.get(f"/programs/{pid}/call/swaps").get_data(
        as_text=True)
    page = _offer_week(client, pid, 10)
    assert "Your weeks are on offer" in page
    assert "on offer" in client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    swap_id = _swap_id(app)
    _as(client, f"{taker}@example.org")
    assert 10 not in _nf_weeks(client, pid)
    page = client.get(f"/programs/{pid}/call/swaps").get_data(as_text=True)
    assert "Take these weeks" in page and "Night float, 6 Sep – 12 Sep 2027" in page
    assert "You took the weeks" in _post(client, pid, swap_id, "accept")
    _as(client, "chief@example.org")
    page = _post(client, pid, swap_id, "approve")
    assert "Swap approved: a new block version and a new call version are published" in page
    with app.app_context():
        row = db.session.get(CallSwap, swap_id)
        program = db.session.get(Program, pid)
        block, call = latest_published(program), services.latest_published(program)
        assert (block.version, call.version) == (2, 2)
        assert row.block_result_id == block.id and row.result_id == call.id
        assert call.schedule_id == block.id and services.outdated(program, call) is None
        assert latest_call(program) == call                  # call swaps go on
        rows = as_file(block.data).residents
        assert rows[taker].service_in(10) == "NF" and rows[giver].service_in(10) is None
        assert block.data["status"] == "FEASIBLE" and block.data["edited"] is True
        year, duty, schedule = services.read(call)
        assert check_duty(year, duty, schedule) == []
        nights = {rid: [p.start for p in duty.duty[rid] if p.kind == "service"
                        and "2027-09-06" <= p.start < "2027-09-13"] for rid in (giver, taker)}
        assert nights[giver] == [] and len(nights[taker]) == 5
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(
            AuditEvent.id))]
        assert actions[-4:] == ["swap.offered", "swap.accepted", "schedule.published",
                                "swap.approved"]
        told = db.session.scalars(select(Notification.subject).join(User).where(
            User.email == f"{taker}@example.org")).all()
        assert any(s == "Swap approved: Night float, 6 Sep – 12 Sep 2027" for s in told)
    # both residents' schedules and calendars follow version 2
    _as(client, f"{taker}@example.org")
    assert 10 in _nf_weeks(client, pid)
    events = Calendar.from_ical(client.get(f"/programs/{pid}/my/schedule.ics").data)
    assert any(str(e["uid"]).startswith("service-NF-week-10.") for e in events.walk("VEVENT"))
    _as(client, f"{giver}@example.org")
    assert 10 not in _nf_weeks(client, pid)


def test_weeks_on_offer_are_told_only_to_residents_the_service_admits(
        app, client, night_float):
    """Night float takes R2s: the other R2 hears of the offered week, Ash (R1) does not."""
    pid, giver, other = night_float
    _as(client, f"{giver}@example.org")
    _offer_week(client, pid, 10)
    with app.app_context():
        told = {email: db.session.scalars(select(Notification.subject).join(User).where(
                    User.email == email, Notification.subject.like("Service weeks on offer%")
                )).all() for email in ("ash@example.org", f"{other}@example.org",
                                       f"{giver}@example.org")}
    assert told == {"ash@example.org": [], f"{giver}@example.org": [],
                    f"{other}@example.org": ["Service weeks on offer: Night float, "
                                             "6 Sep – 12 Sep 2027"]}


def test_weeks_the_checker_refuses_are_not_taken_and_the_reason_is_shown(
        app, client, night_float):
    pid, giver, _ = night_float
    _as(client, f"{giver}@example.org")
    mine = _nf_weeks(client, pid)
    other = next(w for w in (10, 11) if w not in mine) if mine != {10, 11} else None
    if other is not None:       # a week of night float that is not theirs
        page = client.post(f"/programs/{pid}/call/swaps/offer-weeks", data={
            "service": "NF", "first_week": str(other), "last_week": str(other),
            "csrf_token": csrf_token(client, f"/programs/{pid}/my/schedule")},
            follow_redirects=True).get_data(as_text=True)
        assert f"Not offered: you are not on NF in week {other} of version 1" in page
    _offer_week(client, pid, 10)
    swap_id = _swap_id(app)
    _as(client, "ash@example.org")          # an R1: night float takes R2s only
    page = _post(client, pid, swap_id, "accept")
    assert ("Not done: the swap would break the rules: Ash Pellow (ash) (R1) is on NF in "
            "week 10, open only to R2") in page
    with app.app_context():
        assert db.session.get(CallSwap, swap_id).state == "offered"
        assert latest_published(db.session.get(Program, pid)).version == 1
    # the solver's own verdict agrees with the page's
    with app.app_context():
        year, duty, schedule = services.read(db.session.scalars(select(CallSchedule)).first())
    assert not swap_service(year, schedule, duty, "NF", [10], giver, "ash").ok


def test_without_approval_taken_weeks_publish_both_versions_at_once(app, client, make_user):
    text = TINY_NF.replace("[call]\n", "[call]\nswaps_need_approval = false\n")
    pid, giver, taker = _published(app, client, make_user, text)
    _as(client, f"{giver}@example.org")
    _offer_week(client, pid, 10)
    swap_id = _swap_id(app)
    _as(client, f"{taker}@example.org")
    page = _post(client, pid, swap_id, "accept")
    assert "You took the weeks: they are yours, and both calendars follow." in page
    assert 10 in _nf_weeks(client, pid)
    with app.app_context():
        row = db.session.get(CallSwap, swap_id)
        assert row.state == "approved" and row.block_result.version == 2
        assert row.result.version == 2 and row.result.schedule_id == row.block_result_id


def test_an_approval_made_on_a_version_another_publish_overtook_is_refused(
        app, client, night_float):
    """Two chiefs approving at the same moment: each new version is numbered from the
    version it was checked against, so the later one is refused ("try again") instead of
    publishing a version that silently undoes the other."""
    from web.schedules.services import ScheduleError, publish_edit

    pid, giver, _ = night_float
    with app.app_context():
        program = db.session.get(Program, pid)
        base = latest_published(program)
        user = db.session.scalars(select(User).where(User.email == "chief@example.org")).one()
        publish_edit(program, base, base.data, user, "the first chief's edit")
        db.session.commit()
        with pytest.raises(ScheduleError, match="published meanwhile"):
            publish_edit(program, base, base.data, user, "the second chief's edit")
        db.session.rollback()
        assert latest_published(program).version == 2
        assert latest_published(program).note == "the first chief's edit"


def test_a_resident_held_to_two_week_stints_is_offered_only_the_whole_stint(
        app, client, make_user):
    """Half of a stint could never pass the weeks-in-a-row rule, so it is not offered."""
    text = TINY_NF + '\n[[rule]]\nkind = "min_consecutive"\nservice = "NF"\nblocks = 2\n'
    pid, giver, _ = _published(app, client, make_user, text)
    _as(client, f"{giver}@example.org")
    assert _nf_weeks(client, pid) == {10, 11}
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert "Offer 6 Sep – 19 Sep 2027 together" in page    # the dates, not week numbers
    assert "weeks 10" not in page
    assert "Offer this week" not in page


def test_weeks_that_are_not_yours_or_not_in_the_year_are_refused_in_words(
        app, client, night_float):
    pid, giver, other = night_float
    _as(client, f"{other}@example.org")
    form = f"/programs/{pid}/my/schedule"

    def offer(service: str, first: str, last: str) -> str:
        return client.post(f"/programs/{pid}/call/swaps/offer-weeks", data={
            "service": service, "first_week": first, "last_week": last,
            "csrf_token": csrf_token(client, form)}, follow_redirects=True
        ).get_data(as_text=True)

    assert "Not offered: you are not on NF in week 10" in offer("NF", "10", "10")
    assert "Not offered: the weeks were not named." in offer("NF", "99999", "99999")
    assert "Not offered: the weeks were not named." in offer("NF", "11", "10")
    assert "Not offered" in offer("X" * 5000, "10", "10")
    with app.app_context():
        assert db.session.scalars(select(CallSwap)).all() == []
