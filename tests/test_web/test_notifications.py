"""Notifications, in the app and by e-mail through a real SMTP server: a swap offered,
accepted and approved; a schedule published; a request decided; a person who turned e-mail
off; a mail server that does not answer."""

from __future__ import annotations

import re

import pytest
from smtp_inbox import body, free_port, smtp_server
from sqlalchemy import select
from test_call_pages import (  # noqa: F401  (fixtures)
    _as,
    _generate,
    _offer,
    _shift_for,
    _swap_id,
    on_call,
    published,
)
from web_support import csrf_token

from web.extensions import db
from web.models import Notification, User


@pytest.fixture
def inbox():
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
def app_settings(inbox):
    """This module's app sends its mail to the test's SMTP server."""
    return {**inbox.settings(), "PUBLIC_URL": "http://localhost"}


def _mail_to(inbox, address: str) -> list[str]:
    # (stripped: a long subject with non-ASCII characters, such as the dash of
    # '17:00–07:00', is encoded on a folded line of its own, which unfolds to a space)
    return [m["Subject"].strip() for m, to in zip(inbox.messages, inbox.recipients,
                                                  strict=True) if address in to]


def test_a_swap_tells_the_others_the_chief_and_both_residents(app, client, on_call, inbox):  # noqa: F811
    pid, call_id = on_call
    published_mail = _mail_to(inbox, "bea@example.org")
    inbox.messages.clear()
    inbox.recipients.clear()
    shift = _shift_for(app, call_id, "bea", "cal", ok=True)
    _as(client, "bea@example.org")
    _offer(client, pid, shift)
    offered = _mail_to(inbox, "cal@example.org")
    assert len(offered) == 1 and offered[0].startswith("Call shift on offer:")
    assert _mail_to(inbox, "bea@example.org") == []       # not to the one who offered it
    swap_id = _swap_id(app)
    swaps = f"/programs/{pid}/call/swaps"
    _as(client, "cal@example.org")
    client.post(f"{swaps}/{swap_id}/accept", data={"csrf_token": csrf_token(client, swaps)})
    assert _mail_to(inbox, "chief@example.org")[-1].startswith("Swap to approve:")
    assert _mail_to(inbox, "bea@example.org")[-1].startswith("Swap to approve:")
    _as(client, "chief@example.org")
    client.post(f"{swaps}/{swap_id}/approve", data={"csrf_token": csrf_token(client, swaps)})
    for who in ("bea@example.org", "cal@example.org"):
        assert _mail_to(inbox, who)[-1].startswith("Swap approved:")
    approved = next(m for m in inbox.messages
                    if m["Subject"].strip().startswith("Swap approved"))
    assert f"http://localhost/programs/{pid}/call/swaps" in body(approved)
    # in the app too, with the count in the header until marked read
    _as(client, "bea@example.org")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Swap approved" in page and "Swap to approve" in page
    assert "Notifications <strong>(" in page
    client.post("/notifications/read", data={"csrf_token": csrf_token(client,
                                                                      "/notifications")})
    assert "Notifications <strong>(" not in client.get("/notifications").get_data(
        as_text=True)
    assert published_mail == []    # bea had no account yet when call version 1 was published


def _unread(client) -> list[str]:
    """The subjects the notifications page shows as unread, and the header's count."""
    page = client.get("/notifications").get_data(as_text=True)
    count = re.search(r"Notifications <strong>\((\d+)\)</strong>", page)
    subjects = re.findall(r'<li class="unread"><strong>(?:<a href="[^"]*">)?([^<]+)<', page)
    assert len(subjects) == (int(count.group(1)) if count else 0)
    return subjects


def _two_taken_swaps(app, client, pid: int, call_id: int) -> list[int]:
    """Bea offers two of her calls and Cal takes both: both wait for a chief's approval."""
    from solver.call.swap import swap
    from web.call import services
    from web.models import CallSchedule

    with app.app_context():
        year, duty, schedule = services.read(db.session.get(CallSchedule, call_id))
    shifts = [f"{p.what}|{p.start}" for p in duty.duty["bea"] if p.kind == "call"
              and swap(year, schedule, duty, p.what, p.start, "bea", "cal").ok][:2]
    assert len(shifts) == 2
    ids = []
    for shift in shifts:
        _as(client, "bea@example.org")
        _offer(client, pid, shift)
        ids.append(_swap_id(app))
        _as(client, "cal@example.org")
        swaps = f"/programs/{pid}/call/swaps"
        client.post(f"{swaps}/{ids[-1]}/accept", data={"csrf_token": csrf_token(client,
                                                                                swaps)})
    return ids


@pytest.mark.parametrize(("who", "step"), [("chief@example.org", "approve"),
                                           ("coordinator@example.org", "decline"),
                                           ("bea@example.org", "withdraw")])
def test_a_swap_to_approve_stops_counting_as_unread_once_anyone_has_decided_it(
        app, client, on_call, make_user, who, step):  # noqa: F811
    """Both chiefs (a chief and a coordinator) are asked to approve two taken swaps. Once
    one of them approves or declines the first, or its giver withdraws it, neither chief
    sees that request as unread any more (nor counted in the header); the second swap's
    request still is."""
    pid, call_id = on_call
    make_user("coordinator@example.org", "Tiny IR", "coordinator")
    first, second = _two_taken_swaps(app, client, pid, call_id)
    with app.app_context():
        from web.call.swaps import label
        from web.models import CallSwap

        asked = [f"Swap to approve: {label(db.session.get(CallSwap, i))}"
                 for i in (first, second)]
    for manager in ("chief@example.org", "coordinator@example.org"):
        _as(client, manager)
        assert sorted(_unread(client)) == sorted(asked)

    _as(client, who)
    swaps = f"/programs/{pid}/call/swaps"
    done = client.post(f"{swaps}/{first}/{step}", data={"csrf_token": csrf_token(client, swaps)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Not done" not in done
    for manager in ("chief@example.org", "coordinator@example.org"):
        _as(client, manager)
        assert _unread(client) == [asked[1]]
        assert asked[0] in client.get("/notifications").get_data(as_text=True)   # kept, read


def test_publishing_the_call_schedule_tells_the_residents(app, client, published, inbox):  # noqa: F811
    call_id = _generate(app, client, published)
    path = f"/programs/{published}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    message = inbox.only_message_to("ash@example.org")
    assert message["Subject"] == "Tiny IR: the call schedule is published"
    assert "your calls are on your schedule page" in body(message)


def test_everyone_told_of_a_publication_is_mailed_over_one_connection(
        app, client, published, make_user, inbox):  # noqa: F811
    """Three residents told at once: one sign-in to the mail server, not one each (with a
    real server, each connection costs a TLS handshake and a sign-in); an address the
    server refuses does not stop the others."""
    from test_call_pages import _link

    _link(app, make_user, "bea", "cal")
    inbox.refused.add("bea@example.org")
    call_id = _generate(app, client, published)
    path = f"/programs/{published}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    told = sorted(to for to, in inbox.recipients)
    assert told == ["ash@example.org", "cal@example.org"]
    assert len(set(inbox.connections)) == 1
    with app.app_context():
        bea = db.session.scalar(select(User).where(User.email == "bea@example.org"))
        assert db.session.scalars(select(Notification).where(
            Notification.user_id == bea.id)).all() != []        # still told in the app


def test_a_person_who_turned_email_off_still_finds_it_in_the_app(app, client, published,  # noqa: F811
                                                                 inbox):
    _as(client, "ash@example.org")
    client.post("/account/notifications", data={"csrf_token": csrf_token(
        client, "/account/password")})           # the box left unticked
    _as(client, "chief@example.org")
    call_id = _generate(app, client, published)
    path = f"/programs/{published}/call/{call_id}"
    client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)})
    assert inbox.messages == []
    with app.app_context():
        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))
        assert ash.email_notifications is False
        subjects = [n.subject for n in db.session.scalars(select(Notification).where(
            Notification.user_id == ash.id))]
    assert subjects == ["Tiny IR: the call schedule is published"]


def test_a_mail_server_that_does_not_answer_loses_nothing(app, client, published, inbox):  # noqa: F811
    app.config["MAIL_PORT"] = free_port()          # nothing listens there now
    call_id = _generate(app, client, published)
    path = f"/programs/{published}/call/{call_id}"
    page = client.post(f"{path}/publish", data={"csrf_token": csrf_token(client, path)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Published as call version 1" in page
    with app.app_context():
        assert db.session.scalars(select(Notification)).all() != []
    assert inbox.messages == []


def test_a_decided_request_tells_the_resident(app, client, published, inbox):  # noqa: F811
    from web.models import Request

    with app.app_context():
        request_id = db.session.scalars(select(Request.id)).first()
    path = f"/programs/{published}/requests"
    page = client.get(path).get_data(as_text=True)
    assert f"request-{request_id}" in page
    client.post(f"/programs/{published}/requests/{request_id}/decision", data={
        "decision": "declined", "reason": "the week is full",
        "csrf_token": csrf_token(client, path)})
    message = inbox.only_message_to("ash@example.org")
    # the request named as on the pages ("Vacation: week of ...", "Not on NF: week of ...")
    assert re.fullmatch(r"Your request \(Vacation: weeks? of .+\) was declined: the week is "
                        r"full", message["Subject"])


def test_a_returned_case_tells_its_resident_where_to_fix_it(app, client, published, inbox,  # noqa: F811
                                                            make_user):
    from datetime import date

    from web.cases.services import categories
    from web.models import Case, CaseProcedure, Program, Resident

    make_user("dr.quill@example.org", "Tiny IR", "faculty")
    with app.app_context():
        program = db.session.get(Program, published)
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        quill = db.session.scalar(select(User).where(User.email == "dr.quill@example.org"))
        kind = categories(program)[0].types[0]
        case = Case(program_id=published, resident=ash, day=date(2027, 8, 2),
                    attending=quill, procedures=[CaseProcedure(type=kind, primary=True)])
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    _as(client, "dr.quill@example.org")
    queue = f"/programs/{published}/verify"
    client.post(f"/programs/{published}/cases/{case_id}/verify", data={
        "action": "return", "comment": "Add the second access site.",
        "csrf_token": csrf_token(client, queue)})
    message = inbox.only_message_to("ash@example.org")
    assert message["Subject"] == "A case of 2 Aug 2027 was returned to you"
    assert "Add the second access site." in body(message)
    assert f"http://localhost/programs/{published}/my/cases/{case_id}" in body(message)


def test_mail_goes_only_after_the_commit_and_never_for_an_undone_step(app, published,  # noqa: F811
                                                                     inbox):
    from web.models import Program
    from web.notify import notify
    from web.transaction import in_one_transaction, refusable

    with app.test_request_context():
        program = db.session.get(Program, published)
        ash = db.session.scalar(select(User).where(User.email == "ash@example.org"))

        @in_one_transaction
        def change():
            notify([ash], program, "kept", "a change that stays")
            try:
                with refusable():
                    notify([ash], program, "undone", "a step that was refused")
                    raise ValueError("refused")
            except ValueError:
                pass
            assert inbox.messages == []          # nothing before the commit

        change()

        @in_one_transaction
        def failing():
            notify([ash], program, "rolled back", "a request that failed")
            raise RuntimeError("the view failed")

        with pytest.raises(RuntimeError):
            failing()
        kept = [n.subject for n in db.session.scalars(select(Notification).where(
            Notification.user_id == ash.id))]
    assert [m["Subject"] for m in inbox.messages] == ["kept"]
    assert kept == ["kept"]
