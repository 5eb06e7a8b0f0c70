"""Hostile text typed into pages: a NUL character is refused before any view (PostgreSQL could
not store it; SQLite would), and text a spreadsheet would run as a formula leaves our exports
as plain text (and comes back from an import as it was logged)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select
from test_solving import TINY
from web_support import (
    chief_imports,
    csrf_token,
    log_case,
    post_form,
    sign_in,
    solved_draft,
    type_id,
    upload,
)

from web.extensions import db
from web.models import Case, Program

FORMULA = '=HYPERLINK("http://example.org/x","open me")'


def test_a_nul_character_in_a_form_is_refused_and_nothing_changes(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    settings = f"/programs/{pid}/settings"
    page = client.get(settings).get_data(as_text=True)
    assert 'value="Tiny IR"' in page
    response = post_form(client, settings, name="Tiny\x00IR", year_start="2027-07-01",
                         calendar="months", levels="R1, R2", tracks="IR", vacation_weeks="1",
                         max_vacation_weeks_per_block="1", change_weight="10")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get(f"/programs/{pid}/settings?q=a\x00").status_code == 400
    with app.app_context():
        assert db.session.get(Program, pid).name == "Tiny IR"


def test_a_nul_character_in_a_case_note_logs_nothing(app, client, cases):
    sign_in(client, "ash@example.org")
    page = log_case(client, cases["id"], primary=str(type_id(app, "PICC")), notes="ok\x00")
    assert "NUL character" in page
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None


def test_formula_text_leaves_the_case_export_as_text_and_imports_back_unchanged(
        app, client, cases):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "PICC")), notes=FORMULA,
             site="+VA Medical Center")
    export = client.get(f"/programs/{cases['id']}/my/cases/acgme.csv").get_data(as_text=True)
    row = dict(zip(*list(csv.reader(io.StringIO(export)))[:2], strict=True))
    assert row["Notes"] == "'" + FORMULA and row["Institution"] == "'+VA Medical Center"
    assert row["Procedure Date"][0].isdigit()   # dates and names are left alone

    day = row["Procedure Date"]
    out = io.StringIO()
    csv.writer(out).writerows([["date", "procedure", "notes"], [day, "PICC", "'" + FORMULA]])
    text = out.getvalue()
    response = upload(client, f"/programs/{cases['id']}/my/cases/import", "file", "mine.csv",
                      text)
    body = response.get_data(as_text=True)
    assert "Imported 1 case(s)" in body, body[body.find("<main>"):][:1500]
    with app.app_context():
        notes = db.session.scalars(select(Case.notes).order_by(Case.id)).all()
    assert notes == [FORMULA, FORMULA]


def test_formula_text_in_names_is_a_text_cell_in_the_schedule_workbook(app, client, make_user):
    program = TINY.replace('name = "Ash Pellow"', 'name = "=1+1 Ash"')
    pid = chief_imports(app, client, make_user, program)
    sid = solved_draft(app, pid, program)
    response = client.get(f"/programs/{pid}/schedules/{sid}/schedule.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    names = [c for c in book["Grid"]["A"] if c.value == "=1+1 Ash"]
    assert names and all(c.data_type == "s" for c in names)


def test_an_id_a_spreadsheet_would_run_is_text_in_the_schedule_csv(app, client, make_user):
    program = TINY.replace('"ash"', '"-ash"')
    pid = chief_imports(app, client, make_user, program)
    sid = solved_draft(app, pid, program)
    response = client.get(f"/programs/{pid}/schedules/{sid}/schedule.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["resident", "block", "start", "end", "rotation", "vacation_weeks",
                       "services"]
    residents = {r[0] for r in rows[1:]}
    assert residents == {"'-ash", "bea", "cal"}       # shown as the text -ash, never run


def test_numbers_no_id_can_be_are_refused_or_ignored_never_a_server_error(
        app, client, cases, make_user):
    """'²' passes str.isdigit but is no number, and 99999999999999999999 is beyond any id the
    database can hold: in a query string or a form they are ignored or not found, never an
    error of the server (an outside tester's requests, each once a 500)."""
    from web.models import Schedule

    pid = cases["id"]
    huge = "99999999999999999999"
    with app.app_context():
        schedule_id = db.session.scalar(select(Schedule.id).where(Schedule.program_id == pid))
    sign_in(client, "ash@example.org")
    for value in ("²", huge, "-1"):
        page = f"/programs/{pid}/my/cases"
        assert client.get(f"{page}?favourite={value}").status_code in (200, 404), value
        assert client.get(f"{page}?twin={value}").status_code == 200, value
        assert post_form(client, f"/programs/{pid}/my/cases/acgme", page,
                         case=value).status_code == 302, value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    wishes = f"/programs/{pid}/case-logs/wishes"
    for value in ("²", huge):
        assert post_form(client, wishes, weight=value, pick=f"{value}:IR:1").status_code < 500
        assert post_form(client, wishes, weight="1", pick=f"1:IR:{value}").status_code < 500
        assert client.get(f"/programs/{pid}/schedules/{schedule_id}/diff?against={value}"
                          ).status_code < 500
        assert client.get(f"/programs/{pid}/audit?before={value}").status_code == 200
        assert client.get(f"/programs/{pid}/case-logs/catalogue/types/new?category={value}"
                          ).status_code < 500
    assert client.get(f"/programs/{huge}/").status_code == 404
