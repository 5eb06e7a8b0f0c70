"""The call schedule in the web app: a chief generates it on a published version (a solve
job), reads it as a month calendar with fairness and weekly hours, publishes it; residents
then see their calls on their schedule page and in their calendar file."""

from __future__ import annotations

import copy
import re
import resource
import signal
from contextlib import contextmanager
from datetime import date

import pytest
from icalendar import Calendar
from redis import Redis
from sqlalchemy import select
from test_solving import TINY, _job_id, _wait
from web_support import chief_imports, csrf_token, sign_in

from scheduler import load_program_text
from solver.duty_check import check_duty
from solver.engine import SolveOptions, solve
from web.call import services
from web.extensions import db
from web.models import (
    CallSchedule,
    CallSwap,
    Program,
    Resident,
    Schedule,
    SolveJob,
    User,
)
from web.schedules import solving

# A Redis queue no worker takes from: `_generate` runs the job it is given itself
IDLE_QUEUE = "redis://127.0.0.1:6379/13"

CALL = """
[call]
not_both = [[2027-12-24, 2027-12-31]]

[[call_pool]]
code = "NIGHT"
name = "Night call"
hours = "17:00-07:00"
days = ["Mon", "Thu"]
post_call = true

[[call_pool]]
code = "WEEKEND"
name = "Weekend call"
hours = "07:00-07:00"
days = ["Sat"]
post_call = true

[[call_request]]
resident = "bea"
kind = "no_call"
date = 2027-07-05
weight = 2
"""
TINY_CALL = TINY.replace("format = 1", "format = 2") + CALL


@pytest.fixture
def published(app, client, make_user):
    """TINY with call pools, version 1 published; Ash's account linked. The program id."""
    return _published(app, client, make_user, TINY_CALL)


def _published(app, client, make_user, text: str) -> int:
    pid = chief_imports(app, client, make_user, text)
    answer = solve(load_program_text(text).program, SolveOptions(time_limit=10))
    make_user("ash@example.org", "Tiny IR", "resident")
    with app.app_context():
        db.session.add(Schedule(program_id=pid, data=answer.as_dict(), state="published",
                                version=1))
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        ash.user = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        db.session.commit()
    return pid


@contextmanager
def _bounds_restored():
    """A worker bounds its own process for the job it runs (`solving.limit_worker`: a
    SIGALRM at the hard time limit, a cap on its memory); run in this test process, the
    job's bounds are lifted once it is done, or the alarm would end the test process."""
    handler = signal.getsignal(signal.SIGALRM)
    memory = resource.getrlimit(resource.RLIMIT_AS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, handler)
        resource.setrlimit(resource.RLIMIT_AS, memory)


def _generate(app, client, pid: int, worker_process: bool = False) -> int:
    """The chief generates call on version 1; the new call draft's id. The job is run as a
    queue's worker runs it (`solving.run`), in this process; with `worker_process`, by the
    worker process the web app starts, as it is by default (a second or two more, for the
    process to start: test_a_chief_generates_call_reads_the_month_and_publishes_it)."""
    page = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    assert "Generate a call schedule" in page and "version 1" in page
    version = re.search(r'<option[^>]*value="(\d+)"[^>]*>version 1<', page).group(1)
    queued = {} if worker_process else {"SOLVE_QUEUE": "rq", "REDIS_URL": IDLE_QUEUE}
    before = {key: app.config.get(key) for key in queued}
    app.config.update(queued)
    try:
        response = client.post(f"/programs/{pid}/call/generate", data={
            "version": version, "time_limit": "20",
            "csrf_token": csrf_token(client, f"/programs/{pid}/call")})
    finally:
        app.config.update(before)
    job_id = _job_id(response)
    if not worker_process:
        with app.app_context(), _bounds_restored():
            solving.run(job_id)
        Redis.from_url(IDLE_QUEUE).flushdb()     # what it queued was run here
    assert _wait(app, job_id)["state"] == "done"
    status = client.get(f"/programs/{pid}/jobs/{job_id}/status").get_json()
    assert status["solver_status"] == "OPTIMAL"
    with app.app_context():
        job = db.session.get(SolveJob, job_id)
        call_id = job.call_schedule_id
        # the job page charts the search: each better call schedule, the last one the answer
        found = [point[1] for point in job.progress if point[1] is not None]
        assert found and found[-1] == job.objective
    assert status["schedule_url"] == f"/programs/{pid}/call/{call_id}"
    return call_id


def test_a_chief_generates_call_reads_the_month_and_publishes_it(app, client, published):
    pid = published
    call_id = _generate(app, client, pid, worker_process=True)
    page = client.get(f"/programs/{pid}/call/{call_id}?month=2027-09").get_data(as_text=True)
    assert "September 2027" in page and "A draft" in page
    # every Monday and Thursday night and every Saturday of September has its resident
    september = [int(d) for d in re.findall(r'data-day="2027-09-(\d\d)"', page)]
    assert len(september) == 30
    # each shift by its pool's name in the program file, not its code
    names = re.findall(r"(Night call|Weekend call) (\d\d:\d\d): "
                       r"(Ash Pellow|Bea Moranti|Cal Dunwich)", page)
    assert len([n for n in names if n[0] == "Night call"]) == 9   # 4 Mondays + 5 Thursdays
    assert len([n for n in names if n[0] == "Weekend call"]) == 4
    assert '<option value="NIGHT">Night call</option>' in page
    assert 'id="fairness"' in page and "80 h" in page
    assert 'aria-label="Duty hours per week of Ash Pellow:' in page   # by name, not key
    with app.app_context():
        row = db.session.get(CallSchedule, call_id)
        year, duty, schedule = services.read(row)
        assert check_duty(year, duty, schedule) == []
        assert row.data["unmet_requests"] == []     # Bea is off on 5 July as she asked
    # the resident sees nothing of a draft
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    assert client.get(f"/programs/{pid}/call/{call_id}").status_code == 403
    assert "My calls" not in client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    path = f"/programs/{pid}/call/{call_id}"
    page = client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Published as call version 1" in page
    # made again, the shifts already worked keep their residents, and the page says so
    page = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    assert ("Shifts that have begun stay with whoever took them in call version 1: "
            "they have been worked, or are being worked.") in page


def test_residents_see_their_published_calls_on_the_phone_and_in_their_calendar(
        app, client, published):
    pid = published
    call_id = _generate(app, client, pid)
    path = f"/programs/{pid}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    with app.app_context():
        theirs = [p for p in db.session.get(CallSchedule, call_id).data["duty"]["ash"]
                  if p["kind"] == "call"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    # the year lies ahead of today's date in these tests: every call is upcoming
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert "My calls" in page
    listed = re.findall(r"<li><strong>", page.split('id="call-list"')[1].split("</ul>")[0])
    assert len(listed) == len(theirs) > 0
    assert client.get(path).status_code == 200    # the published call calendar, read-only

    def first_call(zone: str | None):
        """The calendar file with the program in `zone`: its events and its first call."""
        with app.app_context():
            db.session.get(Program, pid).time_zone = zone
            db.session.commit()
        events = Calendar.from_ical(client.get(f"/programs/{pid}/my/schedule.ics").data)
        calls = [e for e in events.walk("VEVENT") if str(e["uid"]).startswith("call-")]
        assert len(calls) == len(theirs)
        first = min(calls, key=lambda e: e.decoded("dtstart"))
        start = first.decoded("dtstart")
        assert start.replace(tzinfo=None).isoformat(timespec="minutes") == theirs[0]["start"]
        return events, first, start

    events, first, start = first_call(None)
    assert str(first["summary"]) in ("Night call", "Weekend call")
    # the installation's zone is UTC, its default, taken as not chosen: floating clock times
    assert start.tzinfo is None and not list(events.walk("VTIMEZONE"))
    # a program that works in Chicago gives its shifts in Chicago time, the zone defined
    events, first, start = first_call("America/Chicago")
    assert str(start.tzinfo) == "America/Chicago" and first["dtstart"].params["TZID"] == \
        "America/Chicago"
    assert [str(z["tzid"]) for z in events.walk("VTIMEZONE")] == ["America/Chicago"]
    # UTC chosen by the program itself is a choice too: the times are UTC's
    _, _, start = first_call("UTC")
    assert start.utcoffset() is not None


def test_call_cannot_start_without_pools_or_a_published_version(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    page = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    assert "The program has no call pools yet" in page
    with app.app_context():
        version = Schedule(program_id=pid, data={"residents": {}}, state="draft")
        db.session.add(version)
        db.session.commit()
        draft_id = version.id
    response = client.post(f"/programs/{pid}/call/generate", data={
        "version": str(draft_id), "time_limit": "20",
        "csrf_token": csrf_token(client, f"/programs/{pid}/call")}, follow_redirects=True)
    assert "Cannot start" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SolveJob)).all() == []


def test_another_programs_chief_cannot_see_or_publish_a_call_schedule(app, client, published,
                                                                     make_user):
    call_id = _generate(app, client, published)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("other@example.org", "Other IR", "chief")
    sign_in(client, "other@example.org")
    assert client.get(f"/programs/{published}/call/{call_id}").status_code == 404
    with app.app_context():
        other = db.session.scalar(select(Schedule.program_id).where(
            Schedule.program_id != published).limit(1))
    assert other is None   # the other program has nothing to reach it through


def _link(app, make_user, *keys: str) -> None:
    for key in keys:
        make_user(f"{key}@example.org", "Tiny IR", "resident")
    with app.app_context():
        for key in keys:
            resident = db.session.scalar(select(Resident).where(Resident.key == key))
            resident.user = db.session.scalar(select(User).where(
                User.email == f"{key}@example.org"))
        db.session.commit()


def _as(client, email: str) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, email)


@pytest.fixture
def on_call(app, client, published, make_user):
    """Call version 1 published on TINY; Bea and Cal signed up. (program id, call id)."""
    call_id = _generate(app, client, published)
    path = f"/programs/{published}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    _link(app, make_user, "bea", "cal")
    return published, call_id


def _shift_for(app, call_id: int, giver: str, taker: str, ok: bool) -> str:
    """A start of one of `giver`'s shifts that `taker` may (or may not) take."""
    from solver.call.swap import swap

    with app.app_context():
        row = db.session.get(CallSchedule, call_id)
        year, duty, schedule = services.read(row)
    for period in duty.duty[giver]:
        if period.kind == "call":
            result = swap(year, schedule, duty, period.what, period.start, giver, taker)
            if result.ok == ok:
                return f"{period.what}|{period.start}"
    raise AssertionError("no such shift")


def _offer(client, pid: int, shift: str):
    pool, start = shift.split("|")
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert f'name="start" value="{start}"' in page       # the button beside that call
    return client.post(f"/programs/{pid}/call/swaps/offer", data={
        "pool": pool, "start": start,
        "csrf_token": csrf_token(client, f"/programs/{pid}/my/schedule")},
        follow_redirects=True).get_data(as_text=True)


def _swap_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(CallSwap).order_by(CallSwap.id.desc())).first().id


def test_a_swap_offered_taken_and_approved_publishes_the_next_call_version(
        app, client, on_call):
    from web.models import AuditEvent

    pid, call_id = on_call
    shift = _shift_for(app, call_id, "bea", "cal", ok=True)
    pool, start = shift.split("|")
    _as(client, "bea@example.org")
    page = _offer(client, pid, shift)
    assert "Your shift is on offer" in page
    assert "on offer" in client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    swap_id = _swap_id(app)
    _as(client, "cal@example.org")
    swaps = f"/programs/{pid}/call/swaps"
    page = client.get(swaps).get_data(as_text=True)
    assert "Take this shift" in page
    page = client.post(f"{swaps}/{swap_id}/accept", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)
    assert "You took the shift" in page
    _as(client, "chief@example.org")
    page = client.post(f"{swaps}/{swap_id}/approve", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)
    assert "Swap approved" in page and "call version 2" in page
    with app.app_context():
        latest = services.latest_published(db.session.get(CallSchedule, call_id).program)
        assert latest.version == 2
        held = {rid: [p["start"] for p in periods if p["what"] == pool]
                for rid, periods in latest.data["duty"].items()}
        assert start in held["cal"] and start not in held["bea"]
        year, duty, schedule = services.read(latest)
        assert [b for b in check_duty(year, duty, schedule)
                if b.source.startswith("duty")] == []
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(
            AuditEvent.id))]
        assert actions[-3:] == ["swap.offered", "swap.accepted", "swap.approved"]
    # both calendars follow the new version
    _as(client, "cal@example.org")
    events = Calendar.from_ical(client.get(f"/programs/{pid}/my/schedule.ics").data)
    starts = {e.decoded("dtstart").isoformat(timespec="minutes")
              for e in events.walk("VEVENT") if str(e["uid"]).startswith("call-")}
    assert start in starts


def test_a_swap_that_would_break_a_limit_is_refused_saying_which(app, client, on_call):
    pid, call_id = on_call
    shift = _shift_for(app, call_id, "bea", "cal", ok=False)
    _as(client, "bea@example.org")
    _offer(client, pid, shift)
    swap_id = _swap_id(app)
    _as(client, "cal@example.org")
    swaps = f"/programs/{pid}/call/swaps"
    page = client.post(f"{swaps}/{swap_id}/accept", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)
    assert "Not done: the swap would break the rules: " in page
    with app.app_context():
        assert db.session.get(CallSwap, swap_id).state == "offered"
    # the one who offered it withdraws it; nobody can take it after that
    _as(client, "bea@example.org")
    page = client.post(f"{swaps}/{swap_id}/withdraw", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)
    assert "Offer withdrawn" in page
    _as(client, "cal@example.org")
    page = client.post(f"{swaps}/{swap_id}/accept", data={"csrf_token": csrf_token(
        client, swaps)}, follow_redirects=True).get_data(as_text=True)
    assert "no longer on offer (withdrawn)" in page


def test_a_chief_changes_a_shift_of_a_draft_and_sees_at_once_what_it_breaks(
        app, client, published):
    from datetime import timedelta

    pid = published
    call_id = _generate(app, client, pid)
    with app.app_context():
        duty = db.session.get(CallSchedule, call_id).data["duty"]
    nights = {rid: {date.fromisoformat(p["start"][:10]): p["what"] for p in periods
                    if p["kind"] == "call"} for rid, periods in duty.items()}
    # one of Bea's shifts two days from one of Cal's: Cal taking it breaks "every third night"
    day, pool = next((d, what) for d, what in sorted(nights["bea"].items())
                     if d + timedelta(days=2) in nights["cal"]
                     or d - timedelta(days=2) in nights["cal"])
    path = f"/programs/{pid}/call/{call_id}"

    def change(to: str) -> str:
        page = client.get(path).get_data(as_text=True)
        revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
        return client.post(f"{path}/shift", data={
            "day": day.isoformat(), "pool": pool, "resident": to, "revision": revision,
            "csrf_token": csrf_token(client, path)}, follow_redirects=True).get_data(
                as_text=True)

    page = change("cal")
    named = {"NIGHT": "Night call", "WEEKEND": "Weekend call"}[pool]
    assert f"{named} on {day:%a} {day.day} {day:%b %Y}: now Cal Dunwich." in page
    # whose rule breaks, by name, and its nights in words (not "cal", not ISO dates)
    broken = re.search(r"Breaks: Cal Dunwich: in-house call on the nights of ([^<]*)", page)
    assert broken is not None, page
    assert re.match(r"\d{1,2} [A-Z][a-z]{2} \d{4} and \d{1,2} [A-Z][a-z]{2} \d{4} ",
                    broken.group(1)), broken.group(1)
    with app.app_context():
        row = db.session.get(CallSchedule, call_id)
        assert any(p["start"].startswith(day.isoformat()) and p["what"] == pool
                   for p in row.data["duty"]["cal"])
        assert row.data["edited"] is True
    # the draft now breaks a limit: it cannot be published until the chief puts it right
    page = client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)},
                       follow_redirects=True).get_data(as_text=True)
    # (which broken rules the message names first depends on the schedule the solver
    # found: taking a day off may also break days-off windows, up to 28 of them)
    assert "Not published: it breaks" in page
    page = change("bea")
    assert "No rule is broken by this change." in page
    page = change("bea")
    assert "Not changed: Bea Moranti already holds it." in page   # by name, not key


def test_a_call_schedule_on_an_older_block_version_warns_and_holds_swaps(app, client,
                                                                         on_call):
    pid, call_id = on_call
    shift = _shift_for(app, call_id, "bea", "cal", ok=True)
    with app.app_context():
        first = db.session.get(CallSchedule, call_id).schedule
        db.session.add(Schedule(program_id=pid, data=first.data, state="published",
                                version=2, program_toml=first.program_toml))
        db.session.commit()
    page = client.get(f"/programs/{pid}/call/{call_id}").get_data(as_text=True)
    assert 'id="outdated"' in page and "version 2 is published since" in page
    # the call overview and the residents' own page say so too
    page = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    assert 'id="call-outdated"' in page and "block version 2 has been published since" in page
    _as(client, "bea@example.org")
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert 'id="calls-outdated"' in page and "has changed since (version 2)" in page
    page = _offer(client, pid, shift)
    assert "Not offered: the call schedule was made on an older block schedule" in page
    with app.app_context():
        assert db.session.scalars(select(CallSwap)).all() == []


def test_call_pages_name_the_pools_and_write_dates_in_words(app, client, on_call):
    """Residents read pools by the names the program file gives them and dates in words
    ('Night call on Mon 6 Sep 2027, 17:00–07:00'), never codes or machine dates (browser
    walk-through)."""
    from datetime import datetime

    from web.models import Notification

    pid, call_id = on_call
    with app.app_context():
        published_at = db.session.get(CallSchedule, call_id).published_at
    page = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    assert (f"published, in force</strong> {published_at:%a} {published_at.day} "
            f"{published_at:%b %Y}, {published_at:%H:%M} UTC") in page
    assert not re.search(r"\d{4}-\d\d-\d\d", page.split('id="call-schedules"')[1])

    shift = _shift_for(app, call_id, "bea", "cal", ok=True)
    pool, start = shift.split("|")
    when = datetime.fromisoformat(start)
    named = {"NIGHT": "Night call", "WEEKEND": "Weekend call"}[pool]
    said = f"{named} on {when:%a} {when.day} {when:%b %Y}, {when:%H:%M}–07:00"
    _as(client, "bea@example.org")
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    calls = page.split('id="call-list"')[1].split("</ul>")[0]
    assert f"· {named}" in calls
    assert "· NIGHT" not in calls and "· WEEKEND" not in calls
    _offer(client, pid, shift)
    _as(client, "cal@example.org")
    page = client.get(f"/programs/{pid}/call/swaps").get_data(as_text=True)
    row = page.split("data-swap=")[1].split("</tr>")[0]
    assert f"<td>{said}</td>" in row
    assert f'data-confirm="Take {said} from Bea Moranti?"' in row
    assert start.replace("T", " ") not in page
    with app.app_context():
        told = db.session.scalars(select(Notification.subject).join(User).where(
            User.email == "cal@example.org")).all()
    assert f"Call shift on offer: {said}" in told


def test_an_offered_shift_is_told_only_to_residents_its_pool_admits(app, client, make_user):
    """Night call takes R2s only: Bea's night on offer is told to Cal (R2), not to Ash
    (R1), who could never take it."""
    from solver.call.swap import swap
    from web.models import Notification

    text = TINY_CALL.replace('days = ["Mon", "Thu"]', 'days = ["Mon", "Thu"]\nlevels = ["R2"]')
    pid = _published(app, client, make_user, text)
    call_id = _generate(app, client, pid)
    path = f"/programs/{pid}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    _link(app, make_user, "bea", "cal")
    with app.app_context():
        year, duty, schedule = services.read(db.session.get(CallSchedule, call_id))
    start = next(p.start for p in duty.duty["bea"] if p.what == "NIGHT"
                 and swap(year, schedule, duty, "NIGHT", p.start, "bea", "cal").ok)
    _as(client, "bea@example.org")
    assert "Your shift is on offer" in _offer(client, pid, f"NIGHT|{start}")

    def told(key: str) -> list[str]:
        with app.app_context():
            return db.session.scalars(select(Notification.subject).join(User).where(
                User.email == f"{key}@example.org",
                Notification.subject.like("Call shift on offer%"))).all()

    assert len(told("cal")) == 1
    assert told("ash") == [] and told("bea") == []
    # on the swaps page, only Cal is offered the button; Ash is told why not
    swaps = f"/programs/{pid}/call/swaps"
    _as(client, "ash@example.org")
    page = client.get(swaps).get_data(as_text=True)
    assert "Take this shift" not in page and "not open to your level or track" in page
    _as(client, "cal@example.org")
    page = client.get(swaps).get_data(as_text=True)
    assert "Take this shift" in page and "not open to your level" not in page


def test_an_offer_lapses_when_a_newer_call_version_gives_its_shift_to_someone_else(
        app, client, on_call):
    """Bea offers two calls; the chief publishes call again with one of them moved to Cal.
    That offer lapses (nobody could take it any more), Bea is told, the log says so; the
    other offer stays open."""
    from solver.call.swap import swap
    from web.models import AuditEvent, Notification

    pid, call_id = on_call
    with app.app_context():
        year, duty, schedule = services.read(db.session.get(CallSchedule, call_id))
    movable = [p for p in duty.duty["bea"] if p.what == "NIGHT"
               and swap(year, schedule, duty, p.what, p.start, "bea", "cal").ok]
    moved, kept = movable[0], movable[-1]
    assert moved.start != kept.start
    _as(client, "bea@example.org")
    for shift in (moved, kept):
        assert "Your shift is on offer" in _offer(client, pid, f"{shift.what}|{shift.start}")
    # the new version trades one night each way, so that both keep their fair share
    half = swap(year, schedule, duty, moved.what, moved.start, "bea", "cal").duty
    after = next(result.duty for p in half.duty["cal"] if p.what == "NIGHT"
                 and p.start not in (moved.start, kept.start)
                 and (result := swap(year, schedule, half, p.what, p.start, "cal", "bea")).ok)
    with app.app_context():
        first = db.session.get(CallSchedule, call_id)
        draft = CallSchedule(program_id=pid, schedule_id=first.schedule_id,
                             data={**first.data, **after.as_dict()},
                             program_toml=first.program_toml, state="draft")
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
    _as(client, "chief@example.org")
    path = f"/programs/{pid}/call/{draft_id}"
    question = re.search(r'data-confirm="(Publish [^"]*)"', client.get(path).get_data(
        as_text=True)).group(1)
    # the chief is asked before the offer lapses, and told which
    assert "1 open swap offer lapses, as it gives the shift or weeks to someone else: " \
        "Night call on " in question and "offered by Bea Moranti." in question
    page = client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)},
                       follow_redirects=True).get_data(as_text=True)
    assert "call version 2" in page and "1 swap offer lapsed" in page
    # the list says which version is in force (a walk-through read two alike "published")
    listed = client.get(f"/programs/{pid}/call").get_data(as_text=True)
    rows = listed.split('id="call-schedules"')[1].split("</table>")[0].split("<tr>")[2:]
    assert "call version 2" in rows[0] and "published, in force" in rows[0]
    assert "call version 1" in rows[1] and "published, replaced since" in rows[1]
    assert listed.count("in force") == 1
    with app.app_context():
        states = {row.start: row.state for row in db.session.scalars(select(CallSwap))}
        assert states == {moved.start: "lapsed", kept.start: "offered"}
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert actions.count("swap.lapsed") == 1
        told = db.session.scalars(select(Notification.subject).join(User).where(
            User.email == "bea@example.org", Notification.subject.like("Swap lapsed%"))).all()
        assert len(told) == 1
    _as(client, "cal@example.org")
    page = client.get(f"/programs/{pid}/call/swaps").get_data(as_text=True)
    assert page.count("Take this shift") == 1          # the kept one only
    assert "Offer one of my calls" in page and "Offer service weeks" not in page  # none
    assert "a newer call version gave it elsewhere" in page


def test_before_any_call_version_the_swaps_page_offers_no_dead_links(app, client, published):
    """A resident on the swaps page before call is published is told when offers open,
    not sent to their schedule, which has nothing to offer yet (walk-through)."""
    _as(client, "ash@example.org")
    page = client.get(f"/programs/{published}/call/swaps").get_data(as_text=True)
    assert "can be offered once a call schedule is published" in page
    assert "Offer service weeks" not in page and "Offer one of my calls" not in page


def test_a_shift_already_under_way_is_not_offered_for_a_swap(app, client, on_call):
    """Today's shift that began this morning reads 'under way', without an offer button."""
    from datetime import datetime, timedelta

    pid, call_id = on_call
    started = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    with app.app_context():
        row = db.session.get(CallSchedule, call_id)
        data = copy.deepcopy(row.data)
        held = data["duty"]["bea"]
        held.append({"kind": "call", "what": held[0]["what"] if held else "NIGHT",
                     "start": started.isoformat(timespec="minutes"),
                     "end": (started + timedelta(hours=14)).isoformat(timespec="minutes")})
        row.data = data
        db.session.commit()
    _as(client, "bea@example.org")
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    mine = re.search(r'<ul class="calls" id="call-list">(.*?)</ul>', page, re.S)
    assert mine is not None
    first = re.findall(r"<li>(.*?)</li>", mine.group(1), re.S)[0]
    assert "under way" in first and "Offer to swap" not in first


def test_call_from_home_is_said_once_whatever_the_pool_is_called():
    """A pool named '... (from home)' is not said to be from home twice on the phone page
    and in the calendar feed (browser walk-through: 'Senior backup for baby call (from
    home) (from home)'); another pool's call from home says so."""
    from web.call.services import shift_title

    assert shift_title("Senior backup (from home)", True) == "Senior backup (from home)"
    assert shift_title("Baby call", True) == "Baby call (from home)"
    assert shift_title("Night call", False) == "Night call"
