"""The schedule grid: coverage and filters, a cell change answered at once by the checker,
drafts and published versions, publishing, and the diff between them."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_solving import TINY, _generate, _job_id, _wait
from web_support import chief_imports, csrf_token, sign_in

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web.extensions import db
from web.models import Program, Schedule
from web.schedules import services


@pytest.fixture
def draft(app, client, make_user):
    """TINY imported by a chief, with a solved draft; returns (program id, draft id)."""
    pid = chief_imports(app, client, make_user, TINY)
    answer = solve(load_program_text(TINY).program, SolveOptions(time_limit=10))
    assert answer.status == "OPTIMAL"
    with app.app_context():
        row = Schedule(program_id=pid, data=answer.as_dict(), note="generated")
        db.session.add(row)
        db.session.commit()
        return pid, row.id


def _page(client, pid, sid, query=""):
    return client.get(f"/programs/{pid}/schedules/{sid}{query}").get_data(as_text=True)


def _block_of(app, sid, resident, code) -> int:
    with app.app_context():
        return db.session.get(Schedule, sid).data["residents"][resident]["rotations"].index(
            code) + 1


def _change(client, pid, sid, resident, block, code, revision=None):
    grid = f"/programs/{pid}/schedules/{sid}"
    page = client.get(grid).get_data(as_text=True)
    if revision is None:
        revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    return client.post(f"{grid}/cell", data={
        "resident": resident, "block": str(block), "rotation": code,
        "revision": str(revision), "csrf_token": csrf_token(client, grid)},
        follow_redirects=True).get_data(as_text=True)


def test_the_grid_shows_every_resident_coverage_and_filters(client, draft):
    pid, sid = draft
    page = _page(client, pid, sid)
    for name in ("Ash Pellow", "Bea Moranti", "Cal Dunwich"):
        assert name in page
    assert "no hard rule broken" in page
    assert page.count('class="coverage"') == 3  # one row per rotation
    assert 'class="out"' not in page
    assert "✈1" in page  # Ash's vacation week
    only_r1 = _page(client, pid, sid, "?level=R1")
    assert "Ash Pellow" in only_r1 and "Bea Moranti" not in only_r1


def test_changing_a_cell_says_at_once_what_it_breaks(app, client, draft):
    pid, sid = draft
    block = _block_of(app, sid, "bea", "SICU")
    page = _change(client, pid, sid, "bea", block, "IR")
    assert "Breaks:" in page and "SICU" in page
    assert re.search(r"\d+ hard rules? broken", page)
    # residents by name alone (the program file's ids are for its readers), dates in words
    assert "Bea Moranti" in page and "(bea)" not in page
    assert not re.search(r"\(from \d{4}-\d\d-\d\d\)", page)
    # Putting Cal on SICU in a block where Bea already is overfills it: the coverage row
    # turns red.
    page = _change(client, pid, sid, "bea", block, "SICU")
    assert "Fixed:" in page
    page = _change(client, pid, sid, "cal", block, "SICU")
    assert 'class="out"' in page and "Breaks:" in page
    with app.app_context():
        row = db.session.get(Schedule, sid)
        assert row.data["residents"]["cal"]["rotations"][block - 1] == "SICU"
        assert row.data["edited"] is True


def test_cell_changes_are_undone_from_the_grid_one_at_a_time(app, client, draft):
    """Two changes, then Undo twice: each puts back what the change replaced, newest
    first; nothing is left to undo after that. Once the draft moves on another way (someone
    else's change), no undo is offered."""
    pid, sid = draft
    block = _block_of(app, sid, "bea", "SICU")
    other = 1 if block != 1 else 2
    with app.app_context():
        was = db.session.get(Schedule, sid).data["residents"]["ash"]["rotations"][other - 1]
    page = _change(client, pid, sid, "bea", block, "IR")
    assert "Breaks:" in page
    assert f"Last change: Bea Moranti, block {block} is now IR." in page   # by name
    assert "Undo: put back SICU" in page
    now = "DR" if was != "DR" else "IR"
    page = _change(client, pid, sid, "ash", other, now)
    assert f"Last change: Ash Pellow, block {other} is now {now}." in page
    assert f"Undo: put back {was}" in page and "2 changes can be undone" in page
    grid = f"/programs/{pid}/schedules/{sid}"

    def undo(page: str) -> str:
        form = re.search(r'<form method="post" class="actions" id="undo-form".*?</form>',
                         page, re.S).group(0)
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
        return client.post(f"{grid}/cell", data=fields, follow_redirects=True).get_data(
            as_text=True)

    page = undo(page)
    assert f"Last change: Bea Moranti, block {block} is now IR." in page
    assert "Undo: put back SICU" in page and "changes can be undone" not in page
    page = undo(page)
    assert "Fixed:" in page and "No hard rule is broken by this change." in page
    assert "Undo: put back" not in page
    with app.app_context():
        rows = db.session.get(Schedule, sid).data["residents"]
        assert rows["bea"]["rotations"][block - 1] == "SICU"
        assert rows["ash"]["rotations"][other - 1] == was
    page = _change(client, pid, sid, "ash", other, now)
    assert f"Undo: put back {was}" in page
    with app.app_context():
        row = db.session.get(Schedule, sid)
        row.note = "changed elsewhere"
        db.session.commit()
    assert "Undo: put back" not in _page(client, pid, sid)


def test_undoing_every_edit_gives_the_solvers_draft_back_its_status(app, client, make_user):
    """A draft the solver proved optimal says "FEASIBLE (edited)" once a chief changes a
    cell, and "OPTIMAL" again once the chief's undo puts the cell back."""
    pid = chief_imports(app, client, make_user, TINY)
    done = _wait(app, _job_id(_generate(client, pid)))
    assert done["solver_status"] == "OPTIMAL", done
    sid = done["schedule_id"]
    block = _block_of(app, sid, "bea", "SICU")
    page = _change(client, pid, sid, "bea", block, "IR")
    assert "A schedule, not proven the best (edited)" in page
    page = _change(client, pid, sid, "bea", block, "SICU")
    assert "Best possible (proven) ·" in page and "(edited)" not in page
    with app.app_context():
        assert "edited" not in db.session.get(Schedule, sid).data


def test_an_edit_made_on_an_old_revision_is_refused(app, client, draft):
    pid, sid = draft
    block = _block_of(app, sid, "ash", "IR") if "IR" in _page(client, pid, sid) else 1
    _change(client, pid, sid, "ash", block, "DR")
    page = _change(client, pid, sid, "ash", block, "IR", revision=1)  # the stale revision
    assert "someone else changed this draft meanwhile" in page
    with app.app_context():
        assert db.session.get(Schedule, sid).data["residents"]["ash"]["rotations"][
            block - 1] == "DR"


def test_a_cell_change_normalises_names_and_refuses_what_no_chief_would_send(app, client,
                                                                            draft):
    pid, sid = draft
    # a look-alike code (full-width letters) is the code it looks like
    page = _change(client, pid, sid, "ash", 3, "\uff24\uff32")   # "ＤＲ"
    assert "Ash Pellow, block 3: now DR." in page
    with app.app_context():
        before = db.session.get(Schedule, sid).data
    refusals = {("ash", 3, "D" * 100_000): "Rotation: Field cannot be longer than 64",
                ("ash", 99, "IR"): "Block: Number must be between 1 and 13",
                ("ash", 3, "I\u200bR"): "Rotation: This holds an invisible or control character",
                ("nobody", 3, "IR"): "resident &#39;nobody&#39; is not in this schedule"}
    for (resident, block, code), said in refusals.items():
        page = _change(client, pid, sid, resident, block, code)
        assert "Not changed:" in page and said in page, (resident, block, code[:10])
        assert "D" * 200 not in page   # a huge name is refused, not echoed back
    with app.app_context():
        assert db.session.get(Schedule, sid).data == before


def test_publish_refuses_broken_drafts_then_versions_and_diffs(app, client, draft):
    pid, sid = draft
    grid = f"/programs/{pid}/schedules/{sid}"
    block = _block_of(app, sid, "bea", "SICU")
    _change(client, pid, sid, "bea", block, "IR")
    page = client.post(f"{grid}/publish", data={"csrf_token": csrf_token(client, grid)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Not published: it breaks" in page
    _change(client, pid, sid, "bea", block, "SICU")
    page = client.post(f"{grid}/publish", data={"csrf_token": csrf_token(client, grid)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Published as version 1" in page
    assert 'id="cell-form"' not in page  # a published version is read-only
    # a published version is compared with the version it replaced, not with itself
    page = client.get(f"{grid}/diff", follow_redirects=True).get_data(as_text=True)
    assert "There is no earlier published version to compare with." in page
    assert "against version 1" not in page
    page = client.post(f"{grid}/draft", data={"csrf_token": csrf_token(client, grid)},
                       follow_redirects=True).get_data(as_text=True)
    assert "New draft from version 1" in page
    with app.app_context():
        new = db.session.scalar(select(Schedule).where(Schedule.state == "draft"))
        new_id = new.id
    other = 1 if block != 1 else 2
    _change(client, pid, new_id, "ash", other, "SICU")
    diff = client.get(f"/programs/{pid}/schedules/{new_id}/diff").get_data(as_text=True)
    assert "1 cell(s) changed" in diff and "SICU" in diff
    # Publishing asks first, saying what it changes; blocks already worked are named
    page = client.get(f"/programs/{pid}/schedules/{new_id}").get_data(as_text=True)
    assert re.search(r'data-confirm="Publish draft #\d+ as the next version\? Residents see '
                     r'it at once\. 1 cell\(s\) differ from version 1\."', page)
    with app.app_context():
        year = services.program_year(db.session.get(Program, pid))
        draft_row, version_1 = db.session.get(Schedule, new_id), db.session.get(Schedule, sid)
        after_the_year = year.blocks[-1].end + timedelta(days=1)
        late = services.what_publishing_changes(year, draft_row, version_1, after_the_year)
        assert late.worked == [other]
        assert f"including blocks already worked ({other})" in late.question("draft")
        early = services.what_publishing_changes(year, draft_row, version_1,
                                                 year.blocks[0].start)
        assert early.worked == [] and "already worked" not in early.question("draft")
    assert "<td>Ash Pellow</td>" in diff  # people by name, not by id
    # Any two schedules compare from the page: the picker offers the others.
    picker = diff.split('id="compare"')[1].split("</form>")[0]
    assert f'value="{sid}"' in picker and f'value="{new_id}"' not in picker
    assert "No rotation changed" in client.get(
        f"/programs/{pid}/schedules/{new_id}/diff?against={new_id}").get_data(as_text=True)
    page = client.post(f"/programs/{pid}/schedules/{new_id}/publish",
                       data={"csrf_token": csrf_token(client, f"/programs/{pid}/schedules/"
                                                      f"{new_id}")},
                       follow_redirects=True).get_data(as_text=True)
    # Ash is an R1 and SICU takes R2s only: this draft cannot be published.
    assert "Not published: it breaks" in page
    with app.app_context():
        versions = db.session.scalars(select(Schedule.version).where(
            Schedule.program_id == pid, Schedule.state == "published")).all()
        assert versions == [1]


def test_faculty_see_published_versions_but_not_drafts(app, client, draft, make_user):
    pid, sid = draft
    with app.app_context():
        name = db.session.get(Program, pid).name
        published = Schedule(program_id=pid, state="published", version=1,
                             data=dict(db.session.get(Schedule, sid).data))
        db.session.add(published)
        db.session.commit()
        published_id = published.id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("faculty@example.org", name, "faculty")
    sign_in(client, "faculty@example.org")
    assert client.get(f"/programs/{pid}/schedules/{published_id}").status_code == 200
    assert client.get(f"/programs/{pid}/schedules/{sid}").status_code == 403
    listing = client.get(f"/programs/{pid}/schedules").get_data(as_text=True)
    assert "version 1" in listing and f"draft #{sid}" not in listing


def test_a_draft_is_discarded_and_a_version_never_is(app, client, draft):
    """The schedules page lists recent solves with their answers; a draft can be discarded
    (the solve keeps its record), a published version cannot."""
    from web.models import SolveJob

    pid, sid = draft
    with app.app_context():
        published = Schedule(program_id=pid, state="published", version=1,
                             data=dict(db.session.get(Schedule, sid).data))
        job = SolveJob(program_id=pid, state="done", program_toml="", solver_status="OPTIMAL",
                       objective=3, schedule_id=sid)
        db.session.add_all([published, job])
        db.session.commit()
        published_id, job_id = published.id, job.id
    listing = f"/programs/{pid}/schedules"
    page = client.get(listing).get_data(as_text=True)
    solves = page.split('id="solves"')[1]
    assert f"Solve #{job_id}" in solves and "best possible (proven), penalty 3" in solves
    assert f"draft #{sid}" in solves
    page = client.post(f"/programs/{pid}/schedules/{published_id}/discard",
                       data={"csrf_token": csrf_token(client, listing)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Not discarded: version 1 is published" in page
    page = client.post(f"/programs/{pid}/schedules/{sid}/discard",
                       data={"csrf_token": csrf_token(client, listing)},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Draft #{sid} discarded." in page
    with app.app_context():
        assert db.session.get(Schedule, sid) is None
        assert db.session.get(Schedule, published_id) is not None
        assert db.session.get(SolveJob, job_id).schedule_id is None


def test_the_tab_has_an_icon(client):
    for path in ("/favicon.ico", "/assets/icon.svg"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data


def test_the_charting_library_is_sent_compressed_and_kept_a_year(client):
    """A third of the full plotly bundle, compressed when the browser accepts it; pages
    themselves are never compressed (they hold a CSRF token: the BREACH attack)."""
    import gzip

    from web.assets import PLOTLY

    plain = client.get(f"/assets/{PLOTLY}")
    assert plain.status_code == 200 and plain.mimetype == "text/javascript"
    assert "max-age=31536000" in plain.headers["Cache-Control"]
    squeezed = client.get(f"/assets/{PLOTLY}", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert len(squeezed.data) < 600_000 < 1_400_000 < len(plain.data)
    assert gzip.decompress(squeezed.data) == plain.data
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers


def test_four_week_blocks_are_headed_by_the_day_they_start(app, client, make_user):
    """Block 1 of a 4-week year starting Thursday 1 July reads '1 Jul', block 2 '29 Jul' (not
    'Jul' twice), and each header's tooltip gives the block's days in words."""
    text = TINY.replace('year_start = 2027-07-01', 'year_start = 2027-07-01\ncalendar = "4-week"')
    pid = chief_imports(app, client, make_user, text)
    program = load_program_text(text).program
    answer = solve(program, SolveOptions(time_limit=10))
    with app.app_context():
        row = Schedule(program_id=pid, data=answer.as_dict(), note="generated")
        db.session.add(row)
        db.session.commit()
        sid = row.id
    page = _page(client, pid, sid)
    blocks = page[:page.index('<th class="who">Week</th>')]   # the block grid, not the weeks'
    heads = re.findall(r'<th title="([^"]*)">(\d+)<br><span class="hint">([^<]*)</span>', blocks)
    assert heads[0] == ("1 Jul – 28 Jul 2027", "1", "Jul")
    assert heads[1] == ("29 Jul – 25 Aug 2027", "2", "29 Jul")
    assert heads[-1][2] == "Jun" and len(heads) == 13   # 1 Jun 2028 (a leap year)


def test_the_penalty_is_shown_entry_by_entry_and_moved_weeks_are_counted(app, client,
                                                                         make_user):
    """The sample's penalty, costliest entry first, each with its rule in words and where it
    is not met; the parts add up to the total. A draft whose weeks away differ from the
    published version says so beside its changed cells (it said '0 cells differ')."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "samples" / "duke.toml").read_text()
    pid = chief_imports(app, client, make_user, text)
    program = load_program_text(text).program
    answer = solve(program, SolveOptions(time_limit=20))
    assert answer.objective and answer.objective > 0
    moved = answer.as_dict()
    rid = next(r for r, a in moved["residents"].items() if a["vacation_weeks"])
    week = moved["residents"][rid]["vacation_weeks"][0]
    moved["residents"][rid]["vacation_weeks"] = [
        w for w in moved["residents"][rid]["vacation_weeks"] if w != week] + [
        next(w for w in range(1, 52) if w not in moved["residents"][rid]["vacation_weeks"])]
    with app.app_context():
        db.session.add(Schedule(program_id=pid, data=answer.as_dict(), note="generated",
                                state="published", version=1))
        row = Schedule(program_id=pid, data=moved, note="weeks moved")
        db.session.add(row)
        db.session.commit()
        sid = row.id
    page = _page(client, pid, sid)
    parts = re.search(r'<details id="penalty-parts"><summary>What the penalty of (\d+) is made '
                      r'of</summary>(.*?)</details>', page, re.S)
    assert parts is not None
    costs = [int(c) for c in re.findall(r'<tr data-source="[^"]+"><td class="num">(\d+)</td>',
                                        parts.group(2))]
    assert sum(costs) == int(parts.group(1)) and costs == sorted(costs, reverse=True)
    assert "not granted" in parts.group(2)
    assert re.search(r'id="differ">0 cells and the weeks away of 1 resident differ from '
                     r'version 1<', page), re.search(r'id="differ">[^<]*', page)
    # night float weeks are on the printout and in the workbook's grid too, not only on
    # the screen; the screen's tooltips give a week's dates, not its number
    nights = sum(len(a.services.get("NF", [])) for a in answer.residents.values())
    assert nights > 0
    printed = client.get(f"/programs/{pid}/schedules/{sid}/print").get_data(as_text=True)
    assert printed.count("☾NF") >= 1 and "☾NF×n = weeks on a weekly service" in printed
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(client.get(f"/programs/{pid}/schedules/{sid}/schedule.xlsx"
                                               ).data))
    cells = [str(c.value) for row in book["Grid"].iter_rows(min_row=3) for c in row[3:]]
    assert any("NF " in c for c in cells)
    assert re.search(r'<span class="svc" title="NF \d{1,2} [A-Z][a-z]{2}( \d{4})? – \d{1,2} '
                     r'[A-Z][a-z]{2} \d{4}">', page)
    assert 'title="vacation week' not in page


def test_publishing_names_whose_booked_weeks_move_and_weeks_away_that_begin_soon(app,
                                                                                 draft):
    """A re-solved draft that moves Ash's vacation to a week beginning in three days: the
    confirmation before publishing names Ash, and says that week begins soon (browser
    walk-through: a re-solve moved someone's vacation to the next day, and the question
    said only "for 2 resident(s)")."""
    pid, sid = draft
    with app.app_context():
        version_1 = db.session.get(Schedule, sid)
        version_1.state, version_1.version = "published", 1
        data = copy.deepcopy(version_1.data)
        year = services.program_year(db.session.get(Program, pid))
        old = data["residents"]["ash"]["vacation_weeks"]
        week = next(w for w in range(2, year.calendar.num_weeks) if w not in old)
        data["residents"]["ash"]["vacation_weeks"] = [week]
        moved = Schedule(program_id=pid, data=data, note="re-solved")
        db.session.add(moved)
        db.session.commit()
        today = year.calendar.week_start(week) - timedelta(days=3)
        publishing = services.what_publishing_changes(year, moved, version_1, today)
        assert publishing.moved == ["Ash Pellow"]
        start = year.calendar.week_start(week)
        question = publishing.question("draft")
        assert "booked vacation or service weeks move for 1 resident (Ash Pellow)" in question
        assert (f"Weeks away that begin within 14 days: Ash Pellow: vacation from "
                f"{start.day} {start:%b %Y}.") in question
        later = services.what_publishing_changes(year, moved, version_1,
                                                 start - timedelta(days=30))
        assert later.soon == [] and "begin within" not in later.question("draft")
