"""In a real browser: a chief generates, edits a cell and sees the broken rule, publishes;
a resident on a phone sees the schedule, asks for vacation and downloads the calendar."""

from __future__ import annotations

import re

import tomli_w
from browser_steps import answer_next_dialog
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from bench import families
from web.demo import PASSWORD
from web.extensions import db
from web.models import Program, Service


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    page.get_by_role("link", name=re.compile("Duke-style")).click()


def _generate(page, base: str, seconds: str) -> None:
    """The chief signs in and starts a solve of at most `seconds`."""
    _sign_in(page, base, "chief@demo.example")
    page.get_by_role("link", name="Generate").click()
    page.get_by_label("Search for at most (seconds)").fill(seconds)
    page.get_by_role("button", name="Generate schedule").click()


def _open_version_1(page) -> None:
    page.get_by_role("link", name="Schedules").click()
    page.get_by_role("link", name="version 1").click()


def test_chief_generates_edits_a_cell_sees_the_broken_rule_and_publishes(live, desktop):
    base, _app = live
    page = desktop
    _generate(page, base, "20")
    expect(page.locator("#job-state")).to_contain_text("Finished", timeout=90_000)
    expect(page.locator("#job-chart .main-svg").first).to_be_visible()
    # the answer's own figures: a proven optimum's bound is its penalty
    said = re.search(r"Best penalty (\d+), lower bound (\d+)\. Result: ([^.]+)\.",
                     page.locator("#job-state").inner_text())
    assert said is not None and said.group(3) == "best possible (proven)"
    assert said.group(1) == said.group(2)
    page.locator("#open-draft").click()
    expect(page.get_by_role("heading", name=re.compile("Draft #"))).to_be_visible()
    # what the penalty is made of: folded away until the chief opens it
    parts = page.locator("#penalty-parts tbody tr")
    expect(parts.first).to_be_hidden()
    page.get_by_text(re.compile(r"What the penalty of \d+ is made of")).click()
    expect(parts.first).to_be_visible()
    expect(page.locator("#penalty-parts")).to_contain_text("not granted")

    # Victor Lindgren (R4 IR) must do exactly one SICU block: move him off it.
    row = page.locator('tr[data-resident="lindgren"]')
    sicu = row.locator('td.cell[data-code="SICU"]')
    block = sicu.get_attribute("data-block")
    sicu.click()
    page.locator("#cell-rotation").select_option("IR-U")
    page.get_by_role("button", name="Change and check").click()
    expect(page.locator(".flash.error", has_text="Breaks:").first).to_be_visible()
    expect(page.locator("#broken")).to_contain_text("SICU")

    # Put him back: the rule is fixed, and the draft can be published.
    row.locator(f'td.cell[data-block="{block}"]').click()
    page.locator("#cell-rotation").select_option("SICU")
    page.get_by_role("button", name="Change and check").click()
    expect(page.locator(".flash.info", has_text="Fixed:").first).to_be_visible()
    # Publishing asks first and says what it changes; Cancel keeps the draft
    asked: list[str] = []

    answer_next_dialog(page, False, asked)
    page.get_by_role("button", name="Publish as the next version").click()
    expect(page.get_by_role("heading", name=re.compile("Draft #"))).to_be_visible()
    assert asked and asked[0].startswith("Publish draft #") and "differ from version 1" in asked[0]
    answer_next_dialog(page, True, asked)
    page.get_by_role("button", name="Publish as the next version").click()
    expect(page.locator(".flash.info", has_text="Published as version 2")).to_be_visible()


def test_the_page_generate_opens_says_what_it_makes_in_its_title_and_heading(live, desktop):
    """Generate opens the solve's page: the browser's tab and the page's heading name what
    is being made, the block schedule, or the call schedule on a block version (not a bare
    'Solve #7')."""
    base, _app = live
    page = desktop
    _generate(page, base, "5")
    expect(page).to_have_title(re.compile(
        r"^Generating the block schedule · Solve #\d+ · Duke-style .* · Residency$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Generating the block schedule")
    expect(page.locator("#job-state")).to_contain_text("Finished", timeout=90_000)

    page.get_by_role("link", name="Call", exact=True).click()
    page.get_by_label("Search for at most (seconds)").fill("5")
    page.get_by_role("button", name="Generate call schedule").click()
    expect(page).to_have_title(re.compile(r"^Generating the call schedule · Solve #\d+ · "))
    expect(page.get_by_role("heading", level=1)).to_have_text("Generating the call schedule")
    expect(page.locator("#job-about")).to_contain_text("on block version 1")
    expect(page.locator("#job-state")).to_contain_text("Finished", timeout=90_000)


def test_resident_on_a_phone_sees_the_schedule_asks_and_downloads(live, phone, tmp_path):
    base, app = live
    with app.app_context():   # a weekly service R4s may serve, beside night float (R2-R3)
        duke = db.session.scalar(select(Program).where(Program.name.startswith("Duke-style")))
        duke.services.append(Service(position=len(duke.services), entry={
            "code": "CONSULT", "name": "Evening consults", "levels": ["R4"]}))
        db.session.commit()
    page = phone
    _sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My schedule").click()
    expect(page.locator("#my-year li")).to_have_count(12)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone

    page.get_by_role("link", name="My requests").click()
    # Only the fields a kind of request reads show: weeks for vacation; a rotation and its
    # blocks for an assign request, and weeks again when the rotation is a weekly service
    weeks = page.get_by_label("Weeks", exact=True)
    target = page.get_by_label("Rotation, group or weekly service")
    blocks = page.get_by_label("Blocks", exact=True)
    page.get_by_label("I ask for").select_option("assign")
    expect(weeks).to_be_hidden()
    expect(blocks).to_be_visible()
    expect(target.locator('option[value="NF"]')).to_be_disabled()   # it never takes an R4
    expect(target.locator('option[value="NF"]')).to_contain_text("not for R4 IR residents")
    # a rotation that never takes them (NIR is for R5s) cannot be chosen either
    expect(target.locator('option[value="NIR"]')).to_be_disabled()
    expect(target.locator('option[value="NIR"]')).to_contain_text("not for R4 IR residents")
    target.select_option("CONSULT")
    expect(weeks).to_be_visible()
    expect(blocks).to_be_hidden()
    page.get_by_label("I ask for").select_option("vacation")
    expect(target).to_be_hidden()
    expect(blocks).to_be_hidden()
    weeks.select_option([weeks.locator("option").last.get_attribute("value")])  # not over yet
    page.get_by_label("How much it matters").select_option("3")
    page.get_by_label("Note for the chief (optional)").fill("Family visit")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash.info", has_text="Request sent")).to_be_visible()
    expect(page.get_by_text("Waiting for a decision").first).to_be_visible()

    # Withdrawing asks first: Cancel keeps the request, OK takes it back
    asked: list[str] = []

    row = page.locator("tr", has_text="Family visit")
    answer_next_dialog(page, False, asked)
    row.get_by_role("button", name="Withdraw").click()
    expect(row).to_contain_text("Waiting for a decision")
    assert asked and asked[0].startswith("Withdraw this request?")
    answer_next_dialog(page, True, asked)
    row.get_by_role("button", name="Withdraw").click()
    expect(page.locator(".flash.info", has_text="Request withdrawn")).to_be_visible()
    expect(page.locator("tr", has_text="Family visit")).to_have_count(0)

    page.get_by_role("link", name="My schedule").click()
    with page.expect_download() as info:
        page.locator("#download-ics").click()
    path = tmp_path / "mine.ics"
    info.value.save_as(path)
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    blocks = [e for e in events if str(e["uid"]).startswith("block-")]
    assert len(blocks) == 12
    assert {str(e["summary"]).split(":")[0] for e in blocks} & {"IR-U", "IR-VA", "SICU"}
    assert len([e for e in events if str(e["summary"]) == "Vacation"]) == 4


def _counted(app, key: str) -> int:
    """The cases of resident `key` the dashboard counts (the demo counts unverified ones)."""
    from sqlalchemy import func, select

    from web.extensions import db
    from web.models import Case, Resident

    with app.app_context():
        return db.session.scalar(select(func.count(Case.id)).join(Resident).where(
            Resident.key == key, Case.state != "returned"))


def test_a_case_logged_on_a_phone_is_verified_and_counted(live, phone, desktop):
    base, app = live
    before = _counted(app, "lindgren")      # the demo's own cases of the last months
    _sign_in(phone, base, "r4.ir@demo.example")
    phone.get_by_role("link", name="My cases").click()
    phone.get_by_label("Primary procedure").select_option(label="Paracentesis")
    phone.get_by_label("Attending").select_option(label="Dr. Rowan Achebe")
    phone.get_by_label("Your reference for the case (optional)").fill("John Smith")
    phone.get_by_role("button", name="Log case").click()
    expect(phone.get_by_text("this looks like a name")).to_be_visible()
    phone.get_by_label("Your reference for the case (optional)").fill("K7")
    phone.get_by_label(re.compile("^Site")).fill("Larkspur Annex")
    phone.get_by_role("button", name="Log case").click()
    expect(phone.locator(".flash.info", has_text="Case logged")).to_be_visible()
    expect(phone.locator("#my-cases")).to_contain_text("Paracentesis (primary)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the same case logged again by mistake: warned, and offered its deletion (asked first)
    phone.get_by_label("Primary procedure").select_option(label="Paracentesis")
    phone.get_by_label("Attending").select_option(label="Dr. Rowan Achebe")
    phone.get_by_label("Your reference for the case (optional)").fill("K7")
    phone.get_by_role("button", name="Log case").click()
    expect(phone.get_by_text("carries the same reference: logged twice?")).to_be_visible()
    delete = phone.get_by_role("button", name="Delete the case just logged")
    asked: list[str] = []
    answer_next_dialog(phone, False, asked)
    delete.click()
    assert len(asked) == 1 and asked[0].startswith("Delete the case just logged (")
    expect(delete).to_be_visible()                     # Cancel: both cases kept
    answer_next_dialog(phone, True, asked)
    delete.click()
    expect(phone.locator(".flash.info", has_text="is deleted")).to_be_visible()
    expect(delete).to_have_count(0)

    _sign_in(desktop, base, "faculty@demo.example")
    desktop.get_by_role("link", name="To verify").click()
    desktop.locator("#queue tr", has_text="Larkspur Annex").get_by_role(
        "button", name="Verify").click()
    expect(desktop.locator(".flash.info", has_text="Case verified")).to_be_visible()
    desktop.get_by_role("button", name="Sign out").click()

    _sign_in(desktop, base, "director@demo.example")
    desktop.get_by_role("link", name="Case logs").click()
    row = desktop.locator('#dashboard tr[data-resident="lindgren"]')
    expect(row.locator("td.total")).to_have_text(str(before + 1))
    # the charts' library is fetched only when a chart comes near the screen
    assert desktop.evaluate("typeof Plotly") == "undefined"
    desktop.locator("#heatmap").scroll_into_view_if_needed()
    expect(desktop.locator("#heatmap .main-svg").first).to_be_visible()
    # more cases, darker: plotly's "Blues" runs from dark to pale unless reversed
    assert desktop.evaluate("""() => { const t = document.getElementById("heatmap").data[0];
        return [t.colorscale, t.reversescale]; }""") == ["Blues", True]
    # the monthly chart as drawn: every category its own colour, from its first month
    desktop.locator("#volume").scroll_into_view_if_needed()
    expect(desktop.locator("#volume .main-svg").first).to_be_visible()
    drawn = desktop.evaluate("""() => document.getElementById("volume").data.map(
        t => [t.marker.color, t.marker.pattern.shape, t.y.length ? t.y[0] : 0])""")
    assert len(drawn) > 10 and len({(c, h) for c, h, _ in drawn}) == len(drawn)
    assert sum(first for *_, first in drawn) > 0


def test_on_a_phone_a_resident_manages_their_account_and_signs_out_everywhere(
        live, phone, chromium):
    """The account page at phone width: the feed made on My schedule is listed and turned
    off (after a question), a new password is set by pressing Enter in the last box, and
    "Sign out everywhere" also signs out the laptop."""
    base, _app = live
    page = phone
    _sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My schedule").click()
    page.get_by_role("button", name="Make my private calendar address").click()
    feed = page.locator("#feed-url").input_value()
    assert page.request.get(feed).status == 200
    # too long to select on a phone: one tap copies it; a calendar app subscribes by the link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the address").click()
    expect(page.locator("#copy-said")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == feed
    assert page.locator("#subscribe-feed").get_attribute("href") == \
        "webcal://" + feed.split("://", 1)[1]

    laptop_context = chromium.new_context(viewport={"width": 1366, "height": 900})
    laptop = laptop_context.new_page()
    _sign_in(laptop, base, "r4.ir@demo.example")

    page.get_by_role("link", name="r4.ir@demo.example").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
    expect(page.locator("#sessions li")).to_have_count(2)
    expect(page.locator("#sessions li", has_text="(this one)")).to_have_count(1)
    # turning the feed off asks first; Cancel keeps the address working
    turn_off = page.locator("#feeds").get_by_role("button", name="Turn off")
    asked: list[str] = []
    answer_next_dialog(page, False, asked)
    turn_off.click()
    assert asked == ["Turn off the calendar feed of Duke-style Integrated IR/DR (sample)? "
                     "Calendars subscribed to it stop getting your schedule."]
    expect(page.locator(".flash")).to_have_count(0)
    assert page.request.get(feed).status == 200
    answer_next_dialog(page, True, asked)
    turn_off.click()
    expect(page.locator(".flash.info", has_text="Calendar feed turned off")).to_be_visible()
    assert page.request.get(feed).status == 404

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a long new secret 42")
    page.get_by_label("New password again").fill("a long new secret 42")
    page.get_by_label("New password again").press("Enter")
    expect(page.locator(".flash.info", has_text="Password changed")).to_be_visible()
    laptop.reload()    # the password change signed the other browser out
    expect(laptop.get_by_role("button", name="Sign in")).to_be_visible()
    laptop_context.close()

    page.get_by_role("link", name="r4.ir@demo.example").click()
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.locator(".flash.info", has_text="Signed out everywhere")).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_enter_in_the_comment_box_returns_the_case_and_never_verifies_it(live, phone, desktop):
    """Issue 19, item 1: typing a comment and pressing Enter sends the case back with it."""
    base, _app = live
    _sign_in(phone, base, "r4.ir@demo.example")
    phone.get_by_role("link", name="My cases").click()
    phone.get_by_label("Primary procedure").select_option(label="Paracentesis")
    phone.get_by_label("Attending").select_option(label="Dr. Rowan Achebe")
    phone.get_by_label("Site").fill("Foxglove Annex")
    phone.get_by_role("button", name="Log case").click()
    expect(phone.locator(".flash.info", has_text="Case logged")).to_be_visible()

    _sign_in(desktop, base, "faculty@demo.example")
    desktop.get_by_role("link", name="To verify").click()
    mine = desktop.locator("#queue tr", has_text="Foxglove Annex")
    expect(mine).to_have_count(1)                     # the queue has loaded before counting
    waiting = desktop.locator("#queue tr").count()    # the demo's own cases wait there too
    comment = mine.get_by_label("Comment")
    comment.fill("Please add the device used")
    comment.press("Enter")
    expect(desktop.locator(".flash.info", has_text="Case returned")).to_be_visible()
    expect(desktop.locator("#queue tr", has_text="Foxglove Annex")).to_have_count(0)
    expect(desktop.locator("#queue tr")).to_have_count(waiting - 1)   # none verified
    phone.get_by_role("link", name="My cases").click()
    expect(phone.locator("#returned li", has_text="Please add the device used")
           ).to_have_count(1)


def test_a_chief_archives_a_resident_and_the_published_version_keeps_them(live, desktop):
    """Issue 19, item 3: leaving the roster is asked first, and archives; version 1 still
    shows the resident's row, unchanged, with no rule newly broken."""
    base, _app = live
    page = desktop
    _sign_in(page, base, "chief@demo.example")
    _open_version_1(page)
    row = page.locator('tr[data-resident="lindgren"]')
    before = row.inner_text()
    summary = page.locator("main > p").first.inner_text()

    page.get_by_role("link", name="Residents").click()
    page.get_by_role("link", name="Archive or delete lindgren").click()
    expect(page.get_by_text("Published version 1 keeps their row")).to_be_visible()
    # not deletable: the demo's case logs name them (and so does version 1)
    expect(page.get_by_text(re.compile(r"Not possible: .* (is in published version|has \d+ "
                                       r"logged case)"))).to_be_visible()
    page.get_by_role("button", name=re.compile("^Archive ")).click()
    expect(page.locator(".flash.info", has_text="archived")).to_be_visible()
    expect(page.locator("#archived + p + table")).to_contain_text("lindgren")

    _open_version_1(page)
    expect(page.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible()
    assert page.locator('tr[data-resident="lindgren"]').inner_text() == before
    assert page.locator("main > p").first.inner_text() == summary


def test_a_chief_cancels_a_solve_and_gets_the_best_schedule_found_as_a_draft(live, desktop,
                                                                              tmp_path):
    """Issue 19, item 5: Cancel keeps what was promised: the best schedule found so far.

    The demo's year is proven optimal about as soon as its first schedule shows, so the
    chief first imports a larger program whose search goes on for seconds after its first
    schedule: 125 residents with tight capacity (bench/families.py), whose relaxation
    points nowhere, so the search walks down from its first schedule."""
    base, _app = live
    page = desktop
    path = tmp_path / "tight.toml"
    path.write_text(tomli_w.dumps(families.program("tight", 125, "months", 0)), "utf-8")
    _sign_in(page, base, "chief@demo.example")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Program file (.toml)").set_input_files(path)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".flash.info", has_text="Imported")).to_contain_text("125 residents")
    page.get_by_role("link", name="Generate").click()
    page.get_by_label("Search for at most (seconds)").fill("120")
    page.get_by_role("button", name="Generate schedule").click()
    expect(page.locator("#job-state")).to_contain_text("Best penalty", timeout=90_000)
    page.get_by_role("button", name="Cancel the solve").click()
    expect(page.locator(".flash.info", has_text="Cancelling")).to_be_visible()
    expect(page.locator("#job-state")).to_contain_text("Cancelled", timeout=30_000)
    expect(page.locator("#job-result")).to_contain_text("The best schedule found before you "
                                                        "cancelled is kept")
    page.locator("#open-draft").click()
    expect(page.get_by_role("heading", name=re.compile("Draft #"))).to_be_visible()
    expect(page.locator("#grid tbody tr[data-resident]")).to_have_count(125)


def test_discarding_a_draft_asks_first_and_cancel_keeps_it(live, desktop):
    """Destructive actions ask first (the page's own script: the CSP refuses inline handlers)."""
    base, _app = live
    page = desktop
    _sign_in(page, base, "chief@demo.example")
    _open_version_1(page)
    page.get_by_role("button", name="Start a draft from this version").click()
    heading = page.get_by_role("heading", name=re.compile("Draft #"))
    expect(heading).to_be_visible()
    asked: list[str] = []

    answer_next_dialog(page, False, asked)
    page.get_by_role("button", name="Discard this draft").click()
    expect(heading).to_be_visible()
    assert asked and asked[0].startswith("Discard draft #")
    answer_next_dialog(page, True, asked)
    page.get_by_role("button", name="Discard this draft").click()
    expect(page.locator(".flash.info", has_text="discarded")).to_be_visible()
    expect(page.get_by_role("heading", name="Schedules")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^draft #"))).to_have_count(0)


def test_a_cell_change_keeps_the_chief_where_they_were_in_the_grid(live, desktop):
    """The change form stays in view while the chief scrolls the grid, and after the change
    the page comes back at the same place."""
    base, _app = live
    page = desktop
    _sign_in(page, base, "chief@demo.example")
    _open_version_1(page)
    page.get_by_role("button", name="Start a draft from this version").click()
    last = page.locator("#grid tbody tr[data-resident]").last
    cell = last.locator("td.cell").nth(5)
    cell.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 300   # far down the grid
    cell.click()
    expect(page.locator("#cell-form")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == before
    page.get_by_role("button", name="Change and check").click()
    expect(page.locator(".flash.info", has_text="Soft-rule penalty")).to_be_attached()
    page.wait_for_function(f"Math.abs(window.scrollY - {before}) < 40")
    expect(last.locator("td.cell").nth(5)).to_be_in_viewport()


def test_a_chief_undoes_two_cell_changes_one_at_a_time_newest_first(live, desktop):
    """Undo puts back the last change first, then the one before; with nothing left to undo
    the button goes away."""
    base, _app = live
    page = desktop
    _sign_in(page, base, "chief@demo.example")
    _open_version_1(page)
    page.get_by_role("button", name="Start a draft from this version").click()
    row = page.locator('tr[data-resident="lindgren"]')
    first, second = row.locator('td.cell[data-block="2"]'), row.locator('td.cell[data-block="3"]')
    was = first.get_attribute("data-code"), second.get_attribute("data-code")
    now = ["PEDS" if code != "PEDS" else "MSK" for code in was]
    for cell, code in zip((first, second), now, strict=True):
        cell.click()
        page.locator("#cell-rotation").select_option(code)
        page.get_by_role("button", name="Change and check").click()
        expect(cell).to_have_attribute("data-code", code)
    undo = page.locator("#undo-form")
    expect(undo).to_contain_text("2 changes can be undone")
    undo.get_by_role("button", name=f"Undo: put back {was[1]}").click()
    expect(second).to_have_attribute("data-code", was[1])
    expect(first).to_have_attribute("data-code", now[0])
    undo.get_by_role("button", name=f"Undo: put back {was[0]}").click()
    expect(first).to_have_attribute("data-code", was[0])
    expect(undo).to_have_count(0)


def test_the_grid_shows_the_whole_year_at_1366_px_and_finds_residents(live, chromium):
    """The whole year fits a 1366 px screen; typing a name (Enter included) and choosing a
    rotation narrow the rows at once."""
    base, _app = live
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, base, "chief@demo.example")
        page.get_by_role("link", name="Schedules").click()
        page.get_by_role("link", name="version 1").click()
        expect(page.locator("#grid thead th").last).to_be_in_viewport()   # block 12, June
        rows = page.locator("#grid tr[data-resident]")
        everyone = rows.count()
        find = page.get_by_label("Find")
        find.fill("lindgren")
        find.press("Enter")
        expect(page.locator("#grid tr[data-resident]:visible")).to_have_count(1)
        expect(page.locator('tr[data-resident="lindgren"]')).to_be_visible()
        find.fill("")
        find.press("Enter")
        expect(page.locator("#grid tr[data-resident]:visible")).to_have_count(everyone)
        page.get_by_label("On rotation").select_option("SICU")
        on_sicu = page.locator("#grid tr[data-resident]:visible")
        assert 0 < on_sicu.count() < everyone
        expect(on_sicu.first.locator("td.cell.found").first).to_have_attribute(
            "data-code", "SICU")
    finally:
        context.close()


def test_a_chief_sees_what_a_change_breaks_in_a_line_per_problem(live, desktop, phone):
    """Levels typed with a mistake and Enter pressed: the duplicate is named on the field and
    the entries the change would break in a few lines, not one banner each; a rotation still
    named elsewhere is not deleted, and the page says what names it (phone width too)."""
    base, _app = live
    for page in (desktop, phone):
        _sign_in(page, base, "chief@demo.example")
        page.get_by_role("link", name="Settings").click()
        levels = page.get_by_label("Levels, lowest first")
        levels.fill("R1, R2, R2")
        levels.press("Enter")
        expect(page.get_by_text("duplicate level 'R2'")).to_be_visible()
        errors = page.locator(".flash.error")
        expect(errors.first).to_contain_text(   # the rest counted by kind
            re.compile(r"and \d+ more requirements; .*: unknown level 'R3'"))
        assert errors.count() <= 8
        expect(page.get_by_text("rotation[", exact=False)).to_have_count(0)
    page = desktop
    page.get_by_role("link", name="Rotations").click()
    asked: list[str] = []
    answer_next_dialog(page, True, asked)
    page.get_by_role("button", name="Delete SICU").click()
    expect(page.locator(".flash.error", has_text="Rotation SICU is still needed:")
           ).to_contain_text("change or delete")
    assert asked == ["Delete rotation SICU?"]
    expect(page.get_by_role("button", name="Delete SICU")).to_be_visible()
