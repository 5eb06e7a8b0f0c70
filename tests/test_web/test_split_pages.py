"""Split blocks in the web app: the setting and the rotation's 'may fill half a block' box
(saved only when the program stays valid, round-tripping through the program file), a split
block in the grid, a chief splitting a cell by hand, and a resident's phone and calendar
showing each half with its own dates."""

from __future__ import annotations

import re
import tomllib

from program_helpers import split_program_text
from sqlalchemy import select
from web_support import chief_imports, csrf_token, post_form, sign_in

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web import program_file
from web.extensions import db
from web.models import Program, Resident, Rotation, Schedule, User

# The shared split program (August split between a and b), with a rotation that may not
# fill half a block.
SPLIT = split_program_text() + '\n[[rotation]]\ncode = "IR"\n'
NAME = "Split blocks"

SETTINGS = {"name": NAME, "year_start": "2027-07-01", "calendar": "months",
            "levels": "R1, R2, R3", "tracks": "IR, DR", "vacation_weeks": "1",
            "max_vacation_weeks_per_block": "1", "change_weight": "1"}


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


def _solved() -> dict:
    answer = solve(load_program_text(SPLIT).program, SolveOptions(time_limit=20))
    assert answer.status == "OPTIMAL"
    return answer.as_dict()


def _change_cell(client, pid: int, sid: int, revision: int, **fields) -> str:
    grid = f"/programs/{pid}/schedules/{sid}"
    return client.post(f"{grid}/cell", data={**fields, "revision": str(revision),
                                             "csrf_token": csrf_token(client, grid)},
                       follow_redirects=True).get_data(as_text=True)


def test_split_blocks_are_set_in_the_settings_and_on_the_rotation(app, client, make_user):
    pid = chief_imports(app, client, make_user, split_program_text(split=False), NAME)
    with app.app_context():
        sicu = db.session.scalar(select(Rotation.id).where(Rotation.code == "SICU"))
    form = {"code": "SICU", "name": "Surgical ICU", "min": "1", "max": "1",
            "min_present": "0", "split": "y"}
    page = post_form(client, f"/programs/{pid}/rotations/{sicu}", **form).get_data(as_text=True)
    assert ("“May fill half a block” needs split blocks: switch them on in Settings first"
            in page)
    assert post_form(client, f"/programs/{pid}/settings", **SETTINGS,
                     split_blocks="y").status_code == 302
    assert post_form(client, f"/programs/{pid}/rotations/{sicu}", **form).status_code == 302
    exported = _exported(app, pid)
    assert exported["program"]["split_blocks"] is True
    assert [r.get("split", False) for r in exported["rotation"]] == [True, False]
    # the settings page shows the box ticked
    settings = client.get(f"/programs/{pid}/settings").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="split_blocks"[^>]*>', settings)
    assert box and "checked" in box.group(0)


def test_the_grid_shows_a_split_block_and_a_chief_can_split_a_cell(app, client, make_user):
    pid = chief_imports(app, client, make_user, SPLIT, NAME)
    sid = _store(app, pid, _solved())
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert ">BODY / SICU" in grid and ">SICU / BODY" in grid
    assert "linear-gradient(to right" in grid
    assert "Second half" in grid
    with app.app_context():
        revision = db.session.get(Schedule, sid).revision
    # the chief puts a on SICU for block 5's first half and IR for its second: IR cannot
    # fill half a block, so nothing changes; SICU then BODY can
    page = _change_cell(client, pid, sid, revision, resident="a", block="5", rotation="SICU",
                        second="IR")
    assert "IR cannot fill half a block" in page
    page = _change_cell(client, pid, sid, revision, resident="a", block="5", rotation="SICU",
                        second="BODY")
    assert "a, block 5: now SICU / BODY" in page
    with app.app_context():
        assert db.session.get(Schedule, sid).data["residents"]["a"]["rotations"][4] == [
            "SICU", "BODY"]
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert grid.count(">SICU / BODY") == 2


def test_a_residents_phone_and_calendar_show_each_half_with_its_dates(app, client, make_user):
    pid = chief_imports(app, client, make_user, SPLIT, NAME)
    _store(app, pid, _solved(), state="published")
    make_user("ada@example.org", NAME, "resident")
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
    assert "The second half of block 2" in feed
