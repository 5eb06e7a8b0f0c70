"""Security findings of issue 18 beyond F1, each shown by what an attacker (or a careless
user) would try: nobody verifies their own case (F11), downloads keep any program name in
their file name (F9), a program file cannot exhaust the parser (F10), chart labels stay text
(F13)."""

from __future__ import annotations

import html
import json
import re
from datetime import date

from sqlalchemy import select
from web_support import csrf_token, log_case, post_form, program_id, sign_in, type_id, upload

from web.extensions import db
from web.models import Case, CaseProcedure, ProcedureCategory, Program, Resident, User


def _ash_is_faculty_too(app, make_user) -> int:
    """Resident Ash also holds the faculty role; Ash's account id."""
    make_user("ash@example.org", "Tiny IR", "faculty")
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "ash@example.org"))


def test_a_resident_with_the_faculty_role_cannot_verify_their_own_case(
        app, client, cases, make_user):
    ash = _ash_is_faculty_too(app, make_user)
    pid = cases["id"]
    sign_in(client, "ash@example.org")
    form = client.get(f"/programs/{pid}/my/cases").get_data(as_text=True)
    offered = re.search(r'<select[^>]*name="attending".*?</select>', form, re.S).group(0)
    assert f'value="{cases["faculty"]}"' in offered
    assert f'value="{ash}"' not in offered                  # not offered as attending
    page = log_case(client, pid, primary=str(type_id(app, "EMBO-TUMOR")), attending=str(ash))
    assert "Not a valid choice" in page or "choose one of the program&#39;s faculty" in page
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None

    # A case that names Ash as its attending (made before this rule) is not Ash's to verify.
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        case = Case(program_id=pid, resident=resident, day=date.today(), attending_id=ash,
                    procedures=[CaseProcedure(type_id=type_id(app, "EMBO-TUMOR"),
                                              primary=True)])
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    page = post_form(client, f"/programs/{pid}/cases/{case_id}/verify",
                     f"/programs/{pid}/verify", action="verify")
    page = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "nobody verifies their own case" in page
    with app.app_context():
        assert db.session.get(Case, case_id).state == "pending"


def test_an_import_cannot_name_the_resident_as_their_own_attending(app, client, cases,
                                                                   make_user):
    _ash_is_faculty_too(app, make_user)
    pid = cases["id"]
    sign_in(client, "ash@example.org")
    rows = (f"date,procedure,attending\n{date.today().isoformat()},EMBO-TUMOR,"
            "ash@example.org\n")
    page = upload(client, f"/programs/{pid}/my/cases/import", "file", "mine.csv", rows
                  ).get_data(as_text=True)
    assert "a resident cannot be the attending of their own case" in page
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None


def test_downloads_carry_any_program_name_in_their_file_name(app, client, cases, make_user):
    pid = cases["id"]
    with app.app_context():
        db.session.get(Program, pid).name = "Ünïversité Hôpital IR — 東京"
        db.session.commit()
    make_user("pd@example.org", "Ünïversité Hôpital IR — 東京", "program_director")
    sign_in(client, "pd@example.org")
    response = client.get(f"/programs/{pid}/program.toml")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and "%C3%9Cn" in disposition
    disposition.encode("latin-1")   # a header any server can send


def test_a_nested_or_oversized_program_file_is_refused_with_a_message(app, client,
                                                                     make_user):
    make_user("chief@example.org", "Tiny", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Tiny")
    nested = "format = 1\nbomb = " + "[" * 50_000 + "]" * 50_000 + "\n"
    response = upload(client, f"/programs/{pid}/import", "file", "bomb.toml", nested)
    assert response.status_code == 200
    assert "nests brackets 50000 deep" in response.get_data(as_text=True)
    app.config["PROGRAM_FILE_MAX_BYTES"] = 100_000     # the installation's limit
    huge = "format = 1\n" + "# padding\n" * 20_000
    response = upload(client, f"/programs/{pid}/import", "file", "huge.toml", huge)
    assert "a program file may have at most 100,000" in response.get_data(as_text=True)


def test_a_chart_shows_a_link_typed_into_a_category_name_as_text(app, client, cases,
                                                                 make_user):
    link = '<a href="https://attacker.example/">Click</a>'
    with app.app_context():
        category = db.session.scalar(select(ProcedureCategory).where(
            ProcedureCategory.program_id == cases["id"]).order_by(ProcedureCategory.position))
        category.name = link
        db.session.commit()
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "EMBO-TUMOR")))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    page = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
    columns = json.loads(re.search(r"x: (\[.*?\]),", page).group(1))
    assert html.escape(link, quote=False) in columns and link not in columns
    series = json.loads(re.search(r'Plotly.newPlot\("volume", (\[.*?\])\.map', page).group(1))
    assert all("<" not in s["name"] for s in series)
