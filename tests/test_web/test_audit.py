"""The audit log and the people page: publishes, request decisions, case verifications and
role changes are recorded with who and when; nobody can change or delete an entry, through the
app or in the database; directors give and take roles, and a new account's temporary password
works once and is then changed by its owner."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from test_solving import TINY
from web_support import (
    chief_imports,
    csrf_token,
    log_case,
    post_form,
    sign_in,
    solved_draft,
    type_id,
)

from web.extensions import db
from web.models import AuditEvent, Case, Membership, Request, User


def _sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def _audit_rows(client, pid: int, query: str = "") -> list[str]:
    """The audit page's rows as text: 'who | what | detail'."""
    response = client.get(f"/programs/{pid}/audit{query}")
    assert response.status_code == 200
    rows = re.findall(r'<tr id="event-\d+">(.*?)</tr>', response.get_data(as_text=True), re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [" | ".join(" ".join(c.split()) for c in row[1:]) for row in cells]


@pytest.fixture
def published(app, client, make_user):
    """TINY imported by its chief, solved, and published by the chief through the grid."""
    pid = chief_imports(app, client, make_user, TINY)
    sid = solved_draft(app, pid, TINY)
    grid = f"/programs/{pid}/schedules/{sid}"
    page = client.post(f"{grid}/publish", data={"csrf_token": csrf_token(client, grid)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Published as version 1" in page
    return pid


def test_publishes_decisions_and_role_changes_are_logged_with_who(app, client, make_user,
                                                                   published):
    pid = published
    with app.app_context():
        request_id = db.session.scalar(select(Request.id).where(Request.program_id == pid))
    requests_page = f"/programs/{pid}/requests"
    post_form(client, f"/programs/{pid}/requests/{request_id}/decision", requests_page,
              decision="declined", reason="block 3 is short of SICU cover")
    _sign_out(client)

    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    people = f"/programs/{pid}/people"
    page = post_form(client, people, email="New.Doc@Example.org", name="Noor Doc",
                     role="faculty").get_data(as_text=True)
    assert "new.doc@example.org is now faculty (attending)" in page
    with app.app_context():
        membership = db.session.scalar(select(Membership.id).join(User).where(
            User.email == "new.doc@example.org"))
    post_form(client, f"{people}/{membership}/revoke", people)

    rows = _audit_rows(client, pid)
    # newest first; the people made by the command line at set-up come last
    # each kind of event in words, roles as the people page names them, no database ids
    assert rows[:4] == [
        "pd@example.org | Role taken away · Faculty (attending) from new.doc@example.org | ",
        "pd@example.org | Role given · Faculty (attending) to new.doc@example.org "
        "| a new account",
        "command line | Role given · Program director to pd@example.org | a new account",
        "chief@example.org | Request decided · vacation request of Ash Pellow "
        "| declined; reason: block 3 is short of SICU cover",
    ]
    assert f"#{request_id}" not in " ".join(rows)
    assert "chief@example.org | Schedule published · version 1 | " in rows
    assert _audit_rows(client, pid, "?action=role.revoked") == rows[:1]


def test_verifications_and_returns_are_logged_with_the_attendings_comment(
        app, client, make_user, cases):
    pid = cases["id"]
    sign_in(client, "ash@example.org")
    for _ in range(2):
        log_case(client, pid, primary=str(type_id(app, "EMBO-TUMOR")),
                 attending=str(cases["faculty"]))
    _sign_out(client)
    with app.app_context():
        first, second = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    sign_in(client, "dr.quill@example.org")
    queue = f"/programs/{pid}/verify"
    post_form(client, f"/programs/{pid}/cases/{first}/verify", queue, action="verify")
    post_form(client, f"/programs/{pid}/cases/{second}/verify", queue, action="return",
              comment="the role was second operator")
    _sign_out(client)

    make_user("coordinator@example.org", "Tiny IR", "coordinator")
    sign_in(client, "coordinator@example.org")   # coordinators read the log
    rows = [r for r in _audit_rows(client, pid) if " | Case " in r]
    day = re.search(r" on (\d{1,2} [A-Z][a-z]{2} \d{4}) ", rows[0]).group(1)   # in words
    assert rows == [
        f"dr.quill@example.org | Case returned · case of Ash Pellow on {day} "
        "| comment: “the role was second operator”",
        f"dr.quill@example.org | Case verified · case of Ash Pellow on {day} | ",
    ]
    assert f"#{first}" not in " ".join(rows) and f"#{second}" not in " ".join(rows)
    assert client.get(f"/programs/{pid}/people").status_code == 403


def test_the_log_says_events_in_words_and_its_filter_keeps_its_links(app, client,
                                                                     make_user, published):
    """Swaps name residents (the subject, worded when recorded, gives the weeks' dates; the
    weeks stay as recorded, not read against a later year's calendar), imports count in
    words, a date inside a file name stays as it is; the filter shows each kind in words
    and still links by the event's name (browser walk-through)."""
    from web import audit
    from web.models import Program

    make_user("pd@example.org", "Tiny IR", "program_director")
    _sign_out(client)
    sign_in(client, "pd@example.org")
    with app.app_context():
        program = db.session.get(Program, published)
        audit.record("swap.offered", program=program, actor=None,
                     subject="Night float, 6 Sep – 19 Sep 2027", swap_id=7, giver="bea",
                     kind="service", weeks=[10, 11])
        audit.record("case.verified", program=program, actor=None,
                     subject="6325 imported case(s) from log-2027-08-01.csv", imported=6325)
        db.session.commit()
    rows = _audit_rows(client, published)
    assert rows[:2] == [
        "command line | Cases imported, verified · 6,325 cases imported from "
        "log-2027-08-01.csv | ",
        "command line | Swap offered · Night float, 6 Sep – 19 Sep 2027 "
        "| offered by Bea Moranti; weeks of a weekly service; weeks 10–11",
    ]
    page = client.get(f"/programs/{published}/audit").get_data(as_text=True)
    assert f'href="/programs/{published}/audit?action=swap.offered" >Swap offered</a>' in page
    assert ">swap.offered<" not in page and ">case.verified<" not in page
    assert _audit_rows(client, published, "?action=swap.offered") == rows[1:2]
    page = client.get(f"/programs/{published}/audit?action=swap.declined").get_data(
        as_text=True)
    assert "Nothing recorded for “Swap declined” yet." in page


def test_nobody_can_change_or_delete_an_entry(app, client, published):
    assert client.post(f"/programs/{published}/audit",
                       data={"csrf_token": csrf_token(client, "/")}).status_code == 405
    with app.app_context():
        before = [(e.id, e.action, e.subject, e.actor_email)
                  for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert ("schedule.published", "version 1") in [(a, s) for _, a, s, _ in before]
        for statement in ("UPDATE audit_event SET actor_email = 'someone.else@example.org'",
                          "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text("TRUNCATE audit_event"))
            db.session.rollback()
        after = [(e.id, e.action, e.subject, e.actor_email)
                 for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert after == before


def test_a_new_account_signs_in_with_its_temporary_password_then_changes_it(
        app, client, make_user):
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    with app.app_context():
        pid = db.session.scalar(select(Membership.program_id))
    people = f"/programs/{pid}/people"
    page = post_form(client, people, email="fresh.chief@example.org", name="Fresh Chief",
                     role="chief").get_data(as_text=True)
    temporary = re.search(r'<code id="temporary-password">(.+?)</code>', page).group(1)
    _sign_out(client)

    sign_in(client, "fresh.chief@example.org", temporary)
    # Pages wait until the person has chosen their own password (test_passwords.py).
    assert client.get(f"/programs/{pid}/").headers["Location"].startswith("/account/password")
    form = "/account/password"
    response = post_form(client, form, current="not it at all", new="a brand new secret",
                         again="a brand new secret")
    assert response.status_code == 422
    assert "the current password is not right" in response.get_data(as_text=True)
    response = post_form(client, form, current=temporary, new="a brand new secret",
                         again="a brand new secreT")
    assert "the two do not match" in response.get_data(as_text=True)
    response = post_form(client, form, current=temporary, new="a brand new secret",
                         again="a brand new secret")
    assert response.status_code == 302
    _sign_out(client)
    assert sign_in(client, "fresh.chief@example.org", temporary).status_code == 200  # refused
    assert client.get(f"/programs/{pid}/").status_code == 302                   # to sign in
    sign_in(client, "fresh.chief@example.org", "a brand new secret")
    assert client.get(f"/programs/{pid}/").status_code == 200


def test_directors_cannot_remove_their_own_role_or_make_admins(app, client, make_user):
    make_user("pd@example.org", "Tiny IR", "program_director")
    make_user("someone@example.org", "Tiny IR", "resident")
    sign_in(client, "pd@example.org")
    with app.app_context():
        pid = db.session.scalar(select(Membership.program_id))
        own = db.session.scalar(select(Membership.id).join(User).where(
            User.email == "pd@example.org"))
    people = f"/programs/{pid}/people"
    page = post_form(client, f"{people}/{own}/revoke", people).headers["Location"]
    page = client.get(page).get_data(as_text=True)
    assert "you cannot remove your own role" in page
    # a director's list does not offer Admin, and a hand-made post of it is refused
    assert '<option value="admin">' not in client.get(people).get_data(as_text=True)
    response = post_form(client, people, email="someone@example.org", role="admin")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    response = post_form(client, people, email="someone@example.org", role="resident")
    assert "someone@example.org already has the role resident" in response.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.actor_email == "pd@example.org")) is None   # nothing happened


def test_the_programs_only_director_keeps_the_role_until_there_is_another(app, client,
                                                                          make_user):
    """An admin removing the only program director is refused (the program would have no
    director); once a second director has the role, the first can be removed."""
    make_user("admin@example.org", "Tiny IR", "admin")
    make_user("pd@example.org", "Tiny IR", "program_director")
    with app.app_context():
        pid = db.session.scalar(select(Membership.program_id))
        director = db.session.scalar(select(Membership.id).join(User).where(
            User.email == "pd@example.org"))
    sign_in(client, "admin@example.org")
    people = f"/programs/{pid}/people"
    page = client.get(post_form(client, f"{people}/{director}/revoke", people)
                      .headers["Location"]).get_data(as_text=True)
    assert "is the program&#39;s only director: give someone else the role first" in page
    with app.app_context():
        assert db.session.get(Membership, director) is not None
    make_user("next.pd@example.org", "Tiny IR", "program_director")
    post_form(client, f"{people}/{director}/revoke", people)
    with app.app_context():
        assert db.session.get(Membership, director) is None


def test_a_removed_role_no_longer_opens_the_program(app, client, make_user):
    make_user("pd@example.org", "Tiny IR", "program_director")
    make_user("leaving@example.org", "Tiny IR", "faculty")
    with app.app_context():
        pid = db.session.scalar(select(Membership.program_id))
        leaving = db.session.scalar(select(Membership.id).join(User).where(
            User.email == "leaving@example.org"))
    sign_in(client, "leaving@example.org")
    assert client.get(f"/programs/{pid}/verify").status_code == 200
    _sign_out(client)
    sign_in(client, "pd@example.org")
    people = f"/programs/{pid}/people"
    post_form(client, f"{people}/{leaving}/revoke", people)
    assert "leaving@example.org" not in client.get(people).get_data(as_text=True)
    _sign_out(client)
    sign_in(client, "leaving@example.org")
    assert client.get(f"/programs/{pid}/verify").status_code == 404


def test_the_log_names_who_acted_and_keeps_the_address_recorded(app, client, make_user,
                                                                published):
    """'Who' reads a person's name where their account has one, with the e-mail address the
    entry recorded beneath it; an account without a name reads as its address."""
    from web import audit
    from web.models import Program, User

    make_user("pd@example.org", "Tiny IR", "program_director")
    make_user("coordinator@example.org", "Tiny IR", "coordinator")
    with app.app_context():
        program = db.session.get(Program, published)
        named = db.session.scalar(select(User).where(User.email == "pd@example.org"))
        named.name = "Petra Dunmore"
        unnamed = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
        audit.record("role.granted", program=program, actor=named, subject="coordinator x")
        audit.record("role.granted", program=program, actor=unnamed, subject="coordinator y")
        db.session.commit()
    _sign_out(client)
    sign_in(client, "pd@example.org")
    who = [row.split(" | ")[0] for row in _audit_rows(client, published)[:2]]
    assert who == ["coordinator@example.org",
                   'Petra Dunmore<div class="hint">pd@example.org</div>']


def test_linking_an_account_to_a_resident_and_unlinking_it_are_logged(app, client, make_user,
                                                                      published):
    """The account linked to a resident reads their schedule and logs cases as them: the
    log says who linked which address to whom, and who took it away."""
    from web.models import Resident

    pid = published
    make_user("ash@example.org", "Tiny IR", "resident")
    with app.app_context():
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        rid, level, track = ash.id, ash.level, ash.track
    form = f"/programs/{pid}/residents/{rid}"
    fields = {"key": "ash", "name": "Ash Kettering", "level": level, "track": track,
              "vacation_weeks": "4"}
    assert post_form(client, form, **fields, account="ASH@example.org ").status_code == 302
    assert post_form(client, form, **fields, account="ash@example.org").status_code == 302
    # Ash's private calendar address stops working when the record goes to another account
    # (an outside tester: the old account kept reading it, with no page to turn it off)
    with app.app_context():
        db.session.get(Resident, rid).calendar_token = token = "t" * 43
        db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    make_user("ash.new@example.org", "Tiny IR", "resident")
    assert post_form(client, form, **fields, account="ash.new@example.org").status_code == 302
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    with app.app_context():
        assert db.session.get(Resident, rid).calendar_token is None
    assert post_form(client, form, **fields, account="").status_code == 302
    make_user("pd@example.org", "Tiny IR", "program_director")
    _sign_out(client)
    sign_in(client, "pd@example.org")
    # newest first; saving the form again with the same account logs nothing
    assert [r for r in _audit_rows(client, pid) if "Account" in r] == [
        "chief@example.org | Account unlinked · ash.new@example.org from Ash Kettering | ",
        "chief@example.org | Account linked · ash.new@example.org to Ash Kettering | ",
        "chief@example.org | Account unlinked · ash@example.org from Ash Kettering | ",
        "chief@example.org | Account linked · ash@example.org to Ash Kettering | "]


def test_a_director_changes_a_chiefs_role_in_one_step_and_the_log_says_so(app, client,
                                                                        make_user):
    """A chief who finishes residency becomes faculty: one change on the people page, the
    chief's pages close to them at once, and the log has one line for it. Changing the
    only director's role, or one's own, is refused as removing it is."""
    make_user("pd@example.org", "Tiny IR", "program_director")
    make_user("chief@example.org", "Tiny IR", "chief")
    with app.app_context():
        pid = db.session.scalar(select(Membership.program_id))
        ids = dict(db.session.execute(select(User.email, Membership.id).join(Membership)).all())
    sign_in(client, "pd@example.org")
    people = f"/programs/{pid}/people"
    page = client.get(people).get_data(as_text=True)
    assert 'aria-label="New role for chief@example.org"' in page
    assert 'aria-label="New role for pd@example.org"' not in page      # not one's own
    # nothing is chosen until the director chooses, and the question names the choice
    assert '<option value="" selected disabled>New role…</option>' in page
    assert "from Chief resident to {choice}?" in page
    def change(who: str, role: str) -> str:
        """Post the person's change-role form; the page it leads back to."""
        posted = post_form(client, f"{people}/{ids[who]}/role", people, role=role)
        return client.get(posted.headers["Location"]).get_data(as_text=True)

    assert "Not changed: choose one of the roles." in change("chief@example.org", "")
    assert "chief@example.org is now faculty (attending)." in change("chief@example.org",
                                                                      "faculty")
    assert "Not changed: you cannot remove your own role" in change("pd@example.org", "chief")
    assert "Not changed: only an admin can make someone an admin." in change(
        "chief@example.org", "admin")
    assert _audit_rows(client, pid, "?action=role.changed") == [
        "pd@example.org | Role changed · chief@example.org from Chief resident to "
        "Faculty (attending) | "]
    _sign_out(client)
    sign_in(client, "chief@example.org")
    assert client.get(f"/programs/{pid}/generate").status_code == 403
