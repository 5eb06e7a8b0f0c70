"""In a real browser: the program director chooses the program's time zone by its city on the
settings page and saves it; the page shows it chosen, and the audit log records the change
and tells its time in that zone, and a changed setting from what to what. Enter in the form's
boxes does only what a person expects."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from browser_steps import answer_next_dialog, sign_in
from playwright.sync_api import expect

from scheduler.calendar import day_in_words

TOKYO = "Asia/Tokyo"


def _settings(page):
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Year settings")).to_be_visible()


def _logged(page, what: str):
    """The audit log's rows of one kind (`what`, as its filter names it), opened from the
    program's menu."""
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("link", name=what).click()
    return page.locator("tbody tr")


def _zone_changes(page):
    return _logged(page, "Time zone changed")


def test_a_director_chooses_tokyo_saves_and_times_follow_it_and_enter_changes_nothing_else(
        live, desktop):
    base, _app = live
    page = desktop
    sign_in(page, base, "director@demo.example")
    _settings(page)
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("")                       # the installation's, until chosen
    zone.select_option(label="Tokyo")                     # listed by city, under Asia
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flash.info", has_text="Settings saved.")).to_be_visible()

    _settings(page)
    expect(page.get_by_label("Time zone")).to_have_value(TOKYO)
    assert page.get_by_label("Time zone").evaluate(
        "s => s.options[s.selectedIndex].parentElement.label + ' / ' "
        "+ s.options[s.selectedIndex].text") == "Asia / Tokyo"

    # the log records the change, and says when in Tokyo's time (a day ahead of UTC's
    # evening), naming the zone
    before = datetime.now(ZoneInfo(TOKYO))
    changes = _zone_changes(page)
    after = datetime.now(ZoneInfo(TOKYO))
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text(
        re.compile(r"Time zone changed · from the installation's \(.+\) to Asia/Tokyo"))
    when = changes.first.locator("td").first.inner_text()
    assert when.endswith(" JST"), when
    assert any(when.startswith(f"{day_in_words(t.date(), weekday=True)}, {t:%H}:")
               for t in (before, after)), when

    # Enter in the holidays box starts a new line; nothing is sent
    _settings(page)
    holidays = page.get_by_label("Holidays (not working days)")
    kept = holidays.input_value()
    holidays.press("Control+End")
    holidays.press("Enter")
    expect(holidays).to_have_value(kept + "\n")
    expect(page.locator(".flash")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/settings$"))
    # Enter in the name box saves the form as it stands, the chosen zone kept: no second
    # change of zone, and nothing reset to the installation's
    page.get_by_label("Program name").press("Enter")
    expect(page.locator(".flash.info", has_text="Settings saved.")).to_be_visible()
    _settings(page)
    expect(page.get_by_label("Time zone")).to_have_value(TOKYO)
    expect(_zone_changes(page)).to_have_count(1)

    # a changed allowance, typed and saved with Enter, is in the log, from what to what;
    # the saves that changed no setting are not
    _settings(page)
    allowance = page.get_by_label("Vacation weeks per resident")
    was = allowance.input_value()
    allowance.fill(str(int(was) + 1))
    allowance.press("Enter")
    expect(page.locator(".flash.info", has_text="Settings saved.")).to_be_visible()
    changes = _logged(page, "Settings changed")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text(
        f"Settings changed · vacation weeks from {was} to {int(was) + 1}")
    expect(changes.first).to_contain_text("director@demo.example")


def test_on_a_phone_the_director_chooses_a_zone_and_saves_it(live, phone):
    base, _app = live
    page = phone
    sign_in(page, base, "director@demo.example")
    page.get_by_role("link", name="Settings").first.click()
    expect(page.get_by_role("heading", name="Year settings")).to_be_visible()
    zone = page.get_by_label("Time zone")
    zone.scroll_into_view_if_needed()
    zone.select_option(label="Chicago")                   # listed by city, under America
    page.get_by_role("button", name="Save settings").tap()
    expect(page.locator(".flash.info", has_text="Settings saved.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390   # fits the phone
    page.get_by_role("link", name="Settings").first.click()
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")

    # holidays typed one a line (Enter between them) are saved, and the audit log names
    # them on a row that still fits the phone
    holidays = page.get_by_label("Holidays (not working days)")
    holidays.scroll_into_view_if_needed()
    kept = holidays.input_value().split()
    start = date.fromisoformat(page.get_by_label("Academic year starts").input_value())
    new = [d for d in (start + timedelta(days=n) for n in range(150, 170))
           if d.weekday() < 5 and d.isoformat() not in kept][:2]
    holidays.press("Control+End")
    for day in new:
        holidays.press("Enter")
        holidays.type(day.isoformat())
    page.get_by_role("button", name="Save settings").tap()
    expect(page.locator(".flash.info", has_text="Settings saved.")).to_be_visible()
    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_role("link", name="Settings changed").tap()
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text(
        f"holidays: {', '.join(day_in_words(d) for d in new)} added")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390   # fits the phone


def test_a_director_raises_a_rotations_minimum_with_enter_and_the_audit_log_says_so(
        live, desktop):
    """The director opens a rotation, types a new minimum and presses Enter: the audit log's
    "Set-up entry changed" row names the rotation and the minimum from what to what. A save
    of the same form unchanged records nothing, and a delete the director cancels neither
    deletes nor records."""
    base, _app = live
    page = desktop
    sign_in(page, base, "director@demo.example")
    page.get_by_role("link", name="Rotations").click()
    code = page.locator("tbody tr td a").first.inner_text()
    page.get_by_role("link", name=code, exact=True).click()
    least = page.get_by_label("At least (residents per block)")
    was = int(least.input_value())
    least.fill(str(was + 1))
    least.press("Enter")
    expect(page.locator(".flash.info", has_text=f"Rotation {code} saved.")).to_be_visible()
    page.get_by_role("link", name=code, exact=True).click()
    page.get_by_role("button", name="Save rotation").click()    # nothing changed
    expect(page.locator(".flash.info", has_text=f"Rotation {code} saved.")).to_be_visible()
    asked: list[str] = []
    answer_next_dialog(page, False, asked)
    page.get_by_role("button", name=f"Delete {code}").click()
    assert asked == [f"Delete rotation {code}?"]
    expect(page.get_by_role("link", name=code, exact=True)).to_be_visible()

    changes = _logged(page, "Set-up entry changed")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text(
        f"Set-up entry changed · rotation {code}: min from {was} to {was + 1}")
    expect(changes.first).to_contain_text("director@demo.example")
    page.get_by_role("link", name="Set-up entry removed").click()
    expect(page.get_by_text("Nothing recorded for “Set-up entry removed” yet.")).to_be_visible()


def test_on_a_phone_a_rotations_new_minimum_is_logged_on_a_row_that_fits(live, phone):
    """On a phone the director opens a rotation, types a new minimum, taps Save, and reads
    the audit log's row for it without scrolling sideways."""
    base, _app = live
    page = phone
    sign_in(page, base, "director@demo.example")
    page.get_by_role("link", name="Rotations").first.click()
    code = page.locator("tbody tr td a").nth(1).inner_text()
    page.get_by_role("link", name=code, exact=True).click()
    least = page.get_by_label("At least (residents per block)")
    least.scroll_into_view_if_needed()
    was = int(least.input_value())
    least.fill(str(was + 1))
    page.get_by_role("button", name="Save rotation").tap()
    expect(page.locator(".flash.info", has_text=f"Rotation {code} saved.")).to_be_visible()
    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_role("link", name="Set-up entry changed").tap()
    row = page.locator("tbody tr", has_text=f"rotation {code}:")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"min from {was} to {was + 1}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390   # fits the phone
