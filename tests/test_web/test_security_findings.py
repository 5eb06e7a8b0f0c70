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


def test_every_upload_route_refuses_a_body_over_the_limit(app, client, cases, make_user):
    """F2, F3: every upload has a body-size limit (MAX_CONTENT_LENGTH), answered with 413 and
    words, before the file is read."""
    pid = cases["id"]
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    body = b"date,procedure\n" + b"x" * 150_000
    for route, form_page in ((f"/programs/{pid}/import", None),
                             (f"/programs/{pid}/residents/import", f"/programs/{pid}/residents"),
                             (f"/programs/{pid}/case-logs/import", None)):
        response = upload(client, route, "file", "big.csv", body, form_page)
        assert response.status_code == 413, route
        assert "exceeds the capacity limit" in response.get_data(as_text=True)


def test_patient_information_is_refused_in_every_free_text_field_on_every_path(
        app, client, cases, make_user):
    """F6: notes and site (form, API, import), a favourite's name, a return comment."""
    from web.accounts import create_token

    pid = cases["id"]
    primary = str(type_id(app, "EMBO-TUMOR"))
    sign_in(client, "ash@example.org")
    page = log_case(client, pid, primary=primary, notes="pt Maria Lopez, tolerated well")
    assert "this looks like a person&#39;s name (pt Maria)" in page
    page = log_case(client, pid, primary=primary, site="call 919 555 0142")
    assert "this looks like a phone number (919 555 0142)" in page
    rows = f"date,procedure,notes\n{date.today().isoformat()},EMBO-TUMOR,MRN 4411\n"
    page = upload(client, f"/programs/{pid}/my/cases/import", "file", "mine.csv", rows
                  ).get_data(as_text=True)
    assert "row 2: notes: this looks like a medical record or accession number" in page
    answer = post_form(client, f"/programs/{pid}/my/favourites", f"/programs/{pid}/my/cases",
                       name="Mrs Jones PICC", primary=primary)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Not saved as a favourite: this looks like a person&#39;s name (Mrs Jones)" in page
    with app.app_context():
        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        token = create_token(ash, "phone app")
        db.session.commit()
    api = app.test_client().post(f"/api/v1/programs/{pid}/cases", json={
        "day": date.today().isoformat(), "primary": "EMBO-TUMOR",
        "notes": "daughter anna.b@gmail.com"}, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 422 and "e-mail address" in api.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None

    # A case logged cleanly, returned by its attending with a comment naming the patient.
    log_case(client, pid, primary=primary, attending=str(cases["faculty"]), notes="uneventful")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "dr.quill@example.org")
    with app.app_context():
        case_id = db.session.scalar(select(Case.id))
    answer = post_form(client, f"/programs/{pid}/cases/{case_id}/verify",
                       f"/programs/{pid}/verify", action="return",
                       comment="this was John Smith's case, not yours")
    assert answer.status_code == 422        # the queue again, the comment kept to reword
    page = answer.get_data(as_text=True)
    assert "this looks like a person&#39;s name (John Smith&#39;s)" in page
    with app.app_context():
        assert db.session.get(Case, case_id).state == "pending"


def test_a_program_over_the_installations_limits_is_refused_on_import(app, client,
                                                                      make_user):
    """F3: limits.residents in config.toml caps a program, named with the value."""
    from test_solving import TINY

    from scheduler.config import Settings
    from scheduler.limits import Limits

    make_user("chief@example.org", "Tiny", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Tiny")
    app.config["SOLVER_SETTINGS"] = Settings(limits=Limits(residents=2))
    page = upload(client, f"/programs/{pid}/import", "file", "tiny.toml", TINY
                  ).get_data(as_text=True)
    assert "3 resident entries; this installation takes at most 2 per program" in page
    with app.app_context():
        assert db.session.scalar(select(Resident.id).where(Resident.program_id == pid)) is None


def test_a_role_for_an_address_that_already_has_an_account_is_given_only_once_confirmed(
        app, client, make_user):
    """Gamma's director made an account for someone else's address and signed in with its
    temporary password (an outside tester's attack); when Duke's director later gives that
    address a role, the page says the account exists, whose password it has and what the
    role would let it see, and gives nothing until asked again. An address with a role in
    the program already is given another one at once."""
    from web.models import Membership

    make_user("taken@example.org", "Gamma IR", "faculty")
    make_user("pd@example.org", "Duke IR", "program_director")
    make_user("fac@example.org", "Duke IR", "faculty")
    pid = program_id(app, "Duke IR")
    sign_in(client, "pd@example.org")
    people = f"/programs/{pid}/people"
    page = post_form(client, people, email="Taken@Example.org", name="", role="chief")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "taken@example.org already has an account" in text
    assert "Whoever holds that password will see this program as chief resident" in text
    assert 'value="Give the role anyway"' in text

    def roles(email: str) -> list[str]:
        with app.app_context():
            return db.session.scalars(select(Membership.role).join(User).where(
                User.email == email, Membership.program_id == pid)).all()

    assert roles("taken@example.org") == []
    existing = re.search(r'name="existing" type="hidden" value="([^"]*)"', text).group(1)
    assert existing == "taken@example.org"
    # asked again without the tick (Enter pressed twice): still nothing, and said why
    page = post_form(client, people, email="Taken@Example.org", name="", role="chief",
                     existing=existing)
    assert "Tick this to give the role to that account" in page.get_data(as_text=True)
    assert roles("taken@example.org") == []
    page = post_form(client, people, email="Taken@Example.org", name="", role="chief",
                     existing=existing, confirm="y")
    assert page.status_code == 302 and roles("taken@example.org") == ["chief"]
    # one who already works in the program: no question
    assert post_form(client, people, email="fac@example.org", name="",
                     role="chief").status_code == 302
    assert sorted(roles("fac@example.org")) == ["chief", "faculty"]


def test_a_new_resident_account_comes_with_how_to_link_it_to_the_record(app, client,
                                                                        make_user):
    """A resident's account shows nothing until it is linked to their record: the page with
    the temporary password says where that is done (a walk-through found the resident
    told only 'ask your chief residents')."""
    make_user("pd@example.org", "Duke IR", "program_director")
    pid = program_id(app, "Duke IR")
    sign_in(client, "pd@example.org")
    people = f"/programs/{pid}/people"
    page = post_form(client, people, email="new.res@example.org", name="Nia Res",
                     role="resident").get_data(as_text=True)
    assert 'id="temporary-password"' in page
    assert 'id="link-record"' in page and f"/programs/{pid}/residents" in page
    page = post_form(client, people, email="new.doc@example.org", name="Noor Doc",
                     role="faculty").get_data(as_text=True)
    assert 'id="temporary-password"' in page and 'id="link-record"' not in page
