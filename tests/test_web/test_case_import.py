"""Case-log import (CSV and Excel; all or nothing, every bad row named, idempotent) and the
export in the ACGME Case Log form's fields with the "entered in ACGME" mark."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import func, select
from web_support import csrf_token, log_case, sign_in, type_id, upload

from web.cases.imports import ACGME_COLUMNS
from web.extensions import db
from web.models import Case

TODAY = date.today()


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _count(app, **where) -> int:
    with app.app_context():
        query = select(func.count(Case.id))
        for name, value in where.items():
            query = query.where(getattr(Case, name) == value)
        return db.session.scalar(query)


def _import(client, path: str, filename: str, content) -> tuple[int, str]:
    response = upload(client, path, "file", filename, content)
    return response.status_code, response.get_data(as_text=True)


def test_a_residents_spreadsheet_imports_once(app, client, cases):
    sign_in(client, "ash@example.org")
    day = (TODAY - timedelta(days=1)).isoformat()
    text = _csv([
        ["Procedure Date", "Procedure", "Other procedures", "Resident Role", "Attending",
         "Comments", "Pager"],
        [day, "PARACENTESIS", "", "primary", "dr.quill@example.org", "", "x"],
        [day, "PARACENTESIS", "", "primary", "dr.quill@example.org", "", "x"],  # a 2nd one
        [day, "Uterine fibroid embolization", "ANGIO-ARTERIAL; EMBO-OTHER", "assistant", "",
         "no patient details", ""],
    ])
    path = f"/programs/{cases['id']}/my/cases/import"
    status, page = _import(client, path, "mine.csv", text)
    assert status == 200, page[:2000]
    assert "3 case(s) added" in page and "Columns not read: Pager" in page
    status, page = _import(client, path, "mine.csv", text)   # the same file again
    assert status == 200 and "0 case(s) added; 3 already imported" in page
    assert _count(app) == 3
    with app.app_context():
        embo = db.session.scalar(select(Case).where(Case.role == "assistant"))
        assert [p.type.code for p in embo.procedures] == ["UFE", "ANGIO-ARTERIAL",
                                                          "EMBO-OTHER"]
        assert embo.state == "pending" and embo.rotation   # rotation from the schedule
    progress = client.get(f"/programs/{cases['id']}/my/progress").get_data(as_text=True)
    assert "Embolization (example)" in progress and "39 to go" in progress


def test_bad_rows_change_nothing_and_every_one_is_named(app, client, cases):
    sign_in(client, "ash@example.org")
    day = TODAY.isoformat()
    text = _csv([
        ["date", "procedure", "attending", "reference", "role", "complications"],
        [day, "PICC", "", "K7", "primary", "none"],                        # row 2: fine
        [day, "BRAIN-SURGERY", "", "", "primary", "none"],                  # row 3
        [day, "PICC", "", "John Smith", "primary", "none"],                 # row 4
        [(TODAY + timedelta(days=3)).isoformat(), "PICC", "", "", "", ""],  # row 5
        [day, "PICC", "Dr Nobody", "", "driver", "some"],                   # row 6
        ["31/31/2027", "PICC", "", "", "", ""],                             # row 7
    ])
    # row 8: a site the form would not take (an attacker's 120,000 characters, which the
    # patient-information check once took a minute to read)
    text += f"{day},PICC,,,primary,none,{'A1' * 60_000}\r\n"
    text = text.replace("complications\r\n", "complications,site\r\n", 1)
    status, page = _import(client, f"/programs/{cases['id']}/my/cases/import", "bad.csv",
                           text)
    assert status == 422
    assert "Nothing was imported" in page
    for expected in ("row 3: procedure: &#39;BRAIN-SURGERY&#39; is not in the program",
                     "row 4: reference: this looks like a name",
                     "row 5: date: a case cannot be in the future",
                     "row 6: role: &#39;driver&#39; is not one of",
                     "row 6: attending: &#39;Dr Nobody&#39; is not one of the program",
                     "row 6: complications: &#39;some&#39;",
                     "row 7: date: &#39;31/31/2027&#39; is not a date",
                     "row 8: site: longer than 200 characters"):
        assert expected in page, expected
    assert "row 2" not in page and "John Smith" not in page   # PHI is never echoed
    assert _count(app) == 0


def test_a_resident_imports_only_their_own_cases(app, client, cases):
    sign_in(client, "ash@example.org")
    text = _csv([["date", "resident", "procedure"], [TODAY.isoformat(), "bea", "PICC"]])
    status, page = _import(client, f"/programs/{cases['id']}/my/cases/import", "x.csv", text)
    assert status == 422 and "row 2: resident: &#39;bea&#39; is not you" in page
    status, page = _import(client, f"/programs/{cases['id']}/my/cases/import", "x.xlsx",
                           b"not a workbook")
    assert status == 422 and "not a readable Excel workbook" in page
    assert _count(app) == 0


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_program_staff_import_an_excel_export_of_several_residents(app, client, cases,
                                                                   make_user):
    rows = [["Resident", "Date", "CPT code", "Status", "Entered in ACGME"],
            ["ash", TODAY - timedelta(days=10), "PICC", "verified", "yes"],
            ["Bea Moranti", TODAY - timedelta(days=9), "BIOPSY-LIVER", "verified", "no"],
            ["bea", TODAY - timedelta(days=8), "BIOPSY-LUNG", "", ""]]
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    status, page = _import(client, f"/programs/{cases['id']}/case-logs/import", "old.xlsx",
                           _workbook(rows))
    assert status == 200, page[:3000]
    assert "3 case(s) added" in page
    assert _count(app, state="verified") == 2 and _count(app, entered_in_acgme=True) == 1
    audit = client.get(f"/programs/{cases['id']}/audit?action=case.verified").get_data(
        as_text=True)   # the director vouched for two cases: the audit log says so
    assert "pd@example.org" in audit and "2 cases imported from old.xlsx" in audit
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    # A chief sets up and solves, but does not vouch for cases: "verified" is refused.
    sign_in(client, "chief@example.org")
    status, page = _import(client, f"/programs/{cases['id']}/case-logs/import", "old.xlsx",
                           _workbook([rows[0], ["ash", TODAY, "PICC", "verified", ""]]))
    assert status == 422
    assert "row 2: status: only program staff may import cases as verified" in page
    assert _count(app) == 3


def test_the_acgme_export_lists_cases_not_yet_entered(app, client, cases):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "PICC")),
             attending=str(cases["faculty"]), site="VA Medical Center")
    log_case(client, cases["id"], primary=str(type_id(app, "NEPHROSTOMY")),
             others=[str(type_id(app, "ANGIO-VENOUS"))])
    export = f"/programs/{cases['id']}/my/cases/acgme.csv"
    rows = list(csv.reader(io.StringIO(client.get(export).get_data(as_text=True))))
    assert tuple(rows[0]) == ACGME_COLUMNS and len(rows) == 3
    picc = dict(zip(ACGME_COLUMNS, rows[1], strict=True))
    assert picc["Primary Procedure"] == "PICC line" and picc["Institution"] == \
        "VA Medical Center" and picc["Resident Role"] == "primary"
    assert picc["Attending"] == "dr.quill@example.org" and picc["Entered in ACGME"] == "no"
    assert dict(zip(ACGME_COLUMNS, rows[2], strict=True))["Other Procedures"] == "Venography"

    with app.app_context():
        picc_id = db.session.scalar(select(Case.id).order_by(Case.id))
    page = client.post(f"/programs/{cases['id']}/my/cases/acgme",
                       data={"case": [str(picc_id)], "action": "mark",
                             "csrf_token": csrf_token(client, f"/programs/{cases['id']}/my/cases")},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 case(s) marked as entered in ACGME" in page
    rows = list(csv.reader(io.StringIO(client.get(export).get_data(as_text=True))))
    assert [r[8] for r in rows[1:]] == ["Nephrostomy"]           # only the one not entered
    every = list(csv.reader(io.StringIO(client.get(export + "?all=1").get_data(as_text=True))))
    assert [r[-1] for r in every[1:]] == ["yes", "no"]


def test_a_large_file_goes_in_whole_once(app, client, cases, make_user):
    """Above bulk.COPY_FROM rows PostgreSQL takes the COPY path: same answers as VALUES."""
    from web.bulk import COPY_FROM
    from web.models import CaseProcedure

    count = COPY_FROM + 100
    rows = [["resident", "date", "procedure", "other procedures", "status"]] + [
        ["ash" if i % 2 else "bea", (TODAY - timedelta(days=i % 300)).isoformat(),
         "UFE" if i % 3 else "MAMMO-SCREEN", "ANGIO-ARTERIAL" if i % 3 else "", "verified"]
        for i in range(count)]
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    for expected in (f"{count} case(s) added", f"0 case(s) added; {count} already imported"):
        status, page = _import(client, f"/programs/{cases['id']}/case-logs/import",
                               "big.csv", _csv(rows))
        assert status == 200 and expected in page
    with app.app_context():
        assert db.session.scalar(select(func.count(CaseProcedure.id))) == count + sum(
            1 for i in range(count) if i % 3)
    page = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
    ash = page.split('data-resident="ash"')[1].split("</tr>")[0]
    assert f'<td class="num total">{count // 2}</td>' in ash
