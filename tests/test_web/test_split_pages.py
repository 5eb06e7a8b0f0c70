"""Split blocks in the web app: the setting and the rotation's 'may fill half a block' box
(saved only when the program stays valid, round-tripping through the program file), a split
block in the grid, a chief splitting a cell by hand, and a resident's phone and calendar
showing each half with its own dates."""

from __future__ import annotations

import re
import tomllib

from sqlalchemy import select
from web_support import csrf_token, post_form, sign_in, upload

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web import program_file
from web.extensions import db
from web.models import Program, Resident, Rotation, Schedule, User

# SICU takes one resident in every half block and closes to vacation; a's booked week lies in
# August's first half and b's in its second, so August is split between them.
SPLIT = """
format = 2
[program]
name = "Split IR"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
vacation_weeks = 1
split_blocks = true

[[rotation]]
code = "SICU"
name = "Surgical ICU"
min = 1
max = 1
vacation = false
split = true
[[rotation]]
code = "BODY"
split = true
[[rotation]]
code = "IR"

[[resident]]
id = "a"
name = "Ada Moss"
level = "R2"
track = "IR"
[[resident]]
id = "b"
name = "Ben Ito"
level = "R2"
track = "IR"

[[request]]
resident = "a"
kind = "vacation"
weeks = [2027-08-04]
hard = true
[[request]]
resident = "b"
kind = "vacation"
weeks = [2027-08-25]
hard = true
"""

SETTINGS = {"name": "Split IR", "year_start": "2027-07-01", "calendar": "months",
            "levels": "R1, R2, R3", "tracks": "IR, DR", "vacation_weeks": "1",
            "max_vacation_weeks_per_block": "1", "change_weight": "1"}


def _chief(app, client, make_user, text: str = SPLIT) -> int:
    make_user("chief@example.org", "Split IR", "chief")
    sign_in(client, "chief@example.org")
    pid = _program_id(app)
    response = upload(client, f"/programs/{pid}/import", "file", "program.toml", text)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return pid


def _program_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Program.id).where(Program.name == "Split IR"))


def _exported(app, pid: int) -> dict:
    with app.app_context():
        return tomllib.loads(program_file.export_toml(db.session.get(Program, pid)))


def _store(app, pid: int, data: dict, state: str = "draft") -> int:
    with app.app_context():
        row = Schedule(program_id=pid, state=state, version=1 if state == "published" else None,
                       data=data)
        db.session.add(row)
        db.session.commit()
        return row.id


def test_split_blocks_are_set_in_the_settings_and_on_the_rotation(app, client, make_user):
    pid = _chief(app, client, make_user, SPLIT.replace("split_blocks = true", "")
                 .replace("split = true", ""))
    with app.app_context():
        sicu = db.session.scalar(select(Rotation.id).where(Rotation.code == "SICU"))
    form = {"code": "SICU", "name": "Surgical ICU", "min": "1", "max": "1",
            "min_present": "0", "split": "y"}
    page = post_form(client, f"/programs/{pid}/rotations/{sicu}", **form).get_data(as_text=True)
    assert "a split rotation needs program.split_blocks = true" in page
    assert post_form(client, f"/programs/{pid}/settings", **SETTINGS,
                     split_blocks="y").status_code == 302
    assert post_form(client, f"/programs/{pid}/rotations/{sicu}", **form).status_code == 302
    exported = _exported(app, pid)
    assert exported["program"]["split_blocks"] is True
    assert [r.get("split", False) for r in exported["rotation"]] == [True, False, False]
    # the settings page shows the box ticked
    settings = client.get(f"/programs/{pid}/settings").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="split_blocks"[^>]*>', settings)
    assert box and "checked" in box.group(0)


def test_the_grid_shows_a_split_block_and_a_chief_can_split_a_cell(app, client, make_user):
    pid = _chief(app, client, make_user)
    answer = solve(load_program_text(SPLIT).program, SolveOptions(time_limit=20))
    assert answer.status == "OPTIMAL"
    sid = _store(app, pid, answer.as_dict())
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert ">BODY / SICU" in grid and ">SICU / BODY" in grid
    assert "linear-gradient(to right" in grid
    assert "Second half" in grid
    # the chief puts a on SICU for block 5's first half and IR for its second: IR cannot
    # fill half a block, so nothing changes; SICU then BODY can
    with app.app_context():
        revision = db.session.get(Schedule, sid).revision
    path = f"/programs/{pid}/schedules/{sid}/cell"
    page = client.post(path, data={"resident": "a", "block": "5", "rotation": "SICU",
                                   "second": "IR", "revision": str(revision),
                                   "csrf_token": csrf_token(client, f"/programs/{pid}/"
                                                                    f"schedules/{sid}")},
                       follow_redirects=True).get_data(as_text=True)
    assert "IR cannot fill half a block" in page
    page = client.post(path, data={"resident": "a", "block": "5", "rotation": "SICU",
                                   "second": "BODY", "revision": str(revision),
                                   "csrf_token": csrf_token(client, f"/programs/{pid}/"
                                                                    f"schedules/{sid}")},
                       follow_redirects=True).get_data(as_text=True)
    assert "a, block 5: now SICU / BODY" in page
    with app.app_context():
        assert db.session.get(Schedule, sid).data["residents"]["a"]["rotations"][4] == [
            "SICU", "BODY"]
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert grid.count(">SICU / BODY") == 2


def test_a_residents_phone_and_calendar_show_each_half_with_its_dates(app, client, make_user):
    pid = _chief(app, client, make_user)
    answer = solve(load_program_text(SPLIT).program, SolveOptions(time_limit=20))
    _store(app, pid, answer.as_dict(), state="published")
    make_user("ada@example.org", "Split IR", "resident")
    with app.app_context():
        ada = db.session.scalar(select(Resident).where(Resident.key == "a"))
        ada.user = db.session.scalar(select(User).where(User.email == "ada@example.org"))
        db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ada@example.org")
    mine = client.get(f"/programs/{pid}/my/schedule").get_data(as_text=True)
    assert "Block 2 (first half) · 1 Aug – 15 Aug 2027" in mine
    assert "Block 2 (second half) · 16 Aug – 31 Aug 2027" in mine
    feed = client.get(f"/programs/{pid}/my/schedule.ics").get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20270816" in feed
    assert "Second half of block 2" in feed
