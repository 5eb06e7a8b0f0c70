"""The program's time zone (`TIMEZONE`): the times pages show are that zone's, named, and
"today" (a new case's date, the weeks that have begun) is that zone's today, not the
server's; a misspelt zone stops the app from starting, saying what to write."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from web_support import csrf_token, post_form, sign_in, upload

from web.app import create_app
from web.extensions import db
from web.models import Notification, User

# Fourteen hours east and twelve hours west of UTC: their dates differ at every moment.
EAST, WEST = "Etc/GMT-14", "Etc/GMT+12"
KIRITIMATI = "Pacific/Kiritimati"   # a place fourteen hours east, as a program chooses one


@pytest.fixture(params=["America/New_York"])
def app_settings(request):
    return {"TIMEZONE": request.param}


def test_a_notification_says_when_it_came_in_the_programs_time_zone(app, client, make_user):
    from web.models import Program

    email = make_user("ash@example.org")
    make_user("ash@example.org", "West IR")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        west = db.session.scalar(select(Program).where(Program.name == "West IR"))
        west.time_zone = "America/Los_Angeles"
        at = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)
        db.session.add(Notification(user=user, subject="Schedule published", created_at=at))
        db.session.add(Notification(user=user, subject="Swap approved", created_at=at,
                                    program_id=west.id))
        db.session.commit()
    sign_in(client, email)
    page = client.get("/notifications").get_data(as_text=True)
    # 03:30 UTC on the 7th is 22:30 the evening before in New York, and says so; the
    # notification of the program that works in Los Angeles says its own 19:30
    assert "Sun 6 Dec 2026, 22:30 EST" in page
    assert "Sun 6 Dec 2026, 19:30 PST" in page
    assert "03:30" not in page


@pytest.mark.parametrize("app_settings", [EAST, WEST],
                         indirect=True)
def test_a_new_case_is_dated_today_where_the_program_is(app, client, cases, app_settings):
    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{cases['id']}/my/cases").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="day"[^>]*>', page)
    assert field is not None
    value = re.search(r'value="([0-9-]+)"', field.group(0))
    there = datetime.now(ZoneInfo(app_settings["TIMEZONE"])).date()
    assert value is not None and value.group(1) == there.isoformat()


def test_a_misspelt_time_zone_stops_the_start_and_says_what_to_write(tmp_path):
    with pytest.raises(ValueError, match="'America/Durham' is not a time zone.*IANA"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "TIMEZONE": "America/Durham",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def _settings_posted(app, client, pid: int, time_zone: str, **changed: str):
    """The chief saves the settings page as it shows them, with `time_zone` chosen (and
    the fields `changed` changed)."""
    from web.models import Program
    from web.programs.settings import form_values

    with app.app_context():
        shown = vars(form_values(db.session.get(Program, pid)))
    fields = {key: ("y" if value is True else value.isoformat()
                    if hasattr(value, "isoformat") else str(value))
              for key, value in shown.items() if value is not False}
    return post_form(client, f"/programs/{pid}/settings",
                     **{**fields, **changed, "time_zone": time_zone})


def test_changed_year_settings_are_audited_each_from_what_to_what(app, client, make_user):
    """The director lowers the vacation allowance, allows split blocks, gives final levels and
    adds Thanksgiving: the audit log says who changed which settings, each from what to what,
    and the holidays by what was added. Saving the page unchanged, or with one field refused,
    records nothing; taking a holiday away says so."""
    from html import unescape

    from test_audit import _audit_rows
    from test_solving import TINY
    from web_support import chief_imports

    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "pd@example.org")
    assert _settings_posted(app, client, pid, "").status_code == 302
    refused = _settings_posted(app, client, pid, "", vacation_weeks="0", holidays="someday")
    assert refused.status_code == 200 and "is not a date" in refused.get_data(as_text=True)
    dropped = _settings_posted(app, client, pid, "", vacation_weeks="0", levels="R1")
    assert dropped.status_code == 200 and "R2" in dropped.get_data(as_text=True)  # bea is R2
    assert _audit_rows(client, pid, "?action=settings.changed") == []

    assert _settings_posted(app, client, pid, "", vacation_weeks="0", split_blocks="y",
                            final_level="IR = R2", holidays="2027-11-25").status_code == 302
    assert _settings_posted(app, client, pid, "", holidays="").status_code == 302
    rows = [unescape(row) for row in _audit_rows(client, pid, "?action=settings.changed")]
    assert rows == [
        "pd@example.org | Settings changed · holidays: 25 Nov 2027 removed | ",
        "pd@example.org | Settings changed · final levels from none to IR = R2; vacation weeks "
        "from 1 to 0; split blocks from not allowed to allowed; holidays: 25 Nov 2027 added | "]

    # A program file imported over the set-up changes the settings it gives: audited too,
    # saying so; the same file again changes nothing and records nothing, nor does a save
    # of the settings page that keeps them (its holidays sorted, the file's not).
    exported = client.get(f"/programs/{pid}/program.toml").get_data(as_text=True)
    assert "\n[program]\n" in exported and "vacation_weeks" not in exported   # 0: the default
    changed = exported.replace("\n[program]\n", "\n[program]\nvacation_weeks = 2\n"
                               "holidays = [2027-12-24, 2027-11-25]\n", 1)
    for _ in range(2):
        response = upload(client, f"/programs/{pid}/import", "file", "tiny.toml", changed)
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert _settings_posted(app, client, pid, "America/Chicago").status_code == 302
    rows = [unescape(row) for row in _audit_rows(client, pid, "?action=settings.changed")]
    assert rows[0] == ("pd@example.org | Settings changed · by an imported program file: "
                       "vacation weeks from 0 to 2; holidays: 25 Nov 2027, 24 Dec 2027 added | ")
    assert len(rows) == 3

    # Fifty holidays at once: the row says as many whole dates as its 300 characters hold,
    # and that it goes on; its detail then gives every one.
    from datetime import date, timedelta
    days = [date(2027, 9, 6) + timedelta(days=d) for d in range(70)]
    weekdays = "\n".join(d.isoformat() for d in days if d.weekday() < 5)
    assert _settings_posted(app, client, pid, "", holidays=weekdays).status_code == 302
    newest = unescape(_audit_rows(client, pid, "?action=settings.changed")[0])
    assert newest.startswith(
        "pd@example.org | Settings changed · holidays: 6 Sep 2027, 7 Sep 2027, ")
    said, detail = newest.split(" | ")[1:3]
    assert re.search(r", \d{1,2} [A-Z][a-z]{2} 2027,…$", said), said   # whole dates only
    assert detail.startswith("holidays added: 2027-09-06, 2027-09-07, ")
    added, removed = detail.split("; ")
    assert added.endswith(", 2027-11-12") and added.count("2027-") == 50
    assert removed == "holidays removed: 2027-11-25, 2027-12-24"


@pytest.mark.parametrize("app_settings", [WEST], indirect=True)
def test_a_program_chooses_its_own_time_zone_and_its_today_follows_it(
        app, client, cases, make_user, app_settings):
    """The installation works twelve hours west of UTC; the chief of a program fourteen
    hours east (Kiritimati) chooses that zone on the settings page, listed by its city. Its
    residents' new cases are dated by its today, not the installation's; a zone that does
    not exist, or an old alias, is refused on the field and nothing changes."""
    from web.models import Program

    make_user("chief@example.org", "Tiny", "chief")
    sign_in(client, "chief@example.org")
    page = client.get(f"/programs/{cases['id']}/settings").get_data(as_text=True)
    assert "The installation&#39;s (Etc/GMT+12)" in page
    refused = _settings_posted(app, client, cases["id"], "Mars/Olympus_Mons")
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Program, cases["id"]).time_zone is None
    # an old alias ("Etc/GMT-14") is not offered: the place is (Kiritimati is UTC+14 too)
    assert _settings_posted(app, client, cases["id"], EAST).status_code == 200
    assert _settings_posted(app, client, cases["id"], KIRITIMATI).status_code == 302
    with app.app_context():
        assert db.session.get(Program, cases["id"]).time_zone == KIRITIMATI
    page = client.get(f"/programs/{cases['id']}/settings").get_data(as_text=True)
    assert re.search(rf'<option selected value="{re.escape(KIRITIMATI)}">Kiritimati<', page)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    before = datetime.now(ZoneInfo(KIRITIMATI)).date()
    page = client.get(f"/programs/{cases['id']}/my/cases").get_data(as_text=True)
    after = datetime.now(ZoneInfo(KIRITIMATI)).date()
    field = re.search(r'<input[^>]*name="day"[^>]*>', page)
    value = re.search(r'value="([0-9-]+)"', field.group(0)).group(1)
    assert value in (before.isoformat(), after.isoformat())
    assert value != datetime.now(ZoneInfo(WEST)).date().isoformat()


def test_a_changed_time_zone_is_audited_from_which_zone_to_which(app, client, make_user):
    """The director changes the program's zone to Chicago, then back to the installation's:
    the audit log has both changes, who made them, from which zone and to which. Saving
    the settings with the zone unchanged, a zone that does not exist, or a zone with another
    field refused, records nothing (and changes nothing)."""
    from html import unescape

    from test_audit import _audit_rows
    from test_solving import TINY
    from web_support import chief_imports

    from web.models import Program

    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "pd@example.org")
    assert _settings_posted(app, client, pid, "", vacation_weeks="2").status_code == 302
    assert _settings_posted(app, client, pid, "Mars/Olympus_Mons").status_code == 200
    refused = _settings_posted(app, client, pid, "America/Chicago", holidays="someday")
    assert refused.status_code == 200 and "is not a date" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Program, pid).time_zone is None
    assert _audit_rows(client, pid, "?action=time_zone.changed") == []

    assert _settings_posted(app, client, pid, "America/Chicago").status_code == 302
    assert _settings_posted(app, client, pid, "").status_code == 302
    assert [unescape(row) for row in _audit_rows(client, pid, "?action=time_zone.changed")] == [
        "pd@example.org | Time zone changed · from America/Chicago to the installation's "
        "(America/New_York) | ",
        "pd@example.org | Time zone changed · from the installation's (America/New_York) "
        "to America/Chicago | "]
