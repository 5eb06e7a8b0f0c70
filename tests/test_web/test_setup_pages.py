"""Program set-up in the browser: settings, rotations and residents, checked as a program
file is, with each message on the field at fault; CSV import all or nothing."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from sqlalchemy import select
from web_support import post_form, program_id, sign_in, upload

from web.extensions import db
from web.models import Program, Resident, Rotation

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"


def _signed_in_chief(app, client, make_user, sample: bool = True) -> int:
    make_user("chief@example.org", "Duke IR", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Duke IR")
    if sample:
        upload(client, f"/programs/{pid}/import", "file", "duke.toml", SAMPLE.read_text())
    return pid




SETTINGS = {"name": "Duke IR", "year_start": "2027-07-01", "calendar": "months",
            "levels": "R1, R2, R3, R4, R5", "tracks": "IR, DR, ESIR", "vacation_weeks": "4",
            "max_vacation_weeks_per_block": "1", "change_weight": "1"}


def test_a_new_program_is_set_up_from_its_settings_page(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user, sample=False)
    overview = client.get(f"/programs/{pid}/").get_data(as_text=True)
    assert "The academic year is not set up yet" in overview
    response = post_form(client, f"/programs/{pid}/settings", **SETTINGS)
    assert response.status_code == 302
    with app.app_context():
        program = db.session.get(Program, pid)
        assert program.year_start.isoformat() == "2027-07-01"
        assert program.tracks == ["IR", "DR", "ESIR"]
    overview = client.get(f"/programs/{pid}/").get_data(as_text=True)
    assert "Academic year from 1 Jul 2027, calendar months" in " ".join(overview.split())


def test_settings_that_break_the_program_are_refused_on_the_field(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    page = post_form(client, f"/programs/{pid}/settings",
                 **{**SETTINGS, "year_start": "2027-07-15"}).get_data(as_text=True)
    assert "must be the 1st of a month" in page or "1st" in page
    # Dropping a level that residents still have is refused too, naming them.
    page = post_form(client, f"/programs/{pid}/settings",
                 **{**SETTINGS, "levels": "R1, R2, R3, R4"}).get_data(as_text=True)
    assert "unknown level &#39;R5&#39;" in page
    with app.app_context():
        program = db.session.get(Program, pid)
        assert program.levels == ["R1", "R2", "R3", "R4", "R5"]
        assert program.year_start.isoformat() == "2027-07-01"


def test_dropping_levels_everyone_uses_says_so_once_per_level_naming_the_entries(
        app, client, make_user):
    """A settings change that breaks a hundred entries says so in a line per problem, naming
    the first entries and how many more, not in a hundred banners in file paths; an empty
    list of levels is refused on the Levels field (browser walk-through)."""
    pid = _signed_in_chief(app, client, make_user)
    page = post_form(client, f"/programs/{pid}/settings",
                     **{**SETTINGS, "levels": "R1, R2, R2"}).get_data(as_text=True)
    assert "duplicate level &#39;R2&#39;" in page
    assert page.count('class="flash error"') <= 8
    assert "rotation MAMMO, rotation CARDIAC" in page
    # the rest counted kind by kind, so the chief knows which lists to look in
    assert re.search(r" and \d+ more requirements; rule “Senior in ER”; blackout “ABR Core "
                     r"exam \(R3\)”; service NF: unknown level &#39;R3&#39;", page)
    assert "rotation[" not in page
    page = post_form(client, f"/programs/{pid}/settings",
                     **{**SETTINGS, "levels": ", "}).get_data(as_text=True)
    levels = page.split('for="levels"')[1].split('<div class="field')[0]
    assert "at least 1 item" in levels
    assert "pydantic" not in page
    with app.app_context():
        assert db.session.get(Program, pid).levels == ["R1", "R2", "R3", "R4", "R5"]


def test_renaming_a_rotation_to_a_taken_code_says_only_that(app, client, make_user):
    """NEURO renamed to CT, a code already taken: refused on the Code field, and the entries
    naming NEURO are not listed as broken by a renaming that is not made (browser
    walk-through)."""
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        neuro = db.session.scalar(select(Rotation).where(Rotation.program_id == pid,
                                                         Rotation.code == "NEURO"))
        form = {"code": "CT", "name": neuro.name or "", "min": str(neuro.min),
                "min_present": str(neuro.min_present)}
        path = f"/programs/{pid}/rotations/{neuro.id}"
    page = post_form(client, path, **form).get_data(as_text=True)
    assert "duplicate rotation code &#39;CT&#39;" in page
    assert "unknown rotation or group &#39;NEURO&#39;" not in page
    with app.app_context():
        assert db.session.scalar(select(Rotation.code).where(Rotation.id == neuro.id)) == "NEURO"


def test_a_form_posted_without_some_fields_is_checked_not_crashed(app, client, make_user):
    """A rotation or resident form sent without its groups or history (a script, a browser
    extension) is read as sent, empty, not filled from the stored entry (a list or a table
    where text belongs: a server error)."""
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        neuro = db.session.scalar(select(Rotation.id).where(Rotation.program_id == pid,
                                                            Rotation.code == "NEURO"))
        resident = next(r for r in db.session.get(Program, pid).residents if r.history)
        rid, key, level, track = resident.id, resident.key, resident.level, resident.track
    response = post_form(client, f"/programs/{pid}/rotations/{neuro}", code="NEURO", min="0",
                         min_present="0")
    assert response.status_code in (200, 302)
    response = post_form(client, f"/programs/{pid}/residents/{rid}", key=key, level=level,
                         track=track)
    assert response.status_code in (200, 302)


def test_chief_adds_a_rotation_and_sees_it_listed(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    response = post_form(client, f"/programs/{pid}/rotations/new", code="IR-COMM",
                     name="IR - Community Hospital", site="Community Hospital",
                     groups="IR, IR-CLIN", min="0", max="2", min_present="0",
                     levels=["R4", "R5"], vacation="y")
    assert response.status_code == 302
    listing = client.get(f"/programs/{pid}/rotations").get_data(as_text=True)
    assert "IR-COMM" in listing and "Community Hospital" in listing
    with app.app_context():
        row = db.session.scalar(select(Rotation).where(Rotation.code == "IR-COMM"))
        assert (row.groups, row.levels, row.tracks, row.max) == (
            ["IR", "IR-CLIN"], ["R4", "R5"], None, 2)


def test_rotation_mistakes_are_shown_on_their_fields(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    page = post_form(client, f"/programs/{pid}/rotations/new", code="SICU", min="3", max="1",
                 min_present="0").get_data(as_text=True)
    assert "duplicate rotation code &#39;SICU&#39; (also rotation SICU)" in page
    assert "aria-invalid" in page
    assert "unknown rotation" not in page   # nothing else is said broken by a refused code
    # bounds that cross, and more on it every working day than it takes: said in the
    # form's words, its fields by their labels, not the file's keys ('max 1 is below min 3')
    page = post_form(client, f"/programs/{pid}/rotations/new", code="NEW", min="3", max="1",
                     min_present="0").get_data(as_text=True)
    assert "“At most” (1) is below “At least” (3)" in page
    page = post_form(client, f"/programs/{pid}/rotations/new", code="NEW", min="0", max="1",
                     min_present="3").get_data(as_text=True)
    assert "“Present every working day, at least” (3) is above “At most” (1)" in page
    assert "(min_present)" not in page
    # a code that differs from one only in case would read as the same on the grid
    page = post_form(client, f"/programs/{pid}/rotations/new", code="sicu", min="0",
                     min_present="0").get_data(as_text=True)
    assert "&#39;sicu&#39; differs from SICU only in upper and lower case" in page
    page = post_form(client, f"/programs/{pid}/rotations/new", code="BAD CODE", min="-1",
                 min_present="0").get_data(as_text=True)
    assert "Letters, digits" in page
    assert "Number must be between 0 and 100000" in page
    with app.app_context():
        assert db.session.scalar(select(Rotation).where(Rotation.code == "BAD CODE")) is None
        assert db.session.scalar(select(Rotation).where(Rotation.code == "sicu")) is None


def test_a_rotation_still_named_elsewhere_cannot_be_deleted(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        sicu = db.session.scalar(select(Rotation).where(Rotation.code == "SICU",
                                                        Rotation.program_id == pid))
        sicu_id = sicu.id
    response = post_form(client, f"/programs/{pid}/rotations/{sicu_id}/delete",
                     form_page=f"/programs/{pid}/rotations")
    assert response.status_code == 302
    page = client.get(f"/programs/{pid}/rotations").get_data(as_text=True)
    assert "Rotation SICU is still needed: resident " in page   # their history names it
    assert "requirement “R4 IR surgical ICU”" in page
    assert "name it; change or delete them first" in page
    assert "unknown rotation" not in page   # the validator's words, as if it did not exist
    with app.app_context():
        assert db.session.get(Rotation, sicu_id) is not None


def test_a_refused_delete_names_some_of_each_kind_and_counts_the_rest(app, client, make_user):
    """NUC is in 37 residents' earlier years, a requirement and a rule: a few of each kind
    are named and the rest counted by their kind ('and 34 more residents'), so the
    requirement and the rule are not lost behind the residents (browser walk-through: 'and
    36 more' said neither which nor where)."""
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        nuc = db.session.scalar(select(Rotation.id).where(Rotation.code == "NUC",
                                                          Rotation.program_id == pid))
    post_form(client, f"/programs/{pid}/rotations/{nuc}/delete",
              form_page=f"/programs/{pid}/rotations")
    page = unescape(client.get(f"/programs/{pid}/rotations").get_data(as_text=True))
    said = re.search(r"Rotation NUC is still needed: (.*?) name it; change or delete them "
                     r"first", page).group(1)
    residents, requirements, rules = said.split("; ")
    assert re.fullmatch(r"(resident [^,]+, ){2}resident [^,]+ and 34 more residents",
                        residents)
    assert requirements == "requirement “NUC at most 3 months a year”"
    assert rules == "rule “NUC at most 2 in a row”"


def test_editing_a_resident_keeps_their_row_and_checks_history(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        resident = db.session.scalars(select(Resident).where(Resident.program_id == pid)
                                      ).first()
        rid, key, level, track = resident.id, resident.key, resident.level, resident.track
    form_page = client.get(f"/programs/{pid}/residents/{rid}").get_data(as_text=True)
    assert f'value="{key}"' in form_page
    page = post_form(client, f"/programs/{pid}/residents/{rid}", key=key, name="Renamed Person",
                 level=level, track=track, history="NM = two").get_data(as_text=True)
    assert "is not CODE = number of blocks" in page
    response = post_form(client, f"/programs/{pid}/residents/{rid}", key=key,
                     name="Renamed Person", level=level, track=track, vacation_weeks="3",
                     history="NM = 2, BREAST = 1")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Resident, rid)
        assert (row.name, row.vacation_weeks, row.history) == (
            "Renamed Person", 3, {"NM": 2, "BREAST": 1})


def test_csv_import_adds_and_updates_residents(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        first = db.session.scalars(select(Resident).where(Resident.program_id == pid)).first()
        key, count = first.key, len(db.session.get(Program, pid).residents)
    csv_text = ("id,name,level,track,vacation_weeks,history\n"
                f"{key},Updated Name,R2,DR,,\n"
                "newperson,Nova Vexley,R1,DR,3,NM=1; BREAST=0\n")
    response = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                      csv_text, form_page=f"/programs/{pid}/residents")
    assert response.status_code == 302
    page = client.get(f"/programs/{pid}/residents").get_data(as_text=True)
    assert "1 added, 1 updated" in page and "Nova Vexley" in page
    with app.app_context():
        assert len(db.session.get(Program, pid).residents) == count + 1
        row = db.session.scalar(select(Resident).where(Resident.key == key,
                                                       Resident.program_id == pid))
        assert (row.name, row.level) == ("Updated Name", "R2")


def test_csv_import_with_bad_rows_changes_nothing_and_names_each(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        before = [(r.key, r.level) for r in db.session.get(Program, pid).residents]
    csv_text = ("id,name,level,track\n"
                "fine1,Fine One,R1,DR\n"
                "badlevel,Bad Level,R9,DR\n"
                ",No Id,R1,DR\n"
                "fine1,Twice,R1,DR\n"
                "weeks,Weeks,R1,DR\n")
    csv_text = csv_text.replace("weeks,Weeks,R1,DR", "weeks,Weeks,R1,XX")
    response = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                      csv_text, form_page=f"/programs/{pid}/residents")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "row 4: id is empty" in page
    assert "row 5: id &#39;fine1&#39; is also on row 2" in page
    assert "nothing was changed" in page
    with app.app_context():
        assert [(r.key, r.level) for r in db.session.get(Program, pid).residents] == before
    # With the duplicate and empty ids fixed, the engine's checks name the remaining rows.
    csv_text = "id,level,track\nfine1,R1,DR\nbadlevel,R9,DR\nbadtrack,R1,XX\n"
    page = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                  csv_text, form_page=f"/programs/{pid}/residents").get_data(as_text=True)
    assert "row 3: level: unknown level &#39;R9&#39;" in page
    assert "row 4: track: unknown track &#39;XX&#39;" in page
    with app.app_context():
        assert [(r.key, r.level) for r in db.session.get(Program, pid).residents] == before


def test_csv_without_the_required_columns_is_explained(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    page = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                  "name,year\nSome One,2\n", form_page=f"/programs/{pid}/residents"
                  ).get_data(as_text=True)
    assert "missing: id, level, track" in page


def test_deleting_a_resident_takes_their_requests_but_never_their_case_log(app, client,
                                                                           make_user):
    from datetime import date

    from web.cases.services import categories
    from web.models import Case, CaseProcedure, Request

    pid = _signed_in_chief(app, client, make_user)
    with app.app_context():
        program = db.session.get(Program, pid)
        with_requests = next(r for r in program.requests).resident
        asked, asked_key = with_requests.id, with_requests.key
        logger = next(r for r in program.residents if r.id != asked)
        first_type = categories(program)[0].types[0]
        db.session.add(Case(program_id=pid, resident=logger, day=date(2027, 8, 2),
                            procedures=[CaseProcedure(type=first_type, primary=True)]))
        db.session.commit()
        logger_id = logger.id
    residents = f"/programs/{pid}/residents"
    post_form(client, f"{residents}/{asked}/delete", form_page=residents)
    page = client.get(residents).get_data(as_text=True)
    assert f"Resident {asked_key} deleted." in page
    page = post_form(client, f"{residents}/{logger_id}/delete", form_page=residents,
                 ).get_data(as_text=True)
    page = client.get(residents).get_data(as_text=True)
    assert "archive them instead" in page
    with app.app_context():
        assert db.session.get(Resident, asked) is None
        assert not db.session.scalars(select(Request).where(Request.resident_id == asked)
                                      ).all()
        assert db.session.get(Resident, logger_id) is not None
        assert db.session.scalar(select(Case.id).where(Case.resident_id == logger_id))
