"""The program director's dashboard (issue 19): one verdict per resident and target, in step
with the pace projection (no row says "behind" and "on pace" at once; an R1 on pace is not
flagged; MQSA is judged on its window); sorting, "off pace only" and level filters in the
query string; each name opens that resident's progress page."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from web_support import chief_imports, csrf_token, sign_in, upload

from caselog.progress import add_months
from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web.extensions import db
from web.models import Program, Resident, Schedule

YEAR = date.today().year - (date.today().month < 7)
# Five levels, so that an R1 and an R2 graduate years from now (MQSA counts only in the last
# two) and an R4 is inside MQSA's period already.
PACE = f"""
format = 1
[program]
name = "Pace IR"
year_start = {YEAR}-07-01
levels = ["R1", "R2", "R3", "R4", "R5"]
tracks = ["IR"]
vacation_weeks = 1

[[rotation]]
code = "IR"
min = 1
[[rotation]]
code = "DR"
min = 1

[[resident]]
id = "ash"
name = "Ash Pellow"
level = "R4"
track = "IR"
[[resident]]
id = "bea"
name = "Bea Moranti"
level = "R1"
track = "IR"
[[resident]]
id = "cal"
name = "Cal Dunwich"
level = "R2"
track = "IR"
[[resident]]
id = "dov"
name = "Dov Ekwall"
level = "R1"
track = "IR"
"""


def _history(key: str, code: str, count: int, months: int) -> list[str]:
    """`count` verified cases of `code` on IR, spread over the `months` before this year."""
    start = date(YEAR, 7, 1)
    return [f"{key},{add_months(start, -1 - i % months).replace(day=1 + i // months % 28)},"
            f"{code},IR,verified" for i in range(count)]


@pytest.fixture
def board(app, client, make_user):
    """Program 'Pace IR' with a published year and its residents' records, the director
    (pd@example.org) signed in. Bea (R1) logged 24 embolizations and 30 biopsies last year:
    at her own pace she reaches 40 and 50 by graduation. Ash (R4) and Cal (R2) met both;
    Dov (R1) logged nothing. Nobody has read a mammogram: MQSA is open for Ash only."""
    pid = chief_imports(app, client, make_user, PACE, program="Pace")
    answer = solve(load_program_text(PACE).program, SolveOptions(time_limit=10))
    with app.app_context():
        db.session.add(Schedule(program_id=pid, state="published", version=1,
                                data=answer.as_dict()))
        db.session.commit()
        name = db.session.get(Program, pid).name
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("pd@example.org", name, "program_director")
    sign_in(client, "pd@example.org")
    rows = (_history("bea", "EMBO-TUMOR", 24, 12) + _history("bea", "BIOPSY-LIVER", 30, 12)
            + [row for key in ("ash", "cal") for row in
               _history(key, "EMBO-TUMOR", 40, 20) + _history(key, "BIOPSY-LIVER", 50, 20)])
    response = upload(client, f"/programs/{pid}/case-logs/import", "file", "history.csv",
                      "\n".join(["resident,date,procedure,rotation,status", *rows]))
    assert f"{len(rows)} case(s) added" in response.get_data(as_text=True)
    return {"id": pid, "name": name}


def _page(client, pid: int, query: str = "") -> str:
    response = client.get(f"/programs/{pid}/case-logs{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(page: str) -> dict[str, str]:
    """Resident key -> the HTML of their dashboard row, in the page's order."""
    return dict(re.findall(r'<tr data-resident="([^"]+)"(.*?)</tr>', page, re.S))


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _pace(row: str) -> str:
    return _text(row.split('<td class="pace">')[1])


def test_a_row_never_says_behind_and_on_pace_at_once(client, board):
    """Cal (R2) met both IR targets; MQSA cannot count before his last two years. The old
    row said "MQSA mammography reads: 0/240" in red beside "on pace"."""
    rows = _rows(_page(client, board["id"]))
    for key, row in rows.items():
        red = re.findall(r'class="[^"]*\bbad\b[^"]*"', row)
        if _pace(row) == "on pace":
            assert not red, f"{key}: on pace, yet something is red: {_text(row)}"
        assert "behind" not in _text(row).lower(), key
    cal = rows["cal"]
    assert 'data-standing="on pace"' in cal and _pace(cal) == "on pace"
    assert re.search(r"MQSA mammography reads: 0/240 · counts from 1 July \d{4}", _text(cal))
    assert "Embolization (example): 40/40 · met" in _text(cal)


def test_an_r1_on_pace_for_targets_due_at_graduation_is_not_flagged(client, board):
    bea = _rows(_page(client, board["id"]))["bea"]
    assert 'data-standing="on pace"' in bea and "bad" not in bea
    assert re.search(r"Embolization \(example\): 24/40 · on pace: \d+ by June \d{4}",
                     _text(bea))
    assert re.search(r"Biopsy \(example\): 30/50 · on pace", _text(bea))
    # Dov, also an R1, has logged nothing and nothing ahead reaches the targets: off pace
    dov = _rows(_page(client, board["id"]))["dov"]
    assert 'data-standing="off pace"' in dov
    assert "Embolization (example): At this pace" in _pace(dov)


def test_mqsa_is_judged_on_its_window_and_its_projection(client, board):
    """Ash (R4) is inside MQSA's last two years with no reads and no rotation that yields
    them: off pace on MQSA alone, said with the window's projection."""
    ash = _rows(_page(client, board["id"]))["ash"]
    assert 'data-standing="off pace"' in ash
    assert re.search(r"MQSA mammography reads: At this pace, 0 of 240 within 6 months by "
                     r"June \d{4}; no rotation in the program's history yields these cases",
                     _pace(ash))
    assert "Embolization (example)" not in _pace(ash)          # met: not in the pace cell


def test_the_director_sorts_by_name_level_and_status(client, board):
    pid = board["id"]
    assert list(_rows(_page(client, pid))) == ["ash", "bea", "cal", "dov"]      # by name
    assert list(_rows(_page(client, pid, "?sort=level"))) == ["bea", "dov", "cal", "ash"]
    # off pace first (then by level), then on pace
    assert list(_rows(_page(client, pid, "?sort=status"))) == ["dov", "ash", "bea", "cal"]
    page = _page(client, pid, "?sort=status")
    assert '<option value="status" selected>' in page
    assert f'href="/programs/{pid}/case-logs?sort=level"' in page        # a header's link


def test_off_pace_only_and_a_level_keep_their_filters_in_every_link(client, board):
    pid = board["id"]
    assert list(_rows(_page(client, pid, "?off_pace=1"))) == ["ash", "dov"]
    assert list(_rows(_page(client, pid, "?level=R1"))) == ["bea", "dov"]
    page = _page(client, pid, "?off_pace=1&level=R1&sort=level")
    assert list(_rows(page)) == ["dov"]
    assert "2 of 4 residents off pace" in _text(page) and "showing 1" in _text(page)
    assert 'name="off_pace" value="1" checked' in page
    assert '<option value="R1" selected>' in page
    # sorting again keeps the filters, and so does opening a resident
    assert (f'href="/programs/{pid}/case-logs?sort=status&amp;off_pace=1&amp;level=R1"'
            in page)
    assert re.search(rf'href="/programs/{pid}/case-logs/residents/\d+\?sort=level&amp;'
                     r'off_pace=1&amp;level=R1">Dov Ekwall</a>', page)
    empty = _page(client, pid, "?off_pace=1&level=R2")
    assert _rows(empty) == {} and "No resident matches" in empty
    # what the page does not know is ignored, not an error
    assert list(_rows(_page(client, pid, "?sort=salary&level=R9"))) == [
        "ash", "bea", "cal", "dov"]


def test_a_name_opens_that_residents_progress_as_the_director_sees_it(app, client, board,
                                                                     make_user):
    pid = board["id"]
    page = _page(client, pid, "?off_pace=1")
    link = html.unescape(re.search(r'href="([^"]+)">Ash Pellow</a>', page).group(1))
    progress = client.get(link)
    assert progress.status_code == 200
    text = _text(progress.get_data(as_text=True))
    assert "Progress: Ash Pellow" in text
    assert "MQSA mammography reads 0 240 240 to go · off pace: 0 within 6 months" in text
    assert "Embolization (example target, set by your program) 40 40 met" in text
    # the Pace section projects the windowed target on its window, as the dashboard does
    pace = _text(re.search(r'<ul id="pace">(.*?)</ul>', progress.get_data(as_text=True),
                           re.S).group(1))
    assert re.search(r"MQSA mammography reads ?: At this pace, 0 of 240 within 6 months "
                     r"by June \d{4}; no rotation in the program's history yields these cases",
                     pace)
    # dates in words, and the director reads of the resident's schedule, not their own
    assert re.search(r"Graduation: \d{1,2} [A-Z][a-z]{2} \d{4}\.", text)
    assert "Expected cases: their published schedule's rotations" in text
    assert "then their own pace so far" in text and "your own pace" not in text
    assert (f'href="/programs/{pid}/case-logs?off_pace=1" id="back-to-board"'
            in progress.get_data(as_text=True))

    # Another program's director, and a resident of this one, do not see it.
    with app.app_context():
        ash = db.session.scalars(db.select(Resident).where(Resident.key == "ash")).one()
        ash_id = ash.id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("other.pd@example.org", "Other IR", "program_director")
    sign_in(client, "other.pd@example.org")
    assert client.get(link).status_code == 404
    with app.app_context():
        other = db.session.scalars(db.select(Program.id).where(Program.name == "Other IR")
                                   ).one()
    assert client.get(f"/programs/{other}/case-logs/residents/{ash_id}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("bea@example.org", board["name"], "resident")
    sign_in(client, "bea@example.org")
    assert client.get(link).status_code == 403


def test_every_category_of_the_monthly_chart_has_a_colour_of_its_own(app, client, cases,
                                                                     make_user):
    """A case in each of the catalogue's categories (sixteen in the default one): the
    stacked monthly chart gives each its own colour, where Plotly's ten would repeat; the
    same category has the same colour on every dashboard (its place in the catalogue)."""
    import json

    from sqlalchemy import select
    from web_support import log_case

    from web.models import ProcedureCategory, ProcedureType

    pid = cases["id"]
    with app.app_context():
        firsts = [db.session.scalar(select(ProcedureType.id).where(
            ProcedureType.category_id == category.id).limit(1))
            for category in db.session.scalars(select(ProcedureCategory).where(
                ProcedureCategory.program_id == pid).order_by(ProcedureCategory.position))]
    firsts = [f for f in firsts if f is not None]
    assert len(firsts) > 10
    sign_in(client, "ash@example.org")
    for type_id in firsts:
        log_case(client, pid, primary=str(type_id))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    page = client.get(f"/programs/{pid}/case-logs").get_data(as_text=True)
    series = json.loads(re.search(r'Plotly.newPlot\("volume", (\[.*?\])\.map', page).group(1))
    assert len(series) == len(firsts)
    looks = {(s["colour"], s["hatch"]) for s in series}
    assert len(looks) == len(series)
    assert "marker: {color: s.colour, pattern: {shape: s.hatch}}" in page
