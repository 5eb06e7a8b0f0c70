"""Pace to graduation on the resident's progress page and the program director's dashboard:
the published schedule's blocks ahead at the rates of the program's own history."""

from __future__ import annotations

import copy
import math
import re
from datetime import date

from sqlalchemy import select
from web_support import PAST, csrf_token, sign_in, upload

from scheduler import load_program_text
from web.extensions import db
from web.models import Schedule

DAYS_PER_MONTH = 365.25 / 12
ASH = ["DR", "IR"] * 6          # Ash's published year: IR every other month


def _publish_ash(app, pid: int) -> None:
    """Give Ash a published year of alternating DR and IR months."""
    with app.app_context():
        schedule = db.session.scalar(select(Schedule).where(Schedule.program_id == pid))
        data = copy.deepcopy(schedule.data)
        data["residents"]["ash"]["rotations"] = ASH
        schedule.data = data
        db.session.commit()


def _history(app, client, pid, make_user):
    """Bea's last-year record: 2 embolizations a month on IR for 3 months, PICCs on DR."""
    last_year = date.today().year - 1
    rows = ["resident,date,procedure,rotation,status"]
    for month in (9, 10, 11):
        rows += [f"bea,{last_year}-{month:02d}-{day:02d},EMBO-TUMOR,IR,verified"
                 for day in range(1, 3)]
        rows += [f"bea,{last_year}-{month - 6:02d}-{day:02d},PICC,DR,verified"
                 for day in range(1, 4)]
    _publish_ash(app, pid)
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    response = upload(client, f"/programs/{pid}/case-logs/import", "file", "bea.csv",
                      "\n".join(rows))
    assert response.status_code == 200 and "15 case(s) added" in response.get_data(
        as_text=True)


def _expected_for_ash() -> int:
    """Embolizations Ash (no cases yet) should expect: 2 a month on her IR blocks ahead."""
    calendar = load_program_text(PAST).program.calendar
    today = date.today()
    months = sum(((b.end - max(b.start, today)).days + 1) / DAYS_PER_MONTH
                 for b, code in zip(calendar.blocks, ASH, strict=True)
                 if b.end >= today and code == "IR")
    return math.floor(2 * months)


def test_pace_comes_from_the_schedule_and_the_programs_history(app, client, cases,
                                                               make_user):
    _history(app, client, cases["id"], make_user)
    expected = _expected_for_ash()
    graduation = load_program_text(PAST).program.calendar.year_end
    assert expected < 40          # at most 6 IR months ahead, at 2 a month
    blocks = math.ceil((40 - expected) / 2)
    said = (f"At this pace, {expected} of 40 by June {graduation.year + 1}; "
            f"{blocks} more IR blocks close the gap.")
    dashboard = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
    ash = dashboard.split('data-resident="ash"')[1].split("</tr>")[0]
    assert ("Embolization (example): " + said) in ash
    assert '"name": "Embolization"' in dashboard      # the monthly volume chart's series
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{cases['id']}/my/progress").get_data(as_text=True)
    assert said in page
    assert 'id="curve-1"' in page                      # the cumulative curve per target,
    curve = page.split('id="curve-1"')[1].split("</figure>")[0]
    assert "<title>at this pace</title>" in curve and "target: " in curve   # on the server,
    assert "plotly" not in page                        # no charting library to download


def test_deficits_become_wishes_the_chief_can_edit(app, client, cases, make_user):
    _history(app, client, cases["id"], make_user)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    path = f"/programs/{cases['id']}/case-logs/wishes"
    page = client.get(path).get_data(as_text=True)
    row = page.split('data-resident="ash"')[1].split("</tr>")[0]
    assert "Embolization (example): At this pace" in row and "<td>IR</td>" in row
    calendar = load_program_text(PAST).program.calendar
    away = [b.index for b, code in zip(calendar.blocks, ASH, strict=True)
            if b.start > date.today() and code != "IR"]
    needed = math.ceil((40 - _expected_for_ash()) / 2)
    offered = [int(v.split(":")[2]) for v in re.findall(r'value="(\d+:IR:\d+)"', row)]
    assert len(offered) == min(needed, len(away)) and set(offered) <= set(away)
    if not offered:
        return                      # in May and June: no DR month left to ask IR for
    response = client.post(path, data={"pick": re.findall(r'value="(\d+:IR:\d+)"', row),
                                       "weight": "4", "csrf_token": csrf_token(client, path)},
                           follow_redirects=True)
    requests_page = response.get_data(as_text=True)
    assert f"{len(offered)} wish(es) added" in requests_page
    for block in offered:
        assert f"On IR in block {block}" in requests_page
    exported = client.get(f"/programs/{cases['id']}/program.toml").get_data(as_text=True)
    assert exported.count('kind = "assign"') == len(offered)
    assert exported.count("weight = 4") == len(offered)
    page = client.get(path).get_data(as_text=True)     # asked already: not offered again
    assert not re.findall(r'value="(\d+:IR:\d+)"', page.split('data-resident="ash"')[1]
                          .split("</tr>")[0]) if 'data-resident="ash"' in page else True
