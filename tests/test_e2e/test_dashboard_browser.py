"""In a real browser, the program director's dashboard over the demo's case logs (issue 19):
"off pace only", sorting by level, opening a resident and coming back, the filters kept in
the address all the way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from web.demo import PASSWORD


def test_a_director_filters_off_pace_sorts_by_level_and_opens_a_resident(live, desktop):
    base, _app = live
    page = desktop
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill("director@demo.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.get_by_role("link", name=re.compile("Duke-style")).click()
    page.get_by_role("link", name="Case logs").click()
    rows = page.locator("#dashboard tbody tr")
    expect(rows.first).to_be_visible()
    everyone = rows.count()

    page.get_by_label("Off pace only").check()
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]off_pace=1"))
    expect(page.locator('#dashboard tbody tr:not([data-standing="off pace"])')).to_have_count(0)
    expect(rows.first).to_be_visible()
    off_pace = rows.count()
    assert 0 < off_pace < everyone
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.standing)")) == {"off pace"}
    expect(page.locator("#board-summary")).to_contain_text(f"showing {off_pace}")

    page.locator("#dashboard thead").get_by_role("link", name="Level").click()
    expect(page).to_have_url(re.compile(r"sort=level.*off_pace=1"))
    expect(rows).to_have_count(off_pace)                       # still off pace only
    expect(page.get_by_label("Off pace only")).to_be_checked()
    levels = [cell.split()[0] for cell in rows.locator("td.level").all_inner_texts()]
    assert levels == sorted(levels) and len(set(levels)) > 1

    first = rows.first.locator("td").first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name=f"Progress: {name}")).to_be_visible()
    expect(page.locator("#targets .bad").first).to_contain_text("off pace")
    page.get_by_role("link", name="Back to the case-log dashboard").click()
    expect(page).to_have_url(re.compile(r"sort=level.*off_pace=1"))
    expect(rows).to_have_count(off_pace)
    expect(rows.first.locator("td").first).to_have_text(name)
