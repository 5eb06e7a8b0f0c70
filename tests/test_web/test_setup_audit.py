"""The audit log follows the set-up: each rotation, resident, requirement, rule, blackout,
away limit and weekly service added, changed or removed on the set-up pages, and each roster
imported from a spreadsheet, is recorded as done by whom, each change from what to what."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select
from test_audit import _audit_rows
from test_solving import TINY
from web_support import chief_imports, csrf_token, post_form, sign_in, upload

from web.extensions import db
from web.models import Requirement, Rotation

ROTATION = {"code": "NM", "name": "Nuclear medicine", "site": "", "groups": "", "min": "0",
            "max": "", "min_present": "0", "vacation": "y"}


def _rows(client, pid: int) -> list[str]:
    """The audit log's set-up rows, newest first, as the program director reads them."""
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "pd@example.org")
    rows = [unescape(row) for row in _audit_rows(client, pid)
            if "Set-up entry" in row]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    return rows


def test_setup_changes_are_audited_each_from_what_to_what(app, client, make_user):
    """The chief adds a rotation, raises its minimum, gives a requirement a new count, adds
    a blackout and removes the rotation: five rows, each naming the entry and what changed
    from what to what. A save refused on its field, a delete refused because an entry still
    names the rotation, and a save that changes nothing record nothing."""
    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    new = f"/programs/{pid}/rotations/new"
    assert post_form(client, new, **ROTATION).status_code == 302
    with app.app_context():
        nm = db.session.scalar(select(Rotation).where(Rotation.program_id == pid,
                                                      Rotation.code == "NM")).id
        requirement = db.session.scalar(select(Requirement).where(
            Requirement.program_id == pid)).id
    edit = f"/programs/{pid}/rotations/{nm}"
    refused = post_form(client, edit, **{**ROTATION, "min": "3", "max": "1"})
    assert refused.status_code == 200 and "aria-invalid" in refused.get_data(as_text=True)
    assert post_form(client, edit, **ROTATION).status_code == 302          # nothing changed
    assert post_form(client, edit, **{**ROTATION, "min": "1", "levels": ["R2"]}
                     ).status_code == 302
    assert _rows(client, pid) == [
        "chief@example.org | Set-up entry changed · rotation NM: min from 0 to 1; levels "
        "from not set to R2 | ",
        "chief@example.org | Set-up entry added · rotation NM | as added: code = NM, name = "
        "Nuclear medicine, min = 0, min present = 0, vacation = yes, split = no"]

    assert post_form(client, f"/programs/{pid}/requirements/{requirement}",
                     name="R2 SICU", target="SICU", levels=["R2"], exactly="", min="1", max="2",
                     scope="year", hard="y").status_code == 302
    blackout = f"/programs/{pid}/policy/blackout/new"
    assert post_form(client, blackout, name="R1 orientation", first="2027-07-01",
                     last="2027-07-16", levels=["R1"], hard="y").status_code == 302
    # NM named by a rule: its delete is refused, and recorded nowhere; the rule's delete
    # and then the rotation's are
    assert post_form(client, f"/programs/{pid}/rules/new", kind="max_consecutive",
                     target="NM", run="2", hard="y").status_code == 302
    delete = f"/programs/{pid}/rotations/{nm}/delete"
    client.post(delete, data={"csrf_token": csrf_token(client, f"/programs/{pid}/rotations")})
    with app.app_context():
        assert db.session.get(Rotation, nm) is not None
    from web.models import Rule
    with app.app_context():
        rule = db.session.scalar(select(Rule).where(Rule.program_id == pid)).id
    client.post(f"/programs/{pid}/rules/{rule}/delete",
                data={"csrf_token": csrf_token(client, f"/programs/{pid}/rules")})
    client.post(delete, data={"csrf_token": csrf_token(client, f"/programs/{pid}/rotations")})
    with app.app_context():
        assert db.session.get(Rotation, nm) is None
    rows = _rows(client, pid)
    assert [row.rsplit(" | ", 1)[0] for row in rows[:5]] == [
        "chief@example.org | Set-up entry removed · rotation NM",
        "chief@example.org | Set-up entry removed · max consecutive rule on NM",
        "chief@example.org | Set-up entry added · max consecutive rule on NM",
        "chief@example.org | Set-up entry added · blackout “R1 orientation”",
        "chief@example.org | Set-up entry changed · requirement “R2 SICU”: exactly from 1 "
        "to not set; min from not set to 1; max from not set to 2"]
    # an entry added or removed is shown as it is or was: the rule's run of 2, NM's minimum
    assert rows[0].endswith(" | as it was: code = NM, name = Nuclear medicine, min = 1, "
                            "min present = 0, levels = R2, vacation = yes, split = no")
    assert "rotation = NM" in rows[1] and "blocks = 2" in rows[1]
    assert rows[3].endswith("from = 1 Jul 2027, to = 16 Jul 2027, hard = yes")
    assert rows[4].endswith(" | ")    # a change says it all in its subject
    assert len(rows) == 7


def test_a_roster_import_is_audited_in_one_entry(app, client, make_user):
    """A spreadsheet that moves Bea to R1 and adds Nova: one row, naming both; the same
    spreadsheet again changes nothing and records nothing."""
    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    roster = ("id,name,level,track,vacation_weeks,history\n"
              "bea,Bea Moranti,R1,IR,,\n"
              "nova,Nova Vexley,R1,IR,,\n")
    for _ in range(2):
        response = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                          roster, form_page=f"/programs/{pid}/residents")
        assert response.status_code == 302
    assert _rows(client, pid) == [
        "chief@example.org | Set-up entry changed · residents imported from a spreadsheet: "
        "1 added: nova; 1 changed: bea (level from R2 to R1) | "]

    # Forty new residents at once: the row names as many as its 300 characters hold and
    # says it goes on; its detail names all forty.
    many = "id,name,level,track\n" + "".join(f"newcomer{i:02},,R1,IR\n" for i in range(40))
    response = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv",
                      many, form_page=f"/programs/{pid}/residents")
    assert response.status_code == 302
    newest = _rows(client, pid)[0]
    said, detail = newest.split(" | ")[1:3]
    assert said.startswith("Set-up entry changed · residents imported from a spreadsheet: "
                           "40 added: newcomer00, newcomer01, ")
    assert said.endswith(",…") and "newcomer39" not in said
    assert detail == "added: " + ", ".join(f"newcomer{i:02}" for i in range(40))


def test_an_imported_program_file_is_audited_by_what_it_changed(app, client, make_user):
    """The first import sets the program up and records nothing; a later file that raises
    IR's minimum, adds a rule and drops SICU's requirement is one row naming each; the same
    file again records nothing."""
    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    assert _rows(client, pid) == []
    changed = TINY.replace('code = "IR"\nmin = 1', 'code = "IR"\nmin = 2').replace(
        '[[requirement]]\nname = "R2 SICU"', '[[rule]]\nkind = "max_consecutive"\n'
        'rotation = "DR"\nblocks = 3\n\n[[requirement]]\nname = "R2 SICU"')
    assert changed.count("min = 2") == 1 and "max_consecutive" in changed
    for _ in range(2):
        response = upload(client, f"/programs/{pid}/import", "file", "tiny.toml", changed)
        assert response.status_code == 302
    assert _rows(client, pid) == [
        "chief@example.org | Set-up entry changed · by an imported program file: rotations: "
        "IR changed (min from 1 to 2); rules: max consecutive rule on DR added | "]


def test_a_residents_form_change_is_audited(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    make_user("pd@example.org", "Tiny IR", "program_director")
    from web.models import Resident
    with app.app_context():
        bea = db.session.scalar(select(Resident).where(Resident.program_id == pid,
                                                       Resident.key == "bea")).id
    assert post_form(client, f"/programs/{pid}/residents/{bea}", key="bea",
                     name="Bea Moranti", level="R1", track="IR", vacation_weeks="",
                     max_vacation_weeks_per_block="", history="", account=""
                     ).status_code == 302
    assert _rows(client, pid) == [
        "chief@example.org | Set-up entry changed · resident Bea Moranti: level from R2 to R1 | "]
