"""People leave a program by being archived, and a published version never changes: it is
read against the program file it was published with (issue 19, item 3)."""

from __future__ import annotations

import re

from sqlalchemy import select
from test_solving import TINY
from web_support import chief_imports, csrf_token, post_form, solved_draft, upload

from web.extensions import db
from web.models import AuditEvent, Resident


def _published(app, client, make_user) -> tuple[int, int]:
    """TINY imported by a chief and solved, published through the page: (program, version)."""
    pid = chief_imports(app, client, make_user, TINY)
    sid = solved_draft(app, pid, TINY)
    grid = f"/programs/{pid}/schedules/{sid}"
    page = post_form(client, f"{grid}/publish", form_page=grid).headers["Location"]
    assert page.endswith(grid)
    return pid, sid


def _resident_id(app, pid: int, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Resident.id).where(Resident.program_id == pid,
                                                           Resident.key == key))


def _summary(page: str) -> str:
    """The grid's line of figures: status, penalty, requests not granted, hard rules."""
    found = re.search(r"penalty \d+ ·.*?(no hard rule broken|\d+ hard rules? broken)",
                      page, re.S)
    assert found, page[:3000]
    return " ".join(found.group(0).split())


def _actions(app, pid: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.program_id == pid).order_by(AuditEvent.id)))


def test_archiving_keeps_the_published_version_and_leaves_new_solves(app, client, make_user):
    pid, sid = _published(app, client, make_user)
    grid = f"/programs/{pid}/schedules/{sid}"
    before = client.get(grid).get_data(as_text=True)
    assert "Cal Dunwich" in before
    cal = _resident_id(app, pid, "cal")

    # Asked first: the page says what archiving keeps, and that deleting is not possible.
    leave = f"/programs/{pid}/residents/{cal}/leave"
    page = client.get(leave).get_data(as_text=True)
    assert "Published version 1 keeps their row" in page
    assert "Not possible: Cal Dunwich is in published version(s) 1" in page
    refused = post_form(client, f"/programs/{pid}/residents/{cal}/delete", form_page=leave,
                        ).headers["Location"]
    page = client.get(refused).get_data(as_text=True)
    assert "archive them instead" in page
    assert client.get(f"/programs/{pid}/residents").get_data(as_text=True).count(
        "Cal Dunwich") == 1

    done = post_form(client, f"/programs/{pid}/residents/{cal}/archive", form_page=leave)
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Cal Dunwich archived" in page
    archived = page.split('id="archived"')[1]
    assert "Cal Dunwich" in archived and "Restore" in archived

    after = client.get(grid).get_data(as_text=True)
    assert "Cal Dunwich" in after and "unknown resident" not in after
    assert _summary(after) == _summary(before)
    exported = client.get(f"/programs/{pid}/program.toml").get_data(as_text=True)
    assert 'id = "cal"' not in exported and 'id = "bea"' in exported
    assert client.get(f"/programs/{pid}/residents/{cal}").status_code == 404

    # A draft from the version leaves Cal out and says so.
    made = post_form(client, f"{grid}/draft", form_page=grid).headers["Location"]
    draft = client.get(made).get_data(as_text=True)
    assert "without cal (archived)" in draft
    assert 'data-resident="cal"' not in draft and 'data-resident="bea"' in draft

    restored = post_form(client, f"/programs/{pid}/residents/{cal}/restore",
                         form_page=f"/programs/{pid}/residents")
    page = client.get(restored.headers["Location"]).get_data(as_text=True)
    assert "Cal Dunwich is back in the program" in page and 'id="archived"' not in page
    assert _actions(app, pid)[-2:] == ["resident.archived", "resident.restored"]


def test_a_rule_changed_after_publishing_does_not_change_the_version(app, client, make_user):
    """The chief imports next year's rules (R2s now need two SICU blocks, Cal left): version
    1 still reads as it was published; Cal is archived, not deleted."""
    pid, sid = _published(app, client, make_user)
    grid = f"/programs/{pid}/schedules/{sid}"
    before = _summary(client.get(grid).get_data(as_text=True))
    cal = TINY.index('[[resident]]\nid = "cal"')
    changed = (TINY[:cal] + TINY[TINY.index("[[requirement]]"):]).replace(
        "exactly = 1", "exactly = 2")
    response = upload(client, f"/programs/{pid}/import", "file", "program.toml", changed)
    assert response.status_code == 302
    assert _summary(client.get(grid).get_data(as_text=True)) == before
    with app.app_context():
        kept = db.session.scalar(select(Resident).where(Resident.key == "cal"))
        assert kept is not None and kept.archived_at is not None
    # A draft is read against the program as it is now: Bea's one SICU block is short.
    made = post_form(client, f"{grid}/draft", form_page=grid).headers["Location"]
    page = client.get(made).get_data(as_text=True)
    broken = page.split('id="broken"')[1].split("</div>")[0]
    assert re.search(r"\d+ hard rules? broken", _summary(page)) and "SICU" in broken, broken


def test_only_someone_entered_by_mistake_can_be_deleted(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    new = f"/programs/{pid}/residents/new"
    post_form(client, new, key="dee", name="Dee Typo", level="R1", track="IR",
              vacation_weeks="1")
    dee = _resident_id(app, pid, "dee")
    leave = f"/programs/{pid}/residents/{dee}/leave"
    page = client.get(leave).get_data(as_text=True)
    assert "Delete Dee Typo for good" in page
    post_form(client, f"/programs/{pid}/residents/{dee}/delete", form_page=leave)
    assert _resident_id(app, pid, "dee") is None
    assert _actions(app, pid)[-1:] == ["resident.deleted"]


def test_an_archived_residents_id_is_not_taken_by_someone_new(app, client, make_user):
    pid, _sid = _published(app, client, make_user)
    cal = _resident_id(app, pid, "cal")
    post_form(client, f"/programs/{pid}/residents/{cal}/archive",
              form_page=f"/programs/{pid}/residents/{cal}/leave")
    new = f"/programs/{pid}/residents/new"
    page = client.post(new, data={"key": "cal", "name": "Cal Other", "level": "R1",
                                      "track": "IR", "vacation_weeks": "1",
                                      "csrf_token": csrf_token(client, new)}
                       ).get_data(as_text=True)
    assert "id cal belongs to Cal Dunwich, who is archived" in page
    with app.app_context():
        assert db.session.scalar(select(Resident.name).where(Resident.key == "cal")) == \
            "Cal Dunwich"


def test_an_archived_residents_requests_are_kept_and_cannot_be_approved(app, client,
                                                                         make_user):
    """Ash (who asked for a vacation week) leaves: the request stays through a re-import of
    the program file, cannot be approved while Ash is archived, and Ash, who lost the
    resident role here, cannot send another."""
    from web.models import Request, User

    pid, _sid = _published(app, client, make_user)
    make_user("ash@example.org", "Tiny IR", "resident")
    ash = _resident_id(app, pid, "ash")
    with app.app_context():
        db.session.get(Resident, ash).user = db.session.scalar(
            select(User).where(User.email == "ash@example.org"))
        db.session.commit()
        asked = db.session.scalar(select(Request.id).where(Request.resident_id == ash))
    post_form(client, f"/programs/{pid}/residents/{ash}/archive",
              form_page=f"/programs/{pid}/residents/{ash}/leave")
    exported = client.get(f"/programs/{pid}/program.toml").get_data(as_text=True)
    assert upload(client, f"/programs/{pid}/import", "file", "program.toml",
                  exported).status_code == 302
    with app.app_context():
        assert db.session.get(Request, asked) is not None   # kept through the import

    requests = f"/programs/{pid}/requests"
    page = client.post(f"{requests}/{asked}/decision", data={
        "decision": "approved", "csrf_token": csrf_token(client, requests)},
        follow_redirects=True).get_data(as_text=True)
    assert "Ash Pellow is archived: restore them" in page

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    from web_support import sign_in

    sign_in(client, "ash@example.org")
    # archiving took Ash's resident role here: no request page to send one from
    mine = f"/programs/{pid}/my/requests"
    assert client.get(mine).status_code == 404
    assert client.post(mine, data={"kind": "vacation", "weeks": ["10"], "weight": "1",
                                   "csrf_token": csrf_token(client, "/")}).status_code == 404


def test_an_archived_resident_loses_their_resident_role_here(app, client, make_user):
    from web_support import sign_in

    from web.models import Membership, User

    pid, _ = _published(app, client, make_user)
    make_user("cal@example.org", "Tiny IR", "resident")
    with app.app_context():
        cal = db.session.scalar(select(Resident).where(Resident.key == "cal"))
        cal.user = db.session.scalar(select(User).where(User.email == "cal@example.org"))
        db.session.commit()
        cal_id = cal.id
    leave = f"/programs/{pid}/residents/{cal_id}/leave"
    page = client.get(leave).get_data(as_text=True)
    assert "Their account (cal@example.org) loses its resident role" in page
    post_form(client, f"/programs/{pid}/residents/{cal_id}/archive", form_page=leave)
    assert _actions(app, pid)[-2:] == ["resident.archived", "role.revoked"]
    with app.app_context():
        assert db.session.scalars(select(Membership).join(User).where(
            User.email == "cal@example.org", Membership.program_id == pid)).all() == []
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "cal@example.org")
    assert client.get(f"/programs/{pid}/my/schedule").status_code == 404


def test_a_program_file_that_leaves_someone_out_archives_them_in_the_audit_log(
        app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    without_cal = TINY.replace('[[resident]]\nid = "cal"\nname = "Cal Dunwich"\nlevel = "R2"\n'
                               'track = "IR"\n', "")
    assert without_cal != TINY
    assert upload(client, f"/programs/{pid}/import", "file", "program.toml",
                  without_cal).status_code == 302
    assert upload(client, f"/programs/{pid}/import", "file", "program.toml",
                  TINY).status_code == 302
    assert _actions(app, pid)[-2:] == ["resident.archived", "resident.restored"]
    with app.app_context():
        subjects = list(db.session.scalars(select(AuditEvent.subject).where(
            AuditEvent.program_id == pid).order_by(AuditEvent.id)))
    assert subjects[-2:] == ["Cal Dunwich (cal), left out of an imported file",
                             "Cal Dunwich (cal), named again by an imported file"]
