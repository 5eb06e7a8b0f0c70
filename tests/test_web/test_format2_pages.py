"""Format 2 in the web app: the vacation policy and weekly services set up on their pages
(each entry checked as a program file is, errors on the field), holidays and final levels in
the settings, the sample's format-2 keys round-tripping through import and export, and the
grid and a resident's phone view showing night float."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from sqlalchemy import select
from web_support import chief_imports, confirmations, csrf_token, post_form, sign_in

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web import program_file
from web.extensions import db
from web.models import Program, Resident, Schedule, User

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"

SMALL = """
format = 2
[program]
name = "Small IR"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
vacation_weeks = 2

[[rotation]]
code = "IR"
groups = ["IR"]
min_present = 1
[[rotation]]
code = "DR"

[[resident]]
id = "ash"
name = "Ash Ito"
level = "R2"
track = "IR"
[[resident]]
id = "bea"
name = "Bea Lund"
level = "R2"
track = "IR"
[[resident]]
id = "cal"
name = "Cal Moss"
level = "R1"
track = "DR"
"""


def _chief(app, client, make_user, text: str = SMALL, name: str = "Small IR") -> int:
    return chief_imports(app, client, make_user, text, name)


def _exported(app, pid: int) -> dict:
    with app.app_context():
        return tomllib.loads(program_file.export_toml(db.session.get(Program, pid)))


def test_the_sample_keeps_every_format_2_key_through_import_and_export(app, client, make_user):
    pid = _chief(app, client, make_user, SAMPLE.read_text(), name="Duke IR")
    exported = _exported(app, pid)
    sample = tomllib.loads(SAMPLE.read_text())
    assert exported["format"] == 2
    for key in ("final_level", "holidays"):
        assert exported["program"][key] == sample["program"][key]
    for section in ("blackout", "away_limit", "service"):
        assert exported[section] == sample[section], section
    zhou = next(r for r in exported["resident"] if r["id"] == "zhou")
    assert zhou["max_vacation_weeks_per_block"] == 2
    night_float = [r for r in exported["requirement"] if r.get("service") == "NF"]
    assert len(night_float) == 2


def test_a_chief_adds_a_blackout_and_a_night_float_service_on_their_pages(app, client,
                                                                            make_user):
    pid = _chief(app, client, make_user)
    page = client.get(f"/programs/{pid}/policy/blackout").get_data(as_text=True)
    assert "No blackouts yet" in page and "Vacation &amp; services" in page
    new = f"/programs/{pid}/policy/blackout/new"
    # the period is backwards: refused, on the field, nothing kept
    page = post_form(client, new, name="R1 orientation", first="2027-07-31", last="2027-07-01",
                     levels=["R1"], hard="y").get_data(as_text=True)
    assert "“To” (1 Jul 2027) is before “From” (31 Jul 2027)" in page
    assert _exported(app, pid).get("blackout") is None
    response = post_form(client, new, name="R1 orientation", first="2027-07-01",
                         last="2027-07-31", levels=["R1"], hard="y")
    assert response.status_code == 302
    listed = client.get(f"/programs/{pid}/policy/blackout").get_data(as_text=True)
    # dates in words, as the rest of the app writes them for people; the form keeps ISO
    assert "R1 residents take no vacation from 1 Jul 2027 to 31 Jul 2027" in listed
    assert "2027-07-01" not in listed
    with app.app_context():
        blackout_id = db.session.get(Program, pid).blackouts[0].id
    form = client.get(f"/programs/{pid}/policy/blackout/{blackout_id}").get_data(as_text=True)
    assert 'value="2027-07-01"' in form
    # another one over it for the same residents: the one it overlaps is named, not numbered
    page = post_form(client, new, name="Exam", first="2027-07-20", last="2027-08-05",
                     levels=["R1"], hard="y").get_data(as_text=True)
    assert ("overlaps blackout “R1 orientation” (2027-07-01 to 2027-07-31) for R1 "
            "residents, whom both bind") in page
    service = f"/programs/{pid}/policy/service/new"
    page = post_form(client, service, code="IR", name="Night float", min="1", max="1"
                     ).get_data(as_text=True)
    assert "&#39;IR&#39; is already a rotation code" in page
    page = post_form(client, service, code="ir", name="Night float", min="1", max="1"
                     ).get_data(as_text=True)
    assert "&#39;ir&#39; differs from IR only in upper and lower case" in page
    page = post_form(client, service, code="NF", min="2", max="1").get_data(as_text=True)
    assert "“At most” (1) is below “At least” (2)" in page
    page = post_form(client, service, code="NF", name="Night float", min="1", max="1",
                     weeks="50-60").get_data(as_text=True)
    assert "weeks 52-60 are outside the year (1-51)" in page   # once, not once a week
    assert "week 53" not in page
    response = post_form(client, service, code="NF", name="Night float", min="1", max="1",
                         levels=["R2"], not_from=["DR"])
    assert response.status_code == 302
    # a rotation may not take the service's code: said on the rotation's Code field
    page = post_form(client, f"/programs/{pid}/rotations/new", code="NF", min="0",
                     min_present="0").get_data(as_text=True)
    assert "&#39;NF&#39; is already the code of a weekly service: use a code of its own" in page
    assert "is already a rotation code" not in page
    exported = _exported(app, pid)
    assert exported["blackout"] == [{"name": "R1 orientation", "levels": ["R1"],
                                     "from": date(2027, 7, 1), "to": date(2027, 7, 31)}]
    assert exported["service"] == [{"code": "NF", "name": "Night float", "min": 1, "max": 1,
                                    "levels": ["R2"], "not_from": ["DR"]}]
    # a requirement may now name the service (counted in weeks)
    response = post_form(client, f"/programs/{pid}/requirements/new", name="R2 night float",
                         target="NF", levels=["R2"], min="20", scope="year", hard="y")
    assert response.status_code == 302
    assert _exported(app, pid)["requirement"] == [
        {"name": "R2 night float", "service": "NF", "levels": ["R2"], "min": 20}]
    # a service still named cannot be deleted
    with app.app_context():
        service_id = db.session.get(Program, pid).services[0].id
    listing = f"/programs/{pid}/policy/service"
    page = client.post(f"{listing}/{service_id}/delete",
                       data={"csrf_token": csrf_token(client, listing)},
                       follow_redirects=True).get_data(as_text=True)
    assert ("This weekly service is still needed: requirement “R2 night float” names it; "
            "change or delete it first") in page
    assert len(_exported(app, pid)["service"]) == 1


def test_delete_buttons_name_blackouts_services_and_limits_by_name(app, client, make_user):
    """Each Delete asks about the entry by its name or code, then what it says (its dates in
    words); one without a name by what it says, not by its place in the list."""
    text = SMALL + """
[[blackout]]
name = "R1 orientation"
levels = ["R1"]
from = 2027-07-01
to = 2027-07-31
[[away_limit]]
max = 2
[[service]]
code = "NF"
name = "Night float"
min = 1
max = 1
"""
    pid = _chief(app, client, make_user, text)
    policy = f"/programs/{pid}/policy"
    page = client.get(f"{policy}/blackout").get_data(as_text=True)
    assert confirmations(page) == ["Delete blackout “R1 orientation” — R1 residents take no "
                                   "vacation from 1 Jul 2027 to 31 Jul 2027?"]
    assert 'aria-label="Delete blackout “R1 orientation”"' in page
    page = client.get(f"{policy}/away_limit").get_data(as_text=True)
    assert confirmations(page) == ["Delete this away limit — at most 2 residents (all "
                                   "residents) are on vacation on any working day (at most "
                                   "102 of their vacation weeks in all, over the 51 weeks "
                                   "with working days)?"]
    page = client.get(f"{policy}/service").get_data(as_text=True)
    assert confirmations(page) == ["Delete service NF — Night float (NF): exactly 1 resident "
                                   "a week, every week, open to all residents?"]
    assert 'aria-label="Delete service NF"' in page


def test_a_hard_blackout_over_approved_vacation_is_refused_when_saved(app, client, make_user):
    """Approved vacation is booked: a hard blackout over one of its working days would leave
    the year without a schedule, so it is refused on the form, naming the resident and the
    week (read from the request's date as the solver reads it); a wish in the same week
    does not stop it, and a soft blackout is kept."""
    text = SMALL + """
[[request]]
resident = "ash"
kind = "vacation"
weeks = [2027-07-14]
hard = true
[[request]]
resident = "bea"
kind = "vacation"
weeks = [2027-07-13]
[[request]]
resident = "cal"
kind = "vacation"
weeks = [2027-07-01]
hard = true
"""
    pid = _chief(app, client, make_user, text)
    new = f"/programs/{pid}/policy/blackout/new"
    page = post_form(client, new, name="Summer", first="2027-07-01", last="2027-07-31",
                     levels=["R2"], hard="y").get_data(as_text=True)
    assert ("it covers approved vacation: Ash Ito" in page
            and "week 2 (12 Jul – 18 Jul 2027). Approved vacation is booked" in page)
    assert "Bea Lund" not in page
    assert _exported(app, pid).get("blackout") is None
    # a date before week 1 names week 1, as the solver reads it
    page = post_form(client, new, name="Orientation", first="2027-07-05", last="2027-07-09",
                     levels=["R1"], hard="y").get_data(as_text=True)
    assert "it covers approved vacation: Cal Moss&#39;s week 1 (5 Jul – 11 Jul 2027)" in page
    # ending before that week: kept
    assert post_form(client, new, name="Early July", first="2027-07-01", last="2027-07-09",
                     levels=["R2"], hard="y").status_code == 302
    # discouraged, not forbidden: kept, with its weight
    assert post_form(client, new, name="Summer", first="2027-07-12", last="2027-07-31",
                     levels=["R2"], weight="5").status_code == 302
    assert [b["name"] for b in _exported(app, pid)["blackout"]] == ["Early July", "Summer"]


def test_holidays_and_final_levels_are_settings_checked_on_the_field(app, client, make_user):
    pid = _chief(app, client, make_user)
    settings = {"name": "Small IR", "year_start": "2027-07-01", "calendar": "months",
                "levels": "R1, R2, R3", "tracks": "IR, DR", "vacation_weeks": "2",
                "max_vacation_weeks_per_block": "1", "change_weight": "1"}
    page = post_form(client, f"/programs/{pid}/settings", **settings,
                     holidays="2027-11-25, 2026-01-01").get_data(as_text=True)
    assert "2026-01-01 is outside the year" in page
    page = post_form(client, f"/programs/{pid}/settings", **settings,
                     holidays="2026-13-40, tomorrow").get_data(as_text=True)
    assert "&#39;2026-13-40&#39;, &#39;tomorrow&#39; are not dates such as 2027-11-25" in page
    # a name after the date is one bad line, not three bad words
    page = post_form(client, f"/programs/{pid}/settings", **settings,
                     holidays="2027-11-25\n2028-03-17 St Patrick's Day").get_data(as_text=True)
    assert "&#39;2028-03-17 St Patrick&#39;s Day&#39; is not a date" in page
    assert "(one date a line, without a name)" in page
    # a weekend day off changes no working day: the weekday it is observed on is asked for
    page = post_form(client, f"/programs/{pid}/settings", **settings,
                     holidays="2027-07-04").get_data(as_text=True)
    assert ("2027-07-04 is a Sunday: a holiday on a weekend changes no working day; give the "
            "weekday it is observed on") in page
    page = post_form(client, f"/programs/{pid}/settings", **settings, final_level="DR = R9"
                     ).get_data(as_text=True)
    assert "unknown level &#39;R9&#39;" in page
    page = post_form(client, f"/programs/{pid}/settings", **settings,
                     final_level="DR = R3, DR = R2").get_data(as_text=True)
    assert "DR is given twice (R3 and R2): give each track once" in page
    response = post_form(client, f"/programs/{pid}/settings", **settings,
                         holidays="2027-11-25\n2027-12-24", final_level="DR = R2")
    assert response.status_code == 302
    info = _exported(app, pid)["program"]
    assert [d.isoformat() for d in info["holidays"]] == ["2027-11-25", "2027-12-24"]
    assert info["final_level"] == {"DR": "R2"}
    # shown again one a line, in a box that holds a year's holidays
    page = client.get(f"/programs/{pid}/settings").get_data(as_text=True)
    box = re.search(r'<textarea[^>]*name="holidays"[^>]*>([^<]*)</textarea>', page)
    assert box is not None and 'rows="8"' in box.group(0)
    assert box.group(1).split() == ["2027-11-25", "2027-12-24"] and "\n2027-12-24" in box.group(1)


def test_the_grid_and_the_residents_phone_show_night_float_weeks(app, client, make_user):
    text = SMALL + """
[[service]]
code = "NF"
name = "Night float"
min = 1
max = 1
levels = ["R2"]
"""
    pid = _chief(app, client, make_user, text)
    answer = solve(load_program_text(text).program, SolveOptions(time_limit=20))
    assert answer.status == "OPTIMAL"
    make_user("ash@example.org", "Small IR", "resident")
    with app.app_context():
        schedule = Schedule(program_id=pid, state="published", version=1, data=answer.as_dict())
        db.session.add(schedule)
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        ash.user = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        db.session.commit()
        sid = schedule.id
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert "☾NF" in grid and "Week by week" in grid and "NF cover (Night float)" in grid
    assert "Residents away" in grid
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ash@example.org")
    mine = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    weeks = answer.residents["ash"].services["NF"]
    assert mine.count("☾ Night float") == len(weeks)
    first = load_program_text(text).program.calendar.week_start(weeks[0])
    assert f"☾ Night float {first.strftime('%a %-d %b')}" in mine  # a Monday
    feed = client.get(f"/programs/{pid}/my/schedule.ics").get_data(as_text=True)
    assert feed.count("SUMMARY:Night float") == len(weeks)
    assert f"DTSTART;VALUE=DATE:{first.strftime('%Y%m%d')}" in feed


def test_graduation_and_pace_follow_each_tracks_own_final_level(app, client, make_user):
    from web.cases.pace import graduation

    text = SMALL.replace('levels = ["R1", "R2", "R3"]',
                         'levels = ["R1", "R2", "R3"]\nfinal_level = { DR = "R2" }')
    text = text.replace('level = "R1"\ntrack = "DR"', 'level = "R2"\ntrack = "DR"')
    pid = _chief(app, client, make_user, text)
    with app.app_context():
        program = db.session.get(Program, pid)
        by_key = {r.key: r for r in program.residents}
        # Cal, a DR R2, finishes with this year; Ash, an IR R2, trains one more year (R3)
        assert graduation(program, by_key["cal"]) == date(2028, 6, 30)
        assert graduation(program, by_key["ash"]) == date(2029, 6, 30)


def test_a_group_named_like_a_rotation_stays_the_group_when_edited(app, client, make_user):
    pid = _chief(app, client, make_user, SMALL + """
[[requirement]]
name = "Some IR"
group = "IR"
min = 1
""")
    with app.app_context():
        requirement_id = db.session.get(Program, pid).requirements[0].id
    path = f"/programs/{pid}/requirements/{requirement_id}"
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<option selected value="group:IR">IR \(any rotation', page), page[-3000:]
    response = post_form(client, path, name="Some IR", target="group:IR", min="2",
                         scope="year", hard="y")
    assert response.status_code == 302
    assert _exported(app, pid)["requirement"] == [{"name": "Some IR", "group": "IR", "min": 2}]


def test_a_page_of_a_deleted_entry_cannot_change_the_entry_added_after_it(app, client,
                                                                         make_user):
    """SQLite used to give the newest entry's id again once it was deleted: an edit form
    left open on the deleted blackout then saved over the blackout added after it. Ids are
    never given twice now, so the stale form finds nothing and changes nothing."""
    pid = _chief(app, client, make_user)
    listing = f"/programs/{pid}/policy/blackout"
    assert post_form(client, f"{listing}/new", name="Orientation", first="2027-07-01",
                     last="2027-07-31", levels=["R1"], hard="y").status_code == 302
    with app.app_context():
        old = db.session.get(Program, pid).blackouts[0].id
    stale = client.get(f"{listing}/{old}")          # the edit form, left open in a tab
    assert stale.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      stale.get_data(as_text=True)).group(1)
    assert client.post(f"{listing}/{old}/delete",
                       data={"csrf_token": csrf_token(client, listing)}).status_code == 302
    assert post_form(client, f"{listing}/new", name="Board exam", first="2028-05-01",
                     last="2028-05-31", levels=["R3"], hard="y").status_code == 302
    with app.app_context():
        new = db.session.get(Program, pid).blackouts[0].id
    assert new != old
    response = client.post(f"{listing}/{old}", data={
        "csrf_token": token, "name": "Orientation", "first": "2027-07-01",
        "last": "2027-07-14", "levels": ["R1"], "hard": "y"})
    assert response.status_code == 404
    assert _exported(app, pid)["blackout"] == [{"name": "Board exam", "levels": ["R3"],
                                                "from": date(2028, 5, 1),
                                                "to": date(2028, 5, 31)}]
