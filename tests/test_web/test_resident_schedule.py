"""What residents get: their published year on a phone-sized page, a calendar file and a
private feed whose events keep their UIDs across versions; and the program's exports."""

from __future__ import annotations

import csv
import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select
from test_solving import TINY
from web_support import chief_imports, csrf_token, sign_in

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web.extensions import db
from web.models import Program, Resident, Schedule


@pytest.fixture
def published(app, client, make_user):
    """TINY with version 1 published; Ash's account linked. Returns the program id."""
    pid = chief_imports(app, client, make_user, TINY)
    answer = solve(load_program_text(TINY).program, SolveOptions(time_limit=10))
    make_user("ash@example.org", "Tiny IR", "resident")
    with app.app_context():
        db.session.add(Schedule(program_id=pid, data=answer.as_dict(), state="published",
                                version=1))
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        from web.models import User
        ash.user = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        db.session.commit()
    return pid


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_resident_sees_their_year_and_downloads_it(app, client, published):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{published}/my/schedule").get_data(as_text=True)
    assert page.count("Block ") >= 12 and "Vacation" in page
    response = client.get(f"/programs/{published}/my/schedule.ics")
    assert response.mimetype == "text/calendar"
    events = _events(response.data)
    blocks = [e for uid, e in events.items() if uid.startswith("block-")]
    vacations = [e for uid, e in events.items() if uid.startswith("vacation-week-")]
    assert len(blocks) == 12 and len(vacations) == 1
    assert str(vacations[0]["summary"]) == "Vacation"
    assert vacations[0].decoded("dtstart").isoformat() == "2027-12-20"  # a Monday
    with app.app_context():
        rotations = db.session.scalars(select(Schedule)).one().data["residents"]["ash"][
            "rotations"]
    first = events[f"block-1.ash@program-{published}.residency"]
    assert str(first["summary"]).startswith(rotations[0])
    assert first.decoded("dtstart").isoformat() == "2027-07-01"
    assert first.decoded("dtend").isoformat() == "2027-08-01"  # all day, end exclusive


def test_a_new_version_updates_the_same_events(app, client, published):
    with app.app_context():
        v1 = db.session.scalars(select(Schedule)).one()
        data = {**v1.data, "residents": {**v1.data["residents"]}}
        ash = dict(data["residents"]["ash"])
        ash["rotations"] = ["DR" if c == "IR" else "IR" for c in ash["rotations"]]
        data["residents"]["ash"] = ash
        db.session.add(Schedule(program_id=published, data=data, state="published",
                                version=2))
        db.session.commit()
        first_code = ash["rotations"][0]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    events = _events(client.get(f"/programs/{published}/my/schedule.ics").data)
    first = events[f"block-1.ash@program-{published}.residency"]
    assert str(first["summary"]).startswith(first_code)
    assert int(first["sequence"]) == 2
    assert len([u for u in events if u.startswith("block-")]) == 12


def test_the_private_feed_works_without_signing_in_until_replaced(app, client, published):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    mine = f"/programs/{published}/my/schedule"
    client.post(f"/programs/{published}/my/calendar-feed",
                data={"csrf_token": csrf_token(client, mine)})
    with app.app_context():
        token = db.session.scalar(select(Resident.calendar_token).where(
            Resident.key == "ash"))
    assert token and token in client.get(mine).get_data(as_text=True)
    # the address is the site's public one, not the host the request named
    app.config["PUBLIC_URL"] = "https://residency.example.edu/"
    page = client.get(mine).get_data(as_text=True)
    assert f"https://residency.example.edu/calendar/{token}.ics" in page
    assert f"http://localhost/calendar/{token}" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and len(_events(feed.data)) == 13
    assert client.get(f"/calendar/{'x' * 43}.ics").status_code == 404
    sign_in(client, "ash@example.org")
    client.post(f"/programs/{published}/my/calendar-feed",
                data={"csrf_token": csrf_token(client, mine)})
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_exports_csv_excel_and_print(app, client, published):
    with app.app_context():
        sid = db.session.scalar(select(Schedule.id))
    base = f"/programs/{published}/schedules/{sid}"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/schedule.csv")
                                           .get_data(as_text=True))))
    assert len(rows) == 3 * 12
    assert {r["resident"] for r in rows} == {"ash", "bea", "cal"}
    book = load_workbook(io.BytesIO(client.get(f"{base}/schedule.xlsx").data))
    assert book.sheetnames == ["Grid", "Rows"]
    grid = book["Grid"]
    assert [grid.cell(row=r, column=1).value for r in (3, 4, 5)] == [
        "Ash Pellow", "Bea Moranti", "Cal Dunwich"]
    assert book["Rows"].max_row == 1 + 3 * 12
    page = client.get(f"{base}/print").get_data(as_text=True)
    assert "window.print()" in page and "Cal Dunwich" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    assert client.get(f"{base}/schedule.csv").status_code == 403


def test_before_anything_is_published_the_resident_is_told(app, client, published):
    with app.app_context():
        db.session.delete(db.session.scalars(select(Schedule)).one())
        db.session.commit()
        assert db.session.get(Program, published) is not None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{published}/my/schedule").get_data(as_text=True)
    assert "No schedule has been published yet" in page
    assert len(_events(client.get(f"/programs/{published}/my/schedule.ics").data)) == 0


def _feed_on(app, client, pid: int) -> str:
    """Ash turns the private feed on; its address's token."""
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    mine = f"/programs/{pid}/my/schedule"
    client.post(f"/programs/{pid}/my/calendar-feed", data={"csrf_token": csrf_token(client, mine)})
    with app.app_context():
        return db.session.scalar(select(Resident.calendar_token).where(Resident.key == "ash"))


def test_a_feed_stops_when_its_owner_loses_the_resident_role(app, client, published):
    token = _feed_on(app, client, published)
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200
    with app.app_context():
        from web.models import User

        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        for membership in list(ash.memberships):
            db.session.delete(membership)
        db.session.commit()
    # the role, not the account, was taken away: the feed no longer answers
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_the_account_page_lists_feeds_and_tokens_and_turns_them_off(app, client, published):
    from web.accounts import create_token
    from web.models import User

    token = _feed_on(app, client, published)
    with app.app_context():
        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        api_token = create_token(ash, "my script")
        db.session.commit()
    api = {"Authorization": f"Bearer {api_token}"}
    assert app.test_client().get("/api/v1/programs", headers=api).status_code == 200
    page = client.get("/account/password").get_data(as_text=True)
    assert "my script" in page and "Tiny IR" in page
    token_form = page.split('id="tokens"')[1].split('action="')[1].split('"')[0]
    feed_form = page.split('id="feeds"')[1].split('action="')[1].split('"')[0]
    for action in (token_form, feed_form):
        answer = client.post(action, data={"csrf_token": csrf_token(client, "/account/password")})
        assert answer.status_code == 302
    assert app.test_client().get("/api/v1/programs", headers=api).status_code == 401
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404
    page = client.get("/account/password").get_data(as_text=True)
    assert "You have no API tokens" in page and "No private calendar feed is on" in page


def test_nobody_revokes_someone_elses_token_or_feed(app, client, published, make_user):
    """The account page's revoke buttons act on the signed-in person's own rows only:
    another person's token or feed id is a 404 and keeps working."""
    from web.accounts import create_token
    from web.models import ApiToken, User

    token = _feed_on(app, client, published)
    with app.app_context():
        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        api_token = create_token(ash, "ash's script")
        db.session.commit()
        token_id = db.session.scalar(select(ApiToken.id))
        resident_id = db.session.scalar(select(Resident.id).where(Resident.key == "ash"))
    # the owner is asked first, the token named as they named it (escaped in the page)
    page = client.get("/account/password").get_data(as_text=True)
    assert ('data-confirm="Revoke the token ash&#39;s script? Anything that uses it stops '
            'working at once."') in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("intruder@example.org", "Other IR", "resident")
    sign_in(client, "intruder@example.org")
    form = "/account/password"
    for action in (f"/account/tokens/{token_id}/revoke",
                   f"/account/feeds/{resident_id}/stop"):
        answer = client.post(action, data={"csrf_token": csrf_token(client, form)})
        assert answer.status_code == 404, action
    api = {"Authorization": f"Bearer {api_token}"}
    assert app.test_client().get("/api/v1/programs", headers=api).status_code == 200
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200


def test_my_requests_say_whether_the_published_version_grants_them(app, client, published):
    """Ash's wish (a vacation week, entered by the chiefs) is granted in version 1; moved to
    another week in version 2, it is not, and the page says so."""
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    mine = f"/programs/{published}/my/requests"
    page = client.get(mine).get_data(as_text=True)
    assert "Granted in version 1" in page
    assert "(entered by your chiefs: not counted)" in page
    with app.app_context():
        data = dict(db.session.scalars(select(Schedule)).one().data)
        row = data["residents"]["ash"]
        row["vacation_weeks"] = [w + 1 for w in row["vacation_weeks"]]
        db.session.add(Schedule(program_id=published, data=data, state="published",
                                version=2))
        db.session.commit()
    page = client.get(mine).get_data(as_text=True)
    assert "Not granted in version 2" in page and "Granted in version" not in page


def test_my_schedule_marks_the_block_we_are_in(app, client, make_user):
    from datetime import date

    from web_support import PAST, publish_for_ash

    pid = chief_imports(app, client, make_user, PAST)
    make_user("ash@example.org", "Tiny IR", "resident")
    publish_for_ash(app, pid, solve(load_program_text(PAST).program,
                                    SolveOptions(time_limit=10)))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert page.count('aria-current="date"') == 1
    now = page.split('aria-current="date"')[1].split("</li>")[0]
    block = (date.today().month - 7) % 12 + 1   # a calendar-month year from 1 July
    assert f"<strong>Now</strong> · Block {block} " in now


def test_a_resident_sees_everyone_on_the_published_version_with_their_row_first(
        app, client, published):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    mine = client.get(f"/programs/{published}/my/schedule").get_data(as_text=True)
    assert "Who else is on my rotation" in mine
    page = client.get(f"/programs/{published}/my/program-schedule").get_data(as_text=True)
    rows = page.split('id="program-grid"')[1]
    assert rows.index('data-resident="ash"') < rows.index('data-resident="bea"') \
        < rows.index('data-resident="cal"')
    assert '<tr data-resident="ash" class="mine" aria-current="true">' in rows
    assert "Bea Moranti" in rows and "Cal Dunwich" in rows
    assert "not granted" not in page and "penalty" not in page  # nobody's requests shown
