"""Requests: a resident asks, within a weight budget; the chief approves (hard), keeps as a
wish (soft) or declines with a reason; only approved requests and wishes reach the solver."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from web_support import csrf_token, post_form, program_id, sign_in, upload

from scheduler import load_program_text
from web import program_file
from web.extensions import db
from web.models import Program, Request, Resident

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"


@pytest.fixture
def program(app, client, make_user):
    """The sample program, a chief, and two resident accounts linked to two residents."""
    make_user("chief@example.org", "Duke IR", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Duke IR")
    upload(client, f"/programs/{pid}/import", "file", "duke.toml", SAMPLE.read_text())
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        name = db.session.get(Program, pid).name
    make_user("ana.res@example.org", name, "resident")
    make_user("ben.res@example.org", name, "resident")
    sign_in(client, "chief@example.org")
    residents = []
    with app.app_context():
        rows = db.session.get(Program, pid).residents
        residents = [(r.id, r.key, r.level, r.track) for r in rows[:2]]
    for (rid, key, level, track), email in zip(residents, ["ana.res@example.org",
                                                           "ben.res@example.org"], strict=True):
        response = post_form(client, f"/programs/{pid}/residents/{rid}", key=key, level=level,
                         track=track, account=email)
        assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return {"id": pid, "ana": residents[0][0], "ben": residents[1][0]}




def _mine(program) -> str:
    return f"/programs/{program['id']}/my/requests"


def _got_in_another_way(app, program, kind: str, details: dict, note: str = "") -> int:
    """A pending request of Ana's that the request form would refuse (an older one, or the
    chief's own entry): written straight to the database; its id."""
    with app.app_context():
        row = db.session.get(Program, program["id"])
        ana = db.session.get(Resident, program["ana"])
        asked = Request(program=row, resident=ana, kind=kind, details=details, weight=2,
                        note=note, from_resident=True, position=len(row.requests))
        db.session.add(asked)
        db.session.commit()
        return asked.id


def _chief_decides(client, program, request_id: int) -> tuple[str, str]:
    """The chief signs in: the requests page, and the request's decision address."""
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    listing = f"/programs/{program['id']}/requests"
    return listing, f"{listing}/{request_id}/decision"


def test_vacation_request_goes_from_resident_to_chief_and_into_the_file(app, client, program):
    sign_in(client, "ana.res@example.org")
    response = post_form(client, _mine(program), kind="vacation", weeks=["26", "27"], weight="3",
                     note="Family wedding")
    assert response.status_code == 302
    page = client.get(_mine(program)).get_data(as_text=True)
    assert "Waiting for a decision" in page and "7 of 10 weight points left" in page.replace(
        "<strong>", "").replace("</strong>", "")
    with app.app_context():
        request = db.session.scalars(select(Request).where(Request.note == "Family wedding")
                                     ).one()
        request_id = request.id
        assert request.details == {"weeks": ["2027-12-27", "2028-01-03"]}
        # Pending: not in the file the solver sees.
        assert len(load_program_text(program_file.export_toml(request.program)
                                     ).program.requests) == len(
            program_file.solved_requests(request.program))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "chief@example.org")
    listing = client.get(f"/programs/{program['id']}/requests?status=pending"
                         ).get_data(as_text=True)
    assert "Family wedding" in listing
    response = post_form(client, f"/programs/{program['id']}/requests/{request_id}/decision",
                     form_page=f"/programs/{program['id']}/requests", decision="approved")
    assert response.status_code == 302
    exported = client.get(f"/programs/{program['id']}/program.toml").get_data(as_text=True)
    entries = load_program_text(exported).program.requests
    approved = [r for r in entries if r.kind == "vacation" and r.weight == 3 and r.hard
                and [d.isoformat() for d in r.weeks] == ["2027-12-27", "2028-01-03"]]
    assert len(approved) == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "ana.res@example.org")
    assert "Approved" in client.get(_mine(program)).get_data(as_text=True)


def test_a_declined_request_needs_a_reason_and_the_resident_sees_it(app, client, program):
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="avoid", target="CT", weight="1")
    with app.app_context():
        request_id = db.session.scalar(select(Request.id).where(Request.status == "pending"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    path = f"/programs/{program['id']}/requests/{request_id}/decision"
    listing = f"/programs/{program['id']}/requests"
    # Issue 19, item 2: a reason typed and Save pressed, no decision chosen: nothing decided
    assert '<option value="" selected>Choose…</option>' in client.get(listing).get_data(
        as_text=True)
    post_form(client, path, form_page=listing, decision="", reason="CT is required")
    assert "Choose a decision." in client.get(listing).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Request, request_id).status == "pending"
    post_form(client, path, form_page=listing, decision="declined", reason="")
    page = client.get(listing).get_data(as_text=True)   # which request, in words
    assert "request (Not on CT all year) is declined: the reason goes to them" in page
    post_form(client, path, form_page=listing, decision="declined",
          reason="CT is required in the R1 year")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ana.res@example.org")
    page = client.get(_mine(program)).get_data(as_text=True)
    assert "Declined" in page and "CT is required in the R1 year" in page


def test_requests_beyond_the_weight_budget_are_refused(app, client, program):
    sign_in(client, "ana.res@example.org")
    for week in ("7", "8"):
        assert post_form(client, _mine(program), kind="vacation", weeks=[week],
                     weight="5").status_code == 302
    page = post_form(client, _mine(program), kind="vacation", weeks=["5"], weight="1"
                 ).get_data(as_text=True)
    assert "you have 0 of 10 weight points left this year" in page
    with app.app_context():
        assert len(db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()) == 2


def test_incomplete_requests_say_what_is_missing(client, program):
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="assign", target="IR-U", weight="1"
                 ).get_data(as_text=True)
    assert "choose the block(s) you ask for" in page
    page = post_form(client, _mine(program), kind="vacation", weight="1").get_data(as_text=True)
    assert "choose at least one week" in page
    page = post_form(client, _mine(program), kind="avoid", weight="1").get_data(as_text=True)
    assert "choose a rotation, group or service" in page


def test_the_weeks_list_says_how_to_choose_several_on_a_phone_and_a_computer(
        client, program):
    sign_in(client, "ana.res@example.org")
    page = " ".join(client.get(_mine(program)).get_data(as_text=True).split())
    assert ("To choose more than one: on a phone, tap each week; on a computer, hold Ctrl "
            "(⌘ on a Mac) and click each") in page
    assert "hold Ctrl (or ⌘)" not in page


def test_residents_withdraw_only_their_own_pending_requests(app, client, program):
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="vacation", weeks=["30"], weight="1")
    with app.app_context():
        anas = db.session.scalar(select(Request.id).where(
            Request.resident_id == program["ana"], Request.status == "pending"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ben.res@example.org")
    withdraw = f"/programs/{program['id']}/my/requests/{anas}/withdraw"
    assert post_form(client, withdraw, form_page=_mine(program)).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ana.res@example.org")
    assert post_form(client, withdraw, form_page=_mine(program)).status_code == 302
    with app.app_context():
        assert db.session.get(Request, anas) is None


def test_withdrawing_a_request_the_chiefs_decided_meanwhile_says_what_they_decided(
        app, client, program):
    """From a tab loaded before the chief approved it (browser walk-through)."""
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="vacation", weeks=["30"], weight="1")
    with app.app_context():
        asked = db.session.scalar(select(Request).where(Request.resident_id == program["ana"],
                                                        Request.status == "pending"))
        asked_id, seen = asked.id, asked.stamp
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    listing = f"/programs/{program['id']}/requests"
    client.post(f"{listing}/{asked_id}/decision", data={
        "csrf_token": csrf_token(client, listing), "seen": seen, "decision": "approved"})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ana.res@example.org")
    page = post_form(client, f"/programs/{program['id']}/my/requests/{asked_id}/withdraw",
                     form_page=_mine(program))
    page = client.get(page.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        decided = db.session.get(Request, asked_id)
        assert decided.status == "approved"
        on = decided.decided_at
    assert (f"The chiefs already decided this request on {on.day} {on:%b %Y}: approved; ask "
            "them if you need a change.") in page
    assert "Only a pending request" not in page


def test_a_decision_from_a_page_loaded_before_a_withdrawal_decides_nothing(app, client,
                                                                            program):
    """The chief's list was loaded while a request was pending; the resident withdrew it and
    asked again (on SQLite the new request takes the freed number). Approving from the old
    page approves nothing: the chief is told to read the new request first."""
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="vacation", weeks=["30"], weight="1")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    listing = f"/programs/{program['id']}/requests"
    page = client.get(listing).get_data(as_text=True)
    with app.app_context():
        first = db.session.scalar(select(Request).where(Request.resident_id == program["ana"],
                                                        Request.status == "pending"))
        first_id, seen = first.id, first.stamp
    assert f'name="seen" value="{seen}"' in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ana.res@example.org")
    post_form(client, f"/programs/{program['id']}/my/requests/{first_id}/withdraw",
              form_page=_mine(program))
    post_form(client, _mine(program), kind="vacation", weeks=["40"], weight="1")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    with app.app_context():
        second = db.session.scalar(select(Request).where(Request.resident_id == program["ana"],
                                                         Request.status == "pending"))
        second_id = second.id
    page = client.post(f"{listing}/{second_id}/decision",
                       data={"csrf_token": csrf_token(client, listing), "seen": seen,
                             "decision": "approved"},
                       follow_redirects=True).get_data(as_text=True)
    assert "another has taken its place since the page was loaded: nothing was decided" in page
    with app.app_context():
        assert db.session.get(Request, second_id).status == "pending"
    # from the page as it is now, the decision is made
    page = client.get(listing).get_data(as_text=True)
    with app.app_context():
        now_seen = db.session.get(Request, second_id).stamp
    assert f'name="seen" value="{now_seen}"' in page
    response = client.post(f"{listing}/{second_id}/decision",
                           data={"csrf_token": csrf_token(client, listing), "seen": now_seen,
                                 "decision": "wish"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Request, second_id).status == "wish"


def test_a_resident_sees_only_their_own_requests(app, client, program):
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="vacation", weeks=["30"], weight="2",
          note="Ana's own note")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ben.res@example.org")
    assert "Ana&#39;s own note" not in client.get(_mine(program)).get_data(as_text=True)
    assert client.get(f"/programs/{program['id']}/requests").status_code == 403


def test_linking_an_account_needs_the_resident_role(app, client, program, make_user):
    make_user("faculty.member@example.org", "Other program", "faculty")
    sign_in(client, "chief@example.org")
    with app.app_context():
        third = db.session.get(Program, program["id"]).residents[2]
        rid, key, level, track = third.id, third.key, third.level, third.track
    page = post_form(client, f"/programs/{program['id']}/residents/{rid}", key=key, level=level,
                 track=track, account="faculty.member@example.org").get_data(as_text=True)
    assert "no account faculty.member@example.org with the resident role" in page
    page = post_form(client, f"/programs/{program['id']}/residents/{rid}", key=key, level=level,
                 track=track, account="ana.res@example.org").get_data(as_text=True)
    assert "ana.res@example.org is already linked to " in page
    with app.app_context():
        assert db.session.get(Resident, rid).user_id is None


def test_a_resident_without_a_linked_record_is_told_so(client, program, make_user, app):
    with app.app_context():
        name = db.session.get(Program, program["id"]).name
    make_user("new.res@example.org", name, "resident")
    sign_in(client, "new.res@example.org")
    page = client.get(_mine(program)).get_data(as_text=True)
    assert "not linked to a resident" in page


def test_requests_sent_at_once_stay_within_the_weight_budget(app, client, program):
    """Eight requests of weight 2 sent at the same moment: five fit in the budget of 10."""
    import threading

    clients = [app.test_client() for _ in range(8)]
    tokens = []
    for each in clients:
        sign_in(each, "ana.res@example.org")
        tokens.append(csrf_token(each, _mine(program)))
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def send(each, token: str, week: int) -> None:
        start.wait()
        response = each.post(_mine(program), data={
            "kind": "vacation", "weeks": [str(week)], "weight": "2", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(each, token, 10 + i))
               for i, (each, token) in enumerate(zip(clients, tokens, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 3 + [302] * 5
    with app.app_context():
        spent = [r.weight for r in db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.from_resident.is_(True)))]
    assert spent == [2] * 5


def test_a_night_float_week_off_says_which_week_and_only_its_residents_ask(app, client,
                                                                          program):
    """A resident night float never takes (it is for R2s and R3s) is told so and nothing is
    sent; once an R2, their request for a week off reads as that week of night float, on
    their list and on the chief's, not as a rotation."""
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="avoid", target="NF", weeks=["45"],
                     weight="1", note="Brother's graduation").get_data(as_text=True)
    assert "NF does not take R1 IR residents: it never takes you" in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()
        ana = db.session.get(Resident, program["ana"])
        key, track = ana.key, ana.track
        week = db.session.get(Program, program["id"]).year_calendar.week_start(45)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    assert post_form(client, f"/programs/{program['id']}/residents/{program['ana']}", key=key,
                     level="R2", track=track, account="ana.res@example.org"
                     ).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "ana.res@example.org")
    assert post_form(client, _mine(program), kind="avoid", target="NF", weeks=["45"],
                     weight="1", note="Brother's graduation").status_code == 302
    said = f"Not on NF: week of {week.day} {week:%b %Y}"
    page = client.get(_mine(program)).get_data(as_text=True)
    assert said in page and "None" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    listing = client.get(f"/programs/{program['id']}/requests?status=pending"
                         ).get_data(as_text=True)
    assert said in listing and "Not on None" not in listing


def test_a_night_float_week_off_in_a_week_already_over_is_refused(app, client, program):
    """Asking off a weekly service for a week that has passed is refused as vacation is, and
    costs no weight points (browser walk-through: it was sent, and charged)."""
    with app.app_context():
        db.session.get(Resident, program["ana"]).level = "R2"   # night float takes R2s
        db.session.get(Program, program["id"]).year_start = date(2026, 7, 1)   # week 1 over
        db.session.commit()
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="avoid", target="NF", weeks=["1"],
                     weight="2").get_data(as_text=True)
    assert "week 1 (6 Jul – 12 Jul 2026) has already begun: ask for other weeks" in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()


def test_weeks_already_begun_and_blocks_over_are_greyed_out_in_the_lists(app, client,
                                                                          program):
    """The weeks list keeps every week of the year, those already begun (this week too)
    marked and not to be chosen, so a resident sees where the year stands without picking
    a week in vain (browser walk-through: 23 weeks already over looked as good as the rest;
    the week ending today could be asked for and approved); the blocks list marks the
    blocks already over the same way."""
    start = date.today() - timedelta(days=60)
    with app.app_context():
        db.session.get(Program, program["id"]).year_start = start
        calendar = db.session.get(Program, program["id"]).year_calendar
        db.session.commit()
    begun = [w for w in range(1, calendar.num_weeks + 1)
             if calendar.week_start(w) <= date.today()]
    assert begun and begun[-1] < calendar.num_weeks
    assert calendar.week_end(begun[-1]) >= date.today()   # this week: begun, not over
    sign_in(client, "ana.res@example.org")
    page = client.get(_mine(program)).get_data(as_text=True)
    options = re.findall(r'<option ([^>]*)value="(\d+)"[^>]*>(Week [^<]*)</option>', page)
    marked = {int(value): ("disabled" in attributes, label) for attributes, value, label
              in options}
    assert all(marked[w][0] and marked[w][1].endswith("— too late") for w in begun)
    last = calendar.num_weeks
    assert not marked[last][0] and not marked[last][1].endswith("— too late")
    first = calendar.week_start(last)
    assert marked[last][1].startswith(f"Week {last} · {first.day} {first:%b}")
    blocks = re.findall(r'<option ([^>]*)value="(\d+)"[^>]*>(Block [^<]*)</option>', page)
    over = {int(value) for attributes, value, label in blocks
            if "disabled" in attributes and label.endswith("— over")}
    assert over == {b.index for b in calendar.blocks if b.end < date.today()} and over


def test_a_rotation_asked_for_in_a_block_already_over_is_refused(app, client, program):
    """On or off a rotation in a block that has ended cannot be scheduled any more: refused
    on the blocks field, naming the block, and no weight point spent (browser walk-through:
    it was sent, and could be approved)."""
    today = date.today()
    month = today.month - 3   # the year began three months ago: its first block is over
    start = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    with app.app_context():
        db.session.get(Program, program["id"]).year_start = start
        first = db.session.get(Program, program["id"]).year_calendar.blocks[0]
        db.session.commit()
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="avoid", target="CT", blocks=["1", "12"],
                     weight="2").get_data(as_text=True)
    assert (f"block 1 ({first.start.day} {first.start:%b %Y} – {first.end.day} "
            f"{first.end:%b %Y}) is already over: ask for later blocks") in page
    assert "block 12 (" not in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()
    # the blocks still to come are not said to be over
    page = post_form(client, _mine(program), kind="avoid", target="CT", blocks=["12"],
                     weight="2").get_data(as_text=True)
    assert "already over" not in page


def test_vacation_a_hard_rule_forbids_is_refused_when_asked_and_when_approved(app, client,
                                                                               program):
    """The resident is told at once when weeks break a hard rule by themselves (an R1 in the
    R1 orientation blackout; two weeks of one block where one is allowed), and nothing is
    sent; a request that got in another way (the chief's own entry, an older one) cannot be
    approved as hard, which would leave the year without a schedule, but can be kept as a
    wish."""
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="vacation", weeks=["2"], weight="1"
                     ).get_data(as_text=True)
    assert ("week 2 (12 Jul – 18 Jul 2027) falls in the blackout &#39;R1 orientation&#39; "
            "(1 Jul – 31 Jul 2027): ask for other weeks") in page
    page = post_form(client, _mine(program), kind="vacation", weeks=["25", "26"], weight="1"
                     ).get_data(as_text=True)
    assert "working days of vacation in block 6, where at most 5 (1 week) are allowed" in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()
    request_id = _got_in_another_way(app, program, "vacation",
                                     {"weeks": ["2027-12-20", "2027-12-27"]}, note="Christmas")
    listing, path = _chief_decides(client, program, request_id)
    post_form(client, path, form_page=listing, decision="approved")
    page = client.get(listing).get_data(as_text=True)
    assert "request would leave no schedule" in page and "Keep it as a wish" in page
    with app.app_context():
        assert db.session.get(Request, request_id).status == "pending"
    assert post_form(client, path, form_page=listing, decision="wish").status_code == 302
    with app.app_context():
        assert db.session.get(Request, request_id).status == "wish"


def test_a_week_already_asked_for_is_not_asked_and_charged_twice(app, client, program):
    """The request form sent again (a second tab, or the form filled in twice) for a week a
    standing request already asks for: refused on the Weeks field, the weight charged once;
    once the first is withdrawn the week can be asked for again."""
    sign_in(client, "ana.res@example.org")
    assert post_form(client, _mine(program), kind="vacation", weeks=["30"], weight="2",
                     note="Brother's graduation").status_code == 302
    with app.app_context():
        first = db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).one()
        monday = first.weeks_in(first.program.year_calendar)[0]
        day = first.program.year_calendar.week_start(monday)
        first_id = first.id
    named = f"{day.day} {day:%b %Y}"
    response = post_form(client, _mine(program), kind="vacation", weeks=["30"],
                         weight="1", note="again")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (f"you have already asked for the week of {named} (Vacation: week of {named}: "
            "waiting for a decision); withdraw that request first to ask for it "
            "differently") in page
    assert "8 of 10 weight points left" in page.replace("<strong>", "").replace(
        "</strong>", "")
    assert re.search(r'name="note" rows="2">\s*again</textarea>', page)  # typed, kept
    post_form(client, f"/programs/{program['id']}/my/requests/{first_id}/withdraw",
              form_page=_mine(program))
    assert post_form(client, _mine(program), kind="vacation", weeks=["30"],
                     weight="1").status_code == 302


def test_a_rotation_that_never_takes_the_resident_cannot_be_asked_for_or_approved(
        app, client, program):
    """SICU takes only R4s (IR, ESIR): an R1's list shows it as not for them, asking for it
    is refused on the field, and a request for it that got in another way cannot be
    approved as hard (the next solve would find no schedule), only kept as a wish."""
    sign_in(client, "ana.res@example.org")
    form = client.get(_mine(program)).get_data(as_text=True)
    assert re.search(r'<option disabled value="SICU">SICU[^<]* — not for R1 \w+ residents',
                     form), "SICU is offered to an R1"
    assert re.search(r'<option value="CT">', form)
    page = post_form(client, _mine(program), kind="assign", target="SICU", blocks=["7"],
                     weight="1").get_data(as_text=True)
    assert "SICU does not take R1" in page and "it never takes you" in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.resident_id == program["ana"], Request.status == "pending")).all()
    request_id = _got_in_another_way(app, program, "assign",
                                     {"rotation": "SICU", "blocks": [7]})
    listing, path = _chief_decides(client, program, request_id)
    post_form(client, path, form_page=listing, decision="approved")
    page = client.get(listing).get_data(as_text=True)
    assert re.search(r"If approved, [^<]*&#39;s request would leave no schedule: SICU does not "
                     r"take R1 \w+ residents\. Keep it as a wish", page), "approved anyway"
    with app.app_context():
        assert db.session.get(Request, request_id).status == "pending"
    assert post_form(client, path, form_page=listing, decision="wish").status_code == 302


def test_a_change_that_would_leave_an_approved_request_never_met_is_refused(app, client,
                                                                             program):
    """Ana, an R3 for now, has CARDIAC (R3s and R4s) approved for block 7; the chief then
    sets her level back to R1, which CARDIAC never takes: the change is refused, naming the
    request, instead of the next solve finding no schedule."""
    request_id = _got_in_another_way(app, program, "assign",
                                     {"rotation": "CARDIAC", "blocks": [7]})
    sign_in(client, "ana.res@example.org")
    listing, path = _chief_decides(client, program, request_id)
    with app.app_context():
        ana = db.session.get(Resident, program["ana"])
        key, track = ana.key, ana.track
    resident = f"/programs/{program['id']}/residents/{program['ana']}"
    assert post_form(client, resident, key=key, level="R3", track=track,
                     account="ana.res@example.org").status_code == 302
    assert post_form(client, path, form_page=listing, decision="approved").status_code == 302
    response = post_form(client, resident, key=key, level="R1", track=track,
                         account="ana.res@example.org")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("this approved request could then never be met: CARDIAC would not take R1 "
            f"{track} residents; decline or change it first (Requests)") in page
    with app.app_context():
        assert db.session.get(Resident, program["ana"]).level == "R3"
        assert db.session.get(Request, request_id).status == "approved"


def test_patient_information_in_a_note_or_a_reason_is_refused(app, client, program):
    """A request's note and a decline's reason are free text the chiefs and the resident
    read: what looks like a patient's record number or birth date is refused on the field,
    and nothing is kept; a note that says the days it is about is fine."""
    sign_in(client, "ana.res@example.org")
    page = post_form(client, _mine(program), kind="avoid", target="CT", weight="1",
                     note="cover pt MRN 1234567").get_data(as_text=True)
    assert ("this looks like a medical record or accession number (MRN). Requests never "
            "hold patient information") in page
    with app.app_context():
        assert not db.session.scalars(select(Request).where(
            Request.note.contains("MRN"))).all()
    assert post_form(client, _mine(program), kind="avoid", target="CT", weight="1",
                     note="sister's wedding on 12 June 2027").status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(Request.id).where(
            Request.note == "sister's wedding on 12 June 2027"))
    listing, path = _chief_decides(client, program, request_id)
    post_form(client, path, form_page=listing, decision="declined",
              reason="the patient (DOB 3/4/1961) needs you")
    assert "this looks like a birth date (DOB)" in client.get(listing).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Request, request_id).status == "pending"


def test_a_chief_who_is_also_a_resident_does_not_decide_their_own_request(app, client,
                                                                          program, make_user):
    """Ana is a resident and a chief: her own request waits for another chief, whatever she
    chooses, and the other chief decides it."""
    with app.app_context():
        name = db.session.get(Program, program["id"]).name
    make_user("ana.res@example.org", name, "chief")
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="avoid", target="CT", weight="1",
              note="ana asks")
    with app.app_context():
        request_id = db.session.scalar(select(Request.id).where(Request.note == "ana asks"))
    listing = f"/programs/{program['id']}/requests"
    path = f"{listing}/{request_id}/decision"
    post_form(client, path, form_page=listing, decision="approved")
    assert ("this is your own request: another chief or the program director decides it"
            in client.get(listing).get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Request, request_id).status == "pending"
    listing, path = _chief_decides(client, program, request_id)
    assert post_form(client, path, form_page=listing, decision="wish").status_code == 302
    with app.app_context():
        assert db.session.get(Request, request_id).status == "wish"


def _approved(app, program, weeks: list[str]) -> None:
    """Vacation of Ana's approved already (written straight to the database)."""
    with app.app_context():
        row = db.session.get(Program, program["id"])
        ana = db.session.get(Resident, program["ana"])
        db.session.add(Request(program=row, resident=ana, kind="vacation",
                               details={"weeks": weeks}, weight=1, status="approved",
                               from_resident=True, position=len(row.requests)))
        db.session.commit()


def test_approving_counts_the_vacation_approved_already(app, client, program):
    """A week that is fine by itself cannot be approved where, with Ana's vacation approved
    already, it puts two weeks in one block (the cap is one) or gives her more weeks than
    she takes (4): the next solve would find no schedule (browser walk-through: seven weeks
    were approved for a resident who takes four)."""
    _approved(app, program, ["2028-02-07"])
    same_block = _got_in_another_way(app, program, "vacation", {"weeks": ["2028-02-21"]})
    sign_in(client, "ana.res@example.org")
    listing, path = _chief_decides(client, program, same_block)
    post_form(client, path, form_page=listing, decision="approved")
    page = client.get(listing).get_data(as_text=True)
    assert ("10 working days of vacation in block 8, where at most 5 (1 week) are allowed "
            "(with 7 Feb – 13 Feb 2028 approved already)") in page
    with app.app_context():
        assert db.session.get(Request, same_block).status == "pending"
    _approved(app, program, ["2027-08-09", "2027-09-13", "2027-10-11"])
    fifth = _got_in_another_way(app, program, "vacation", {"weeks": ["2028-03-13"]})
    path = f"{listing}/{fifth}/decision"
    post_form(client, path, form_page=listing, decision="approved")
    page = client.get(listing).get_data(as_text=True)
    assert "5 weeks of vacation in all (with " in page and "takes 4" in page
    with app.app_context():
        assert db.session.get(Request, fifth).status == "pending"


def test_faculty_see_the_requests_but_not_the_residents_notes(app, client, program,
                                                              make_user):
    """A resident's note is for the chiefs who decide: faculty, who may look at the program,
    see the requests without it (browser walk-through: "Sister's wedding" shown to every
    attending)."""
    sign_in(client, "ana.res@example.org")
    post_form(client, _mine(program), kind="avoid", target="CT", weight="1",
              note="Sister's wedding weekend")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        name = db.session.get(Program, program["id"]).name
    make_user("attending@example.org", name, "faculty")
    sign_in(client, "attending@example.org")
    page = client.get(f"/programs/{program['id']}/requests").get_data(as_text=True)
    assert "Not on CT" in page and "Sister&#39;s wedding weekend" not in page
    assert "shown only to those who decide requests" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "chief@example.org")
    page = client.get(f"/programs/{program['id']}/requests").get_data(as_text=True)
    assert "Sister&#39;s wedding weekend" in page
