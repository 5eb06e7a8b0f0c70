"""Case logs in the browser: a resident logs a case (rotation from the published schedule,
PHI-looking references refused, only a hash kept), the attending verifies it, progress counts
it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from sqlalchemy import func, select
from web_support import csrf_token, log_case, sign_in, type_id

from web.extensions import db
from web.models import Case, Program


def test_a_case_is_logged_with_the_rotation_from_the_schedule(app, client, cases):
    sign_in(client, "ash@example.org")
    page = log_case(client, cases["id"], primary=str(type_id(app, "PARACENTESIS")),
                others=[str(type_id(app, "THORACENTESIS"))],
                attending=str(cases["faculty"]), patient_ref="K7")
    assert f"Case logged on {cases['rotation']}" in page
    assert "Paracentesis (primary)" in page
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.rotation == cases["rotation"] and case.state == "pending"
        assert case.patient_hash and "K7" not in case.patient_hash
        assert [p.type.code for p in case.procedures] == ["PARACENTESIS", "THORACENTESIS"]


def test_a_case_logged_again_warns_in_words_as_one_or_many(app, client, cases):
    """'Another case that day ...', then '2 other cases that day ...', never '1 other
    case(s)' (browser walk-through)."""
    sign_in(client, "ash@example.org")

    def again() -> str:
        return log_case(client, cases["id"], primary=str(type_id(app, "PARACENTESIS")),
                        attending=str(cases["faculty"]), patient_ref="K7")

    assert "same reference" not in again()
    assert "Another case that day carries the same reference: logged twice?" in again()
    page = again()
    assert "2 other cases that day carry the same reference: logged twice?" in page
    assert "case(s)" not in page
    # the page offers to delete the case just logged (the browser asks first)
    with app.app_context():
        newest = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    form = re.search(r'<form[^>]*id="delete-twin"[^>]*>', page)
    assert form is not None and f"/my/cases/{newest}/delete" in form.group(0)
    assert "Delete the case just logged" in page
    mine = f"/programs/{cases['id']}/my/cases"
    page = client.post(f"{mine}/{newest}/delete", data={"csrf_token": csrf_token(client, mine)},
                       follow_redirects=True).get_data(as_text=True)
    assert "is deleted" in page and 'id="delete-twin"' not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 2


def test_a_phi_looking_reference_is_refused_and_nothing_is_stored(app, client, cases):
    sign_in(client, "ash@example.org")
    for reference, words in (("John Smith", "looks like a name"),
                             ("MRN 00442211", "medical record"),
                             ("01/31/1970", "date")):
        page = log_case(client, cases["id"], primary=str(type_id(app, "PARACENTESIS")),
                    patient_ref=reference)
        assert words in page, reference
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None


def test_future_cases_and_missing_procedures_are_refused(app, client, cases):
    sign_in(client, "ash@example.org")
    page = log_case(client, cases["id"], primary="0")
    assert "choose the primary procedure" in page
    page = log_case(client, cases["id"], primary=str(type_id(app, "PICC")),
                day=(date.today() + timedelta(days=2)).isoformat())
    assert "cannot be in the future" in page
    # Ash is an R1 of the year that began last 1 July: a case before it is refused, naming
    # the day (browser walk-through: a case of January 2025 stretched the director's chart)
    year = date.today().year - (date.today().month < 7)
    page = log_case(client, cases["id"], primary=str(type_id(app, "PICC")),
                    day=date(year, 6, 30).isoformat())
    assert f"that is before Ash Pellow&#39;s residency began (1 Jul {year})" in page
    page = log_case(client, cases["id"], primary=str(type_id(app, "PICC")),
                    day=date(year, 7, 1).isoformat())
    assert "residency began" not in page and "Case logged" in page


def test_repeat_last_case_fills_the_form(app, client, cases):
    sign_in(client, "ash@example.org")
    picc = type_id(app, "PICC")
    log_case(client, cases["id"], primary=str(picc), attending=str(cases["faculty"]),
         site="VA Medical Center")
    page = client.get(f"/programs/{cases['id']}/my/cases?repeat=1").get_data(as_text=True)
    assert f'<option selected value="{picc}">' in page or \
        f'value="{picc}" selected' in page or f'selected value="{picc}"' in page
    assert 'value="VA Medical Center"' in page


def test_the_attending_verifies_and_progress_counts(app, client, cases):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "EMBO-TUMOR")),
         attending=str(cases["faculty"]))
    progress = client.get(f"/programs/{cases['id']}/my/progress").get_data(as_text=True)
    assert "Embolization (example)" in progress and "example target" in progress
    with app.app_context():
        case_id = db.session.scalar(select(Case.id))
        db.session.get(Program, cases["id"]).count_unverified = False
        db.session.commit()
    progress = client.get(f"/programs/{cases['id']}/my/progress").get_data(as_text=True)
    assert "40 to go" in progress  # pending cases do not count in this program
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "dr.other@example.org")  # not this case's attending
    queue = f"/programs/{cases['id']}/verify"
    assert "Nothing waiting for you" in client.get(queue).get_data(as_text=True)
    page = client.post(f"/programs/{cases['id']}/cases/{case_id}/verify",
                       data={"action": "verify", "csrf_token": csrf_token(client, "/")},
                       follow_redirects=True).get_data(as_text=True)
    assert "only the case&#39;s attending can verify it" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "dr.quill@example.org")
    assert f'id="case-{case_id}"' in client.get(queue).get_data(as_text=True)
    page = client.post(f"/programs/{cases['id']}/cases/{case_id}/verify",
                       data={"action": "return", "comment": "",
                             "csrf_token": csrf_token(client, queue)},
                       follow_redirects=True).get_data(as_text=True)
    assert "say what needs fixing" in page
    # a verification carrying a comment would drop the comment: refused, nothing changes
    page = client.post(f"/programs/{cases['id']}/cases/{case_id}/verify",
                       data={"action": "verify", "comment": "Please add the site",
                             "csrf_token": csrf_token(client, queue)},
                       follow_redirects=True).get_data(as_text=True)
    assert "press Return to send it" in page and f'id="case-{case_id}"' in page
    client.post(f"/programs/{cases['id']}/cases/{case_id}/verify",
                data={"action": "verify", "csrf_token": csrf_token(client, queue)})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "ash@example.org")
    page = client.get(f"/programs/{cases['id']}/my/cases").get_data(as_text=True)
    assert "verified" in page
    progress = client.get(f"/programs/{cases['id']}/my/progress").get_data(as_text=True)
    assert "39 to go" in progress


def test_the_program_directors_dashboard_counts_per_resident(app, client, cases, make_user):
    sign_in(client, "ash@example.org")
    log_case(client, cases["id"], primary=str(type_id(app, "EMBO-TUMOR")),
         others=[str(type_id(app, "ANGIO-ARTERIAL"))])
    log_case(client, cases["id"], primary=str(type_id(app, "BIOPSY-LIVER")))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    page = client.get(f"/programs/{cases['id']}/case-logs").get_data(as_text=True)
    row = page.split('data-resident="ash"')[1].split("</tr>")[0]
    assert '<td class="num total">2</td>' in row  # cases, however many procedures each
    heat = json.loads(re.search(r"const counts = (\[\[.*?\]\]);", page).group(1))
    names = json.loads(re.search(r"x: (\[.*?\]),", page).group(1))
    ash = dict(zip(names, heat[0], strict=True))  # residents in file order: Ash first
    assert {k: v for k, v in ash.items() if v} == {
        "Diagnostic angiography": 1, "Embolization": 1, "Biopsy": 1}
    assert sum(map(sum, heat[1:])) == 0
    assert "Embolization (example): 1/40" in row and "Biopsy (example): 1/50" in row
    assert '"Diagnostic angiography"' in page  # a heat-map column
