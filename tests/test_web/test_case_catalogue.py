"""The case-log catalogue and targets, edited per program (checked by caselog's models, counts
following a procedure type to its new category), and residents' favourite cases."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import func, select
from web_support import csrf_token, log_case, post_form, sign_in, type_id

from web.cases import tally
from web.extensions import db
from web.models import (
    CaseFavourite,
    CaseTarget,
    ProcedureCategory,
    ProcedureType,
    Program,
    Resident,
    User,
)


def category_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ProcedureCategory.id).where(
            ProcedureCategory.code == code))


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def manager(client, make_user, email: str = "pd@example.org"):
    """Sign in as the program's program director."""
    make_user(email, "Tiny IR", "program_director")
    sign_in(client, email)


def catalogue_state(app) -> tuple:
    """Everything of the catalogue, to show that a refused change left it as it was."""
    with app.app_context():
        cats = db.session.execute(select(ProcedureCategory.code, ProcedureCategory.name,
                                         ProcedureCategory.kind).order_by(
            ProcedureCategory.id)).all()
        types = db.session.execute(select(ProcedureType.code, ProcedureType.name,
                                          ProcedureType.cpt, ProcedureType.category_id)
                                   .order_by(ProcedureType.id)).all()
        targets = db.session.scalars(select(CaseTarget.entry).order_by(CaseTarget.id)).all()
        return [tuple(c) for c in cats], [(*t[:2], list(t[2]), t[3]) for t in types], targets


def field_errors(page: str) -> list[str]:
    """The messages shown on form fields."""
    return [html.unescape(m) for m in re.findall(
        r'<div class="errors" role="alert">(.*?)</div>', page)]


def followed(client, path: str, form_page: str, **fields):
    """Post a form as a browser would and follow the redirect to the page it lands on."""
    return client.post(path, data={**fields, "csrf_token": csrf_token(client, form_page)},
                       follow_redirects=True)


def edit_type(client, pid: int, tid: int | None, **fields):
    path = f"/programs/{pid}/case-logs/catalogue/types/{tid if tid else 'new'}"
    return post_form(client, path, **fields)


def test_the_catalogue_page_lists_types_and_targets_in_words(app, client, cases, make_user):
    manager(client, make_user)
    page = html.unescape(client.get(f"/programs/{cases['id']}/case-logs/catalogue")
                         .get_data(as_text=True))
    assert "Tunneled central venous catheter" in page and 'data-type="PICC"' in page
    assert ("ESIR track: 500 procedures (confirmed: ACGME ESIR guidelines" in page)
    assert ("All tracks: 240 cases of Mammography interpretations within any 6 months of "
            "the last 2 years of residency (confirmed: FDA MQSA") in page
    embolization = page.split("IR track: 40 cases of Embolization")[1].split("</tr>")[0]
    assert '<strong class="bad example">example</strong>' in embolization


def test_editing_a_types_cpt_codes_shows_them_on_the_catalogue_page(app, client, cases,
                                                                     make_user):
    manager(client, make_user)
    response = edit_type(client, cases["id"], type_id(app, "PICC"), code="PICC",
                         name="PICC line", category=str(category_id(app, "ACCESS")),
                         cpt="36556, 0075t 36569")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/programs/{cases['id']}/case-logs/catalogue").get_data(as_text=True)
    row = page.split('data-type="PICC"')[1].split("</tr>")[0]
    assert '<td class="cpt">36556, 0075T, 36569</td>' in row
    form = client.get(f"/programs/{cases['id']}/case-logs/catalogue/types/"
                      f"{type_id(app, 'PICC')}").get_data(as_text=True)
    assert 'value="36556, 0075T, 36569"' in form


def test_a_bad_cpt_code_is_refused_on_its_field_and_nothing_changes(app, client, cases,
                                                                     make_user):
    manager(client, make_user)
    before = catalogue_state(app)
    response = edit_type(client, cases["id"], type_id(app, "PICC"), code="PICC",
                         name="PICC line", category=str(category_id(app, "ACCESS")),
                         cpt="36556, 3655, ABCDE")
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True))
    assert "'3655' is not a CPT code: five characters: four digits, then a digit or a " \
           "capital letter (36556, 0075T)" in errors
    assert any(e.startswith("'ABCDE' is not a CPT code") for e in errors)
    assert "Traceback" not in response.get_data(as_text=True)
    assert catalogue_state(app) == before


def test_a_code_used_twice_is_refused_on_its_field_and_nothing_changes(app, client, cases,
                                                                       make_user):
    manager(client, make_user)
    before = catalogue_state(app)
    page = edit_type(client, cases["id"], None, code="PICC", name="Another PICC",
                     category=str(category_id(app, "BIOPSY"))).get_data(as_text=True)
    assert field_errors(page) == ["code PICC is already used by procedure type PICC line (PICC)"]
    # a category may not take a procedure type's code, nor another category's
    for code, owner in (("PICC", "procedure type PICC line (PICC)"),
                        ("EMBO", "category Embolization (EMBO)")):
        page = post_form(client, f"/programs/{cases['id']}/case-logs/catalogue/categories/new",
                         code=code, name="Twice", kind="procedure").get_data(as_text=True)
        assert field_errors(page) == [f"code {code} is already used by {owner}"]
    page = post_form(client, f"/programs/{cases['id']}/case-logs/catalogue/categories/new",
                     code="NEW CODE", name="New", kind="procedure").get_data(as_text=True)
    assert "use only letters, digits, '-' and '_' (no spaces)" in field_errors(page)
    assert catalogue_state(app) == before


def test_a_target_with_a_category_and_a_kind_is_refused_and_nothing_changes(app, client,
                                                                             cases, make_user):
    manager(client, make_user)
    before = catalogue_state(app)
    path = f"/programs/{cases['id']}/case-logs/catalogue/targets/new"
    page = post_form(client, path, name="Drains", count="30", category="DRAINAGE",
                     kind="procedure").get_data(as_text=True)
    assert field_errors(page) == [
        "a target counts one category or one kind, not both: leave one blank"]
    assert 'aria-invalid="true"' in re.search(r'<select[^>]*name="category"[^>]*>',
                                              page).group(0)
    page = post_form(client, path, name="Drains", count="30", category="DRAINAGE",
                     last_years="2").get_data(as_text=True)
    assert field_errors(page) == [
        "“in the last years” needs a window: give the window in months too"]
    page = post_form(client, path, name="Drains", count="0", tracks="IR, XR"
                     ).get_data(as_text=True)
    assert field_errors(page) == ["no track XR in this program (its tracks: IR)"]
    page = post_form(client, path, name="Drains", count="0").get_data(as_text=True)
    assert field_errors(page) == ["at least 1"]
    assert catalogue_state(app) == before

    response = post_form(client, path, name="Drains", count="30", category="DRAINAGE",
                         tracks="IR", source="our program")
    assert response.status_code == 302
    page = html.unescape(client.get(f"/programs/{cases['id']}/case-logs/catalogue")
                         .get_data(as_text=True))
    assert "IR track: 30 cases of Drainage" in page


def test_moving_a_used_type_to_another_category_moves_the_dashboard_counts(app, client, cases,
                                                                            make_user):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "EMBO-TUMOR")))
    sign_out(client)
    manager(client, make_user)

    def ash_counts():
        page = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
        heat = json.loads(re.search(r"const counts = (\[\[.*?\]\]);", page).group(1))
        names = json.loads(re.search(r"x: (\[.*?\]),", page).group(1))
        row = page.split('data-resident="ash"')[1].split("</tr>")[0]
        return {k: v for k, v in zip(names, heat[0], strict=True) if v}, row

    counts, row = ash_counts()
    assert counts == {"Embolization": 1}
    assert "Embolization (example): 1/40" in row and "Biopsy (example): 0/50" in row
    response = edit_type(client, cases["id"], type_id(app, "EMBO-TUMOR"), code="EMBO-TUMOR",
                         name="Tumour embolization", category=str(category_id(app, "BIOPSY")))
    assert response.status_code == 302
    counts, row = ash_counts()
    assert counts == {"Biopsy": 1}
    assert "Embolization (example): 0/40" in row and "Biopsy (example): 1/50" in row


def test_changing_a_categorys_kind_recounts_the_kinds(app, client, cases, make_user):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "MAMMO-SCREEN")))
    sign_out(client)
    manager(client, make_user)

    def kinds():
        with app.app_context():
            program = db.session.get(Program, cases["id"])
            return {key: n for (_, key), n in tally.totals(program).items()
                    if key.startswith("kind:")}

    assert kinds() == {"kind:reading": 1}
    response = post_form(client, f"/programs/{cases['id']}/case-logs/catalogue/categories/"
                                 f"{category_id(app, 'MAMMO-READ')}",
                         code="MAMMO-READ", name="Mammography", kind="procedure")
    assert response.status_code == 302
    assert kinds() == {"kind:procedure": 1}


def test_renaming_a_category_code_carries_its_targets_and_counts(app, client, cases,
                                                                  make_user):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "UFE")))
    sign_out(client)
    manager(client, make_user)
    response = post_form(client, f"/programs/{cases['id']}/case-logs/catalogue/categories/"
                                 f"{category_id(app, 'EMBO')}",
                         code="EMBOLIZATION", name="Embolization", kind="procedure")
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(CaseTarget.entry).where(
            CaseTarget.entry["name"].as_string() == "Embolization (example)"))
        assert entry["category"] == "EMBOLIZATION"
    page = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
    row = page.split('data-resident="ash"')[1].split("</tr>")[0]
    assert "Embolization (example): 1/40" in row


def test_a_used_type_and_a_category_with_types_cannot_be_deleted(app, client, cases,
                                                                 make_user):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "PARACENTESIS")))
    log_case(client, cases["id"], primary=str(type_id(app, "THORACENTESIS")),
             others=[str(type_id(app, "PARACENTESIS"))])
    sign_out(client)
    manager(client, make_user)
    base = f"/programs/{cases['id']}/case-logs/catalogue"
    page = html.unescape(followed(
        client, f"{base}/types/{type_id(app, 'PARACENTESIS')}/delete", base
    ).get_data(as_text=True))
    assert "Paracentesis (PARACENTESIS) is in 2 logged cases: it cannot be deleted" in page
    assert type_id(app, "PARACENTESIS") is not None
    page = followed(client, f"{base}/categories/{category_id(app, 'PARA-THORA')}/delete",
                    base).get_data(as_text=True)
    assert "still has 2 procedure type(s): move or delete them first" in page
    assert category_id(app, "PARA-THORA") is not None

    # An unused type goes; then its empty category too.
    post_form(client, f"{base}/types/{type_id(app, 'VERTEBRAL-AUG')}/delete", form_page=base)
    assert type_id(app, "VERTEBRAL-AUG") is None
    post_form(client, f"{base}/categories/{category_id(app, 'SPINE')}/delete", form_page=base)
    assert category_id(app, "SPINE") is None


def test_a_category_counted_by_a_target_keeps_its_last_type(app, client, cases, make_user):
    manager(client, make_user)
    base = f"/programs/{cases['id']}/case-logs/catalogue"
    post_form(client, f"{base}/types/{type_id(app, 'MAMMO-DIAG')}/delete", form_page=base)
    page = html.unescape(followed(
        client, f"{base}/types/{type_id(app, 'MAMMO-SCREEN')}/delete", base
    ).get_data(as_text=True))
    assert "target “MQSA mammography reads”: category MAMMO-READ has no procedure types" in page
    assert type_id(app, "MAMMO-SCREEN") is not None


def test_a_resident_cannot_open_the_catalogue_edit_forms(app, client, cases, make_user):
    sign_in(client, "ash@example.org")
    base = f"/programs/{cases['id']}/case-logs/catalogue"
    for path in (base, f"{base}/categories/new", f"{base}/types/new", f"{base}/targets/new",
                 f"{base}/types/{type_id(app, 'PICC')}",
                 f"{base}/categories/{category_id(app, 'EMBO')}"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, f"/programs/{cases['id']}/my/cases")
    response = client.post(f"{base}/types/{type_id(app, 'PICC')}",
                           data={"code": "X", "name": "X", "csrf_token": token})
    assert response.status_code == 403
    sign_out(client)
    sign_in(client, "dr.quill@example.org")   # faculty see the catalogue, do not edit it
    assert client.get(base).status_code == 200
    assert "Add a category" not in client.get(base).get_data(as_text=True)
    assert client.get(f"{base}/categories/new").status_code == 403


# --- favourites ------------------------------------------------------------------------------

def save_favourite(client, pid: int, **fields):
    return followed(client, f"/programs/{pid}/my/favourites", f"/programs/{pid}/my/cases",
                    **fields)


def selected(page: str, name: str) -> list[str]:
    """The values selected in the select called `name`."""
    body = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [re.search(r'value="([^"]*)"', option).group(1)
            for option in re.findall(r"<option[^>]*>", body) if " selected" in option]


def test_a_resident_saves_a_favourite_and_logs_it_in_one_tap(app, client, cases):
    sign_in(client, "ash@example.org")
    pid, picc, port = cases["id"], type_id(app, "PICC"), type_id(app, "PORT")
    page = html.unescape(save_favourite(
        client, pid, name="VA lines", primary=str(picc), others=[str(port)], role="assistant",
        attending=str(cases["faculty"]), site="VA Medical Center", patient_ref="K7",
        notes="K7 again").get_data(as_text=True))
    assert "Saved as favourite “VA lines”." in page
    with app.app_context():
        favourite = db.session.scalars(select(CaseFavourite)).one()
        kept = (favourite.name, favourite.primary_type_id, favourite.other_type_ids,
                favourite.role, favourite.attending_id, favourite.site)
        assert kept == ("VA lines", picc, [port], "assistant", cases["faculty"],
                        "VA Medical Center")
        assert not hasattr(favourite, "patient_hash")
        favourite_id = favourite.id
    link = f"/programs/{pid}/my/cases?favourite={favourite_id}"
    assert f'href="{link}"' in page.replace("&amp;", "&")

    page = client.get(link).get_data(as_text=True)
    assert selected(page, "primary") == [str(picc)]
    assert selected(page, "others") == [str(port)]
    assert selected(page, "role") == ["assistant"]
    assert selected(page, "attending") == [str(cases["faculty"])]
    assert 'value="VA Medical Center"' in page
    reference = re.search(r'<input[^>]*name="patient_ref"[^>]*>', page).group(0)
    assert 'value=""' in reference or "value=" not in reference

    # The same name twice is refused; the favourite logs a case as it is.
    page = html.unescape(save_favourite(client, pid, name="VA lines", primary=str(picc))
                         .get_data(as_text=True))
    assert "you already have a favourite called “VA lines”" in page
    page = log_case(client, pid, primary=str(picc), others=[str(port)], role="assistant",
                    attending=str(cases["faculty"]), site="VA Medical Center")
    assert "Case logged" in page


def test_without_a_procedure_chosen_the_last_case_is_saved(app, client, cases):
    sign_in(client, "ash@example.org")
    paracentesis = type_id(app, "PARACENTESIS")
    page = html.unescape(save_favourite(client, cases["id"], name="Nothing")
                         .get_data(as_text=True))
    assert "Choose the primary procedure first" in page
    log_case(client, cases["id"], primary=str(paracentesis), site="Clinic 3")
    page = html.unescape(save_favourite(client, cases["id"], name="Tap", primary="0")
                         .get_data(as_text=True))
    assert "Saved as favourite “Tap”." in page
    with app.app_context():
        favourite = db.session.scalars(select(CaseFavourite)).one()
        assert (favourite.primary_type_id, favourite.site) == (paracentesis, "Clinic 3")


def test_another_residents_favourite_is_not_found(app, client, cases, make_user):
    sign_in(client, "ash@example.org")
    save_favourite(client, cases["id"], name="Mine", primary=str(type_id(app, "PICC")))
    with app.app_context():
        favourite_id = db.session.scalar(select(CaseFavourite.id))
    sign_out(client)
    make_user("bea@example.org", "Tiny IR", "resident")
    with app.app_context():
        bea = db.session.scalar(select(Resident).where(Resident.key == "bea"))
        bea.user = db.session.scalar(select(User).where(User.email == "bea@example.org"))
        db.session.commit()
    sign_in(client, "bea@example.org")
    pid = cases["id"]
    assert client.get(f"/programs/{pid}/my/cases?favourite={favourite_id}").status_code == 404
    assert f"favourite={favourite_id}" not in client.get(f"/programs/{pid}/my/cases"
                                                         ).get_data(as_text=True)
    response = post_form(client, f"/programs/{pid}/my/favourites/{favourite_id}/delete",
                         form_page=f"/programs/{pid}/my/cases")
    assert response.status_code == 404
    sign_out(client)

    sign_in(client, "ash@example.org")   # the owner deletes it
    response = post_form(client, f"/programs/{pid}/my/favourites/{favourite_id}/delete",
                         form_page=f"/programs/{pid}/my/cases")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(CaseFavourite.id))) == 0
