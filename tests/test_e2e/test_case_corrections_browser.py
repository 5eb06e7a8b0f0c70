"""In a real browser (issue 19, "trust in daily use"): a resident fixes a case their
attending returned and it goes back to the queue; deleting a case asks first; an attending
ticks two cases on their queue and verifies both at once."""

from __future__ import annotations

import re

from browser_steps import answer_next_dialog
from playwright.sync_api import expect
from test_browser import _sign_in


def _log(page, procedure: str, site: str = "", complications: str = "None") -> None:
    page.get_by_role("link", name="My cases").click()
    page.get_by_label("Primary procedure").select_option(label=procedure)
    page.get_by_label("Attending").select_option(label="Dr. Rowan Achebe")
    if site:
        page.get_by_label("Site").fill(site)
    page.get_by_label("Complications").select_option(label=complications)
    page.get_by_role("button", name="Log case").click()
    expect(page.locator(".flash.info", has_text="Case logged")).to_be_visible()


def test_a_resident_fixes_a_returned_case_and_it_goes_back_to_the_queue(live, phone, desktop):
    base, _app = live
    _sign_in(phone, base, "r4.ir@demo.example")
    _log(phone, "Paracentesis", site="Pinecrest Clinic")

    _sign_in(desktop, base, "faculty@demo.example")
    desktop.get_by_role("link", name="To verify").click()
    row = desktop.locator("#queue tr", has_text="Pinecrest Clinic")
    row.get_by_label("Comment").fill("You were the assistant, not the operator")
    row.get_by_label("Comment").press("Enter")
    expect(desktop.locator(".flash.info", has_text="Case returned")).to_be_visible()
    expect(desktop.locator("#queue tr", has_text="Pinecrest Clinic")).to_have_count(0)

    phone.get_by_role("link", name="My cases").click()
    returned = phone.locator("#returned")
    expect(returned).to_contain_text("You were the assistant, not the operator")
    returned.locator("li", has_text="You were the assistant").get_by_role(
        "link", name=re.compile("^Fix the case of")).click()
    expect(phone.locator("#returned-comment")).to_contain_text(
        "You were the assistant, not the operator")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Your role").select_option(label="Assistant")
    phone.get_by_role("button", name="Save and send back to verify").click()
    expect(phone.locator(".flash.info", has_text="Case saved and sent to Dr. Rowan Achebe"
                         )).to_be_visible()
    expect(phone.locator("#returned li", has_text="You were the assistant")).to_have_count(0)

    desktop.reload()
    row = desktop.locator("#queue tr", has_text="Pinecrest Clinic")
    expect(row).to_contain_text("assistant")
    row.get_by_role("button", name="Verify", exact=True).click()
    expect(desktop.locator(".flash.info", has_text="Case verified")).to_be_visible()

    # Verified: final. The page says so, and offers neither the form nor Delete.
    phone.get_by_role("link", name="My cases").click()
    expect(phone.locator("#my-cases tr", has_text="verified").get_by_role(
        "link", name=re.compile("^(Edit|Fix) "))).to_have_count(0)


def test_deleting_a_case_asks_first_and_cancel_keeps_it(live, phone):
    base, _app = live
    page = phone
    _sign_in(page, base, "r4.ir@demo.example")
    _log(page, "Thoracentesis", site="Lakeside Annex")
    edit = page.locator("#my-cases tbody tr").first.get_by_role(   # the newest case
        "link", name=re.compile("^Edit the case of"))
    address = edit.get_attribute("href")
    edit.click()
    asked: list[str] = []

    answer_next_dialog(page, False, asked)
    page.get_by_role("button", name="Delete this case").click()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    expect(page.get_by_label("Site")).to_have_value("Lakeside Annex")
    assert asked and asked[0].startswith("Delete the case of ")
    answer_next_dialog(page, True, asked)
    page.get_by_role("button", name="Delete this case").click()
    expect(page.locator(".flash.info", has_text="is deleted")).to_be_visible()
    expect(page.locator(f'#my-cases a[href="{address}"]')).to_have_count(0)


def test_an_attending_selects_two_cases_and_verifies_them_at_once(live, phone, desktop):
    base, _app = live
    _sign_in(phone, base, "r4.ir@demo.example")
    _log(phone, "Paracentesis", site="Pinecrest Clinic", complications="Minor")
    _log(phone, "Thoracentesis", site="Harbor Annex")

    _sign_in(desktop, base, "faculty@demo.example")
    desktop.get_by_role("link", name="To verify").click()
    first = desktop.locator("#queue tr", has_text="Pinecrest Clinic")
    second = desktop.locator("#queue tr", has_text="Harbor Annex")
    expect(first.locator("td.complications")).to_have_text("minor")
    expect(second.locator("td.site")).to_have_text("Harbor Annex")

    boxes = desktop.locator("#queue").get_by_role("checkbox")
    select_all = desktop.get_by_label("Select all")
    select_all.check()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    select_all.uncheck()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).not_to_be_checked()

    first.get_by_role("checkbox").click()
    second.get_by_role("checkbox").focus()
    desktop.keyboard.press("Space")                        # ticked from the keyboard
    expect(second.get_by_role("checkbox")).to_be_checked()
    asked: list[str] = []
    answer_next_dialog(desktop, True, asked)
    desktop.get_by_role("button", name="Verify selected").click()
    expect(desktop.locator(".flash.info", has_text="2 cases verified.")).to_be_visible()
    assert asked == ["Verify 2 cases? A verified case is final: it cannot be changed or "
                     "returned after."]
    expect(desktop.locator("#queue tr", has_text="Pinecrest Clinic")).to_have_count(0)
    expect(desktop.locator("#queue tr", has_text="Harbor Annex")).to_have_count(0)

    phone.get_by_role("link", name="My cases").click()
    for procedure in ("Paracentesis", "Thoracentesis"):
        expect(phone.locator("#my-cases tr", has_text=procedure).first).to_contain_text(
            "verified")
