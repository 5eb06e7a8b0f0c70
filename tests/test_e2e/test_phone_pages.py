"""Every page a resident uses fits a 390 px phone: nothing wider than the screen, so
nothing needs a sideways scroll (issue 19: "every page fits 390 px")."""

from __future__ import annotations

import re

from browser_steps import sign_in
from playwright.sync_api import expect

from web.demo import PASSWORD

PHONE_WIDTH = 390


def _fits(page) -> None:
    """The page is no wider than the phone, and names the widest thing when it is."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        widest = page.evaluate("""() => {
            let found = null, right = 0;
            for (const el of document.querySelectorAll("body *")) {
                const r = el.getBoundingClientRect().right;
                if (r > right) { right = r; found = el; }
            }
            return found ? found.tagName + "." + found.className + " " + right : "";
        }""")
        raise AssertionError(f"{page.url} is {width} px wide: {widest}")


def test_every_resident_page_fits_a_phone(live, phone):
    base, _app = live
    page = phone
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill("r4.ir@demo.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name=re.compile("Duke-style")).click()
    expect(page.get_by_role("link", name="My cases")).to_be_visible()  # the page has come
    _fits(page)

    # Something on every list: a logged case (returned pages are the widest), a request.
    page.get_by_role("link", name="My cases").click()
    page.get_by_label("Primary procedure").select_option(label="Paracentesis")
    page.get_by_label("Site").fill("University Hospital")
    page.get_by_role("button", name="Log case").click()
    expect(page.locator(".flash.info", has_text="Case logged")).to_be_visible()
    pages = ["My schedule", "My cases", "My progress", "My requests"]
    for name in pages:
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_class("current")
        _fits(page)
    page.get_by_role("link", name="My cases", exact=True).click()   # editing the case
    page.locator("#my-cases tbody tr").first.get_by_role(
        "link", name=re.compile("^Edit the case of")).click()
    expect(page.get_by_role("button", name="Delete this case")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="My schedule", exact=True).click()
    page.get_by_role("link", name="Who else is on my rotation").click()
    expect(page.locator("#program-grid tr.mine")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="r4.ir@demo.example").click()
    expect(page.get_by_role("heading", name=re.compile("account|password", re.I)).first
           ).to_be_visible()
    _fits(page)
    # the call schedule: the month calendar, the swaps, the notifications
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Call", exact=True).click()
    page.get_by_role("link", name="call version 1").click()
    expect(page.locator("table.month")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="Call", exact=True).click()
    page.get_by_role("link", name="Call swaps").click()
    expect(page.get_by_role("heading", name="Call swaps")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    _fits(page)


def _tappable(page) -> None:
    """Every link and button of the header and of the program's menu is inside the screen,
    at least 24 px each way (WCAG 2.2's smallest target) and clear of every other one."""
    boxes = page.evaluate("""() => Array.from(
        document.querySelectorAll("header a, header button, nav.program a"), el => {
            const r = el.getBoundingClientRect();
            return {name: el.textContent.trim(), left: r.left, right: r.right, top: r.top,
                    bottom: r.bottom};
        })""")
    assert len(boxes) > 10
    for box in boxes:
        assert 0 <= box["left"] and box["right"] <= PHONE_WIDTH, box
        assert box["right"] - box["left"] >= 24 and box["bottom"] - box["top"] >= 24, box
    slack = 0.5   # rounding: boxes that touch are apart
    for i, one in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert (one["right"] <= other["left"] + slack or other["right"] <= one["left"] + slack
                    or one["bottom"] <= other["top"] + slack
                    or other["bottom"] <= one["top"] + slack), (one, other)


def test_a_chiefs_header_wraps_on_a_phone_every_link_apart_and_tappable(live, phone):
    """At 390 px the header's items wrap whole (the name and Notifications, then the account
    and Sign out) and the program's menu wraps under it: nothing overlaps, nothing is cut
    (browser walk-through: the account ran into the name, three links stacked 19 px tall)."""
    base, _app = live
    page = phone
    sign_in(page, base, "chief@demo.example")
    page.get_by_role("link", name="Rotations").click()
    expect(page.get_by_role("heading", name="Rotations")).to_be_visible()
    _tappable(page)
    _fits(page)


def test_a_chief_decides_requests_on_a_phone(live, phone):
    """The chief's requests page (a wide table before) fits the phone too."""
    base, _app = live
    page = phone
    sign_in(page, base, "chief@demo.example")
    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.get_by_text("Sister's wedding")).to_be_visible()
    _fits(page)


def test_a_refused_form_on_a_phone_shows_its_problem_where_the_person_looks(live, phone):
    """A vacation request sent without a week: the page comes back scrolled to the weeks
    field, which says what is missing and has the cursor."""
    base, _app = live
    page = phone
    sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My requests", exact=True).click()
    page.get_by_label("I ask for").select_option(label="Vacation weeks")
    page.get_by_role("button", name="Send request").click()
    weeks = page.locator('[aria-invalid="true"]')
    expect(weeks).to_be_focused()
    expect(page.get_by_text("choose at least one week")).to_be_in_viewport()


def _pressable(page) -> None:
    """Every button of the page's main part is at least 44 px tall (a finger's size), and
    every field of a form lies inside the form's width."""
    buttons = page.evaluate("""() => Array.from(
        document.querySelectorAll("main button, main input[type=submit]"), el => {
            const r = el.getBoundingClientRect();
            return {name: (el.textContent || el.value).trim(), height: r.height,
                    shown: r.width > 0};
        }).filter(b => b.shown)""")
    assert buttons
    for button in buttons:
        assert button["height"] >= 44, button
    outside = page.evaluate("""() => Array.from(
        document.querySelectorAll("main form input, main form select, main form textarea"))
        .filter(el => el.type !== "hidden" && el.getBoundingClientRect().width > 0
                && el.getBoundingClientRect().right > el.form.getBoundingClientRect().right + 0.5)
        .map(el => el.name)""")
    assert outside == []


def test_residents_and_attendings_press_buttons_a_finger_wide_on_a_phone(live, phone):
    """A resident's case form and requests, and an attending's verify queue, at 390 px:
    Verify, Return and Withdraw were 20 px tall beside 40 px ones, and the date and site
    fields stood 10 px out of the form (browser walk-through)."""
    base, _app = live
    page = phone
    sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My cases", exact=True).click()
    page.get_by_label("Primary procedure").select_option(label="Paracentesis")
    page.get_by_label("Site").fill("University Hospital")
    page.get_by_role("button", name="Log case").click()
    expect(page.locator(".flash.info", has_text="Case logged")).to_be_visible()
    _pressable(page)
    page.get_by_role("link", name="My requests", exact=True).click()
    page.get_by_label("I ask for").select_option("vacation")
    weeks = page.get_by_label("Weeks", exact=True)
    weeks.select_option([weeks.locator("option").last.get_attribute("value")])
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("button", name="Withdraw").first).to_be_visible()
    _pressable(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "faculty@demo.example")
    page.get_by_role("link", name=re.compile("To verify")).first.click()
    expect(page.get_by_role("button", name="Verify").first).to_be_visible()
    _pressable(page)
    _fits(page)


def test_a_request_note_with_a_patients_record_number_is_refused_on_a_phone(live, phone):
    """A resident types a note naming a patient's record number and sends: the note is
    refused on its field, scrolled to, and nothing is sent; the weeks already begun are
    in the list, greyed out as too late."""
    base, _app = live
    page = phone
    sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My requests", exact=True).click()
    page.get_by_label("I ask for").select_option(label="Vacation weeks")
    late = page.locator("select[name=weeks] option[disabled]")
    expect(late.first).to_contain_text("— too late")
    page.get_by_label("Note for the chief (optional)").fill("cover for pt MRN 1234567")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Requests never hold patient information")).to_be_in_viewport()
    expect(page.get_by_label("Note for the chief (optional)")).to_have_attribute(
        "aria-invalid", "true")
    _fits(page)
