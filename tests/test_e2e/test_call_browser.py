"""In real browsers: a resident offers a Saturday call on a phone, another takes it on theirs,
the chief approves it, and both get an e-mail (a real SMTP server); the call calendar and
the residents' pages follow the new call version."""

from __future__ import annotations

from datetime import datetime

from browser_steps import answer_next_dialog, sign_in
from playwright.sync_api import expect
from sqlalchemy import select

from scheduler.calendar import span_in_words
from solver.call.swap import swap
from web.accounts import create_user
from web.call import services
from web.demo import PASSWORD
from web.extensions import db
from web.models import Program

GIVER = "ida.marsh@example.org"
TAKER = "wren.talbot@example.org"


def _take(taker, base: str, button: str, took: str) -> None:
    """The taker, on their phone, takes the offer on the swaps page (confirming first)."""
    sign_in(taker, base, TAKER)
    taker.get_by_role("link", name="Call", exact=True).click()
    taker.get_by_role("link", name="Call swaps").click()
    taker.once("dialog", lambda dialog: dialog.accept())
    taker.get_by_role("button", name=button).click()
    expect(taker.locator(".flash.info", has_text=took)).to_be_visible()


def _approve(desktop, base: str, taker_name: str, published: str) -> None:
    """The chief approves the accepted swap on a desktop; the page names what it published."""
    sign_in(desktop, base, "chief@demo.example")
    desktop.get_by_role("link", name="Call", exact=True).click()
    desktop.get_by_role("link", name="Call swaps").click()
    row = desktop.locator("#swaps tbody tr").filter(has_text="accepted")
    expect(row).to_contain_text(taker_name)
    row.get_by_role("button", name="Approve").click()
    expect(desktop.locator(".flash.info", has_text="Swap approved")).to_be_visible()
    expect(desktop.locator("#swaps")).to_contain_text(published)


def _both_mailed(inbox, subject: str) -> None:
    """Giver and taker each received an e-mail whose subject starts with `subject`."""
    for address in (GIVER, TAKER):
        subjects = [m["Subject"].strip() for m, to in zip(inbox.messages, inbox.recipients,
                                                  strict=True) if address in to]
        assert any(s.startswith(subject) for s in subjects), subjects


def _sign_up(program, giver, taker) -> None:
    """Accounts for the giver and the taker of a swap, linked to their residents."""
    for email, resident in ((GIVER, giver), (TAKER, taker)):
        resident.user = create_user(email, PASSWORD, program, "resident",
                                    name=resident.name).user
    db.session.commit()


def _coming_saturdays(program, duty):
    """(resident without an account, start) of each coming Saturday call in `duty`; and
    those residents."""
    now = datetime.now().strftime("%Y-%m-%dT%H:%M")
    people = [r for r in program.residents if r.user is None]
    found = [(giver, period.start) for giver in people
             for period in duty.duty.get(giver.key, [])
             if period.what == "WEEKEND" and period.start > now
             and datetime.fromisoformat(period.start).weekday() == 5]
    return found, people


def _a_saturday_to_swap(app) -> tuple[str, str]:
    """A resident's coming Saturday call and another resident the checker lets take it,
    both given accounts (GIVER, TAKER): (the call's start, the taker's name)."""
    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.name.like("Duke-style%")))
        year, duty, schedule = services.read(services.latest_published(program))
        saturdays, people = _coming_saturdays(program, duty)
        for giver, start in saturdays:
            taker = next((r for r in people if r.id != giver.id and swap(
                year, schedule, duty, "WEEKEND", start, giver.key, r.key).ok), None)
            if taker is None:
                continue
            _sign_up(program, giver, taker)
            return start, taker.name
    raise AssertionError("no coming Saturday call anyone else can take")


def test_a_saturday_call_is_swapped_on_phones_approved_and_both_get_an_email(
        live_with_mail, inbox, chromium, desktop):
    base, app = live_with_mail
    start, taker_name = _a_saturday_to_swap(app)
    day = datetime.fromisoformat(start)
    phones = [chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True) for _ in range(2)]
    giver, taker = (context.new_page() for context in phones)

    # a resident offers the Saturday from their phone, beside the call on their schedule
    sign_in(giver, base, GIVER)
    giver.get_by_role("link", name="My schedule", exact=True).click()
    call = giver.locator("#call-list li").filter(
        has_text=f"{day:%a} {day.day} {day:%b}").filter(has_text="Weekend 24-hour call")
    call.get_by_role("button", name="Offer to swap").click()
    expect(giver.locator(".flash.info", has_text="Your shift is on offer")).to_be_visible()
    offered = next(m for m in inbox.messages if TAKER in inbox.recipients[
        inbox.messages.index(m)])
    assert offered["Subject"].strip() == (f"Call shift on offer: Weekend 24-hour call on {day:%a} "
                                  f"{day.day} {day:%b %Y}, 07:00–07:00")

    # the other resident takes it on theirs (and is asked first)
    _take(taker, base, "Take this shift", "You took the shift")

    # the chief approves it
    _approve(desktop, base, taker_name, "call version 2")

    # both get an e-mail, and the call follows the taker
    _both_mailed(inbox, f"Swap approved: Weekend 24-hour call on {day:%a} {day.day} {day:%b}")
    taker.get_by_role("link", name="My schedule", exact=True).click()
    expect(taker.locator("#call-list")).to_contain_text(f"{day:%a} {day.day} {day:%b}")
    giver.reload()
    expect(giver.locator("#call-list li").filter(
        has_text=f"{day:%a} {day.day} {day:%b}").filter(
            has_text="Weekend 24-hour call")).to_have_count(0)
    for context in phones:
        context.close()


def _night_float_to_swap(app) -> tuple[list[int], str, str]:
    """A coming run of a resident's night-float weeks and another resident the checkers let
    take it, both given accounts (GIVER, TAKER): (the weeks, the taker's name, the weeks'
    days in words)."""
    from solver.call.service_swap import swap_service

    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.name.like("Duke-style%")))
        year, duty, schedule = services.read(services.latest_published(program))
        today = datetime.now().date()
        people = [r for r in program.residents if r.user is None]
        seniors = [r for r in people if r.level in ("R2", "R3")]
        for giver in seniors:
            weeks = schedule.residents[giver.key].services.get("NF", [])
            for k in range(0, len(weeks) - 1, 2):
                stint = weeks[k:k + 2]
                if stint[1] != stint[0] + 1 or year.calendar.week_start(stint[0]) <= today:
                    continue
                taker = next((r for r in seniors if r.id != giver.id and swap_service(
                    year, schedule, duty, "NF", stint, giver.key, r.key).ok), None)
                if taker is None:
                    continue
                _sign_up(program, giver, taker)
                return stint, taker.name, span_in_words(
                    year.calendar.week_start(stint[0]), year.calendar.week_end(stint[1]))
    raise AssertionError("no coming night-float stint anyone else can take")


def test_night_float_weeks_are_swapped_on_phones_and_the_chief_publishes_both_versions(
        live_with_mail, inbox, chromium, desktop):
    base, app = live_with_mail
    stint, taker_name, days = _night_float_to_swap(app)
    first, last = stint
    phones = [chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True) for _ in range(2)]
    giver, taker = (context.new_page() for context in phones)

    # a resident offers their two weeks of night float from their schedule
    sign_in(giver, base, GIVER)
    giver.get_by_role("link", name="My schedule", exact=True).click()
    giver.locator(f'.svc[data-week="{first}"]').get_by_role(
        "button", name=f"Offer {days} together").click()
    expect(giver.locator(".flash.info", has_text="Your weeks are on offer")).to_be_visible()

    # another takes them on their phone
    _take(taker, base, "Take these weeks", "You took the weeks")

    # the chief approves: a block version and a call version are published
    _approve(desktop, base, taker_name, "block version 2")
    _both_mailed(inbox, f"Swap approved: Night float, {days}")

    # the weeks follow the taker on both residents' schedules
    taker.get_by_role("link", name="My schedule", exact=True).click()
    expect(taker.locator(f'.svc[data-week="{first}"]')).to_be_visible()
    giver.reload()
    expect(giver.locator(f'.svc[data-week="{first}"]')).to_have_count(0)
    for context in phones:
        context.close()


def _traded(year, schedule, duty, start: str, giver: str, taker: str):
    """Call with the weekend at `start` given to `taker` and one of the taker's later
    weekends given back, so that both keep their fair share (None where no such trade
    passes the checker)."""
    half = swap(year, schedule, duty, "WEEKEND", start, giver, taker)
    if not half.ok:
        return None
    return next((result.duty for p in half.duty.duty[taker] if p.what == "WEEKEND"
                 and p.start > start
                 and (result := swap(year, schedule, half.duty, "WEEKEND", p.start, taker,
                                     giver)).ok), None)


def _a_draft_moving_an_offer(app) -> tuple[str, str, str]:
    """A coming Saturday call of a resident (given the account GIVER), and a draft call
    version that trades it for a later weekend of another resident (`_traded`): (the
    call's start, the giver's name, the draft's label)."""
    from web.models import CallSchedule

    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.name.like("Duke-style%")))
        published = services.latest_published(program)
        year, duty, schedule = services.read(published)
        saturdays, people = _coming_saturdays(program, duty)
        for giver, start in saturdays:
            moved = next((traded for r in people if r.id != giver.id and (
                traded := _traded(year, schedule, duty, start, giver.key, r.key))), None)
            if moved is None:
                continue
            giver.user = create_user(GIVER, PASSWORD, program, "resident",
                                     name=giver.name).user
            draft = CallSchedule(program_id=program.id, schedule_id=published.schedule_id,
                                 data={**published.data, **moved.as_dict()},
                                 program_toml=published.program_toml, state="draft")
            db.session.add(draft)
            db.session.commit()
            return start, giver.name, draft.label
    raise AssertionError("no coming Saturday call anyone else can take")


def test_publishing_call_that_moves_an_offered_shift_asks_first_and_the_offer_lapses(
        live_with_mail, chromium, desktop):
    """A resident offers a Saturday call; the chief opens a draft call version that gives
    that Saturday to someone else and presses Publish. The question names the offer that
    will lapse; Cancel publishes nothing; OK publishes, and the resident sees it lapsed."""
    base, app = live_with_mail
    start, giver_name, draft = _a_draft_moving_an_offer(app)
    day = datetime.fromisoformat(start)
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                 has_touch=True)
    giver = phone.new_page()
    sign_in(giver, base, GIVER)
    giver.get_by_role("link", name="My schedule", exact=True).click()
    giver.locator("#call-list li").filter(has_text=f"{day:%a} {day.day} {day:%b}").filter(
        has_text="Weekend 24-hour call").get_by_role("button", name="Offer to swap").click()
    expect(giver.locator(".flash.info", has_text="Your shift is on offer")).to_be_visible()

    sign_in(desktop, base, "chief@demo.example")
    desktop.get_by_role("link", name="Call", exact=True).click()
    desktop.get_by_role("link", name=draft, exact=True).click()
    questions: list[str] = []

    def answer(accept: bool):
        def on_dialog(dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return on_dialog

    desktop.once("dialog", answer(False))
    desktop.get_by_role("button", name="Publish").click()
    expect(desktop.get_by_role("button", name="Publish")).to_be_visible()   # still a draft
    assert "1 open swap offer lapses, as it gives the shift or weeks to someone else: " \
        f"Weekend 24-hour call on {day:%a} {day.day} {day:%b}" in questions[0]
    assert f"offered by {giver_name}." in questions[0]
    giver.get_by_role("link", name="Call", exact=True).click()
    giver.get_by_role("link", name="Call swaps").click()
    expect(giver.locator("#swaps tbody tr").filter(has_text="offered")).to_have_count(1)

    desktop.once("dialog", answer(True))
    desktop.get_by_role("button", name="Publish").click()
    expect(desktop.locator(".flash.info", has_text="1 swap offer lapsed")).to_be_visible()
    expect(desktop.get_by_role("button", name="Publish")).to_have_count(0)
    giver.reload()
    lapsed = giver.locator("#swaps tbody tr").filter(has_text="lapsed")
    expect(lapsed).to_contain_text("a newer call version gave it elsewhere")
    phone.close()


def _an_accepted_swap(app) -> str:
    """A coming Saturday call offered by GIVER and taken by TAKER (through the swap services
    as their pages would): the call's start."""
    from web.call import swaps
    from web.models import Resident, User

    start, _taker_name = _a_saturday_to_swap(app)
    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.name.like("Duke-style%")))
        giver, taker = (db.session.scalar(select(Resident).join(User).where(
            User.email == email)) for email in (GIVER, TAKER))
        row = swaps.offer(program, giver, "WEEKEND", start, giver.user)
        swaps.accept(program, row, taker, taker.user)
        db.session.commit()
    return start


def _looks(button) -> dict[str, str]:
    """What a person sees of a button: its colours, its outline, its lettering."""
    return button.evaluate("""b => { const s = getComputedStyle(b);
        return {color: s.color, background: s.backgroundColor, outline: s.boxShadow,
                font: s.fontSize, radius: s.borderRadius}; }""")


def test_decline_is_a_danger_button_the_size_of_approve_beside_it(live, desktop):
    """On the swaps page, the chief sees Decline beside Approve as a button of the app's own
    (red on white, outlined in red), as tall and as wide-padded as Approve and on its line,
    not the browser's small grey one; pressing it asks first, then declines the swap, and
    the notification that asked the chief to approve it no longer counts as unread."""
    base, app = live
    _an_accepted_swap(app)
    sign_in(desktop, base, "chief@demo.example")
    desktop.get_by_role("link", name="Call", exact=True).click()
    desktop.get_by_role("link", name="Call swaps").click()
    expect(desktop.locator("#notifications-link")).to_have_text("Notifications (1)")
    row = desktop.locator("#swaps tbody tr").filter(has_text="accepted")
    approve, decline = (row.get_by_role("button", name=name) for name in ("Approve", "Decline"))
    approve_box, decline_box = approve.bounding_box(), decline.bounding_box()
    assert approve_box is not None and decline_box is not None
    assert decline_box["height"] == approve_box["height"]
    assert decline_box["y"] == approve_box["y"]            # side by side, on one line
    assert decline_box["x"] > approve_box["x"] + approve_box["width"]
    looks = _looks(decline)
    assert looks["color"] == "rgb(180, 35, 24)" and looks["background"] == "rgb(255, 255, 255)"
    assert "rgb(180, 35, 24)" in looks["outline"]
    assert (looks["font"], looks["radius"]) == (_looks(approve)["font"], _looks(approve)["radius"])

    asked: list[str] = []
    answer_next_dialog(desktop, True, asked)
    decline.click()
    expect(desktop.locator(".flash.info", has_text="Swap declined")).to_be_visible()
    assert asked and asked[0].startswith("Decline this swap?")
    expect(desktop.locator("#swaps tbody tr").filter(has_text="declined")).to_have_count(1)
    # the notification that asked the chief to approve it no longer counts as unread
    expect(desktop.locator("#notifications-link")).to_have_text("Notifications")
