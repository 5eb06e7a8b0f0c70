"""In a real browser, split blocks: a chief turns them on in the settings (Enter in a text
box saves), marks two rotations 'may fill half a block', starts a draft from the published
version and splits a cell in the grid by clicking it and choosing its second half; a
resident then sees both halves of a split block on a phone, each with its dates."""

from __future__ import annotations

import re

from browser_steps import sign_in
from playwright.sync_api import expect
from sqlalchemy import select

from web.extensions import db
from web.models import Program, Resident, Schedule, User


def test_a_chief_splits_a_block_in_the_grid(live, desktop):
    base, _app = live
    page = desktop
    sign_in(page, base, "chief@demo.example")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label(re.compile("Split blocks")).check()
    page.get_by_label("Program name").press("Enter")
    expect(page.locator(".flash.info", has_text="Settings saved")).to_be_visible()
    for code in ("MAMMO", "PEDS"):
        page.get_by_role("link", name="Rotations", exact=True).click()
        page.get_by_role("link", name=code, exact=True).click()
        page.get_by_label(re.compile("May fill half a block")).check()
        page.get_by_role("button", name="Save rotation").click()
        expect(page.locator(".flash.info", has_text=f"Rotation {code} saved")).to_be_visible()

    page.get_by_role("link", name="Schedules").click()
    page.get_by_role("link", name="version 1").click()
    page.get_by_role("button", name="Start a draft from this version").click()
    expect(page.get_by_role("heading", name=re.compile("Draft #"))).to_be_visible()
    mammo = page.locator('td.cell[data-code="MAMMO"]').first
    resident = mammo.locator("xpath=..").get_attribute("data-resident")
    block = mammo.get_attribute("data-block")
    mammo.click()
    expect(page.locator("#cell-rotation")).to_have_value("MAMMO")
    expect(page.locator("#cell-second")).to_have_value("")   # whole block so far
    page.get_by_label("Second half").select_option("PEDS")
    page.get_by_role("button", name="Change and check").click()
    expect(page.locator(".flash.info", has_text=f"block {block}: now MAMMO / PEDS")
           ).to_be_visible()
    cell = page.locator(f'tr[data-resident="{resident}"] td.cell[data-block="{block}"]')
    expect(cell).to_contain_text("MAMMO / PEDS")
    expect(cell).to_have_attribute("data-second", "PEDS")
    # clicking the split cell shows both halves in the form
    cell.click()
    expect(page.locator("#cell-second")).to_have_value("PEDS")


def test_a_resident_sees_both_halves_of_a_split_block_on_a_phone(live, phone):
    base, app = live
    with app.app_context():   # the published version splits block 3 of this resident's year
        user = db.session.scalar(select(User).where(User.email == "r4.ir@demo.example"))
        key = db.session.scalar(select(Resident.key).where(Resident.user_id == user.id))
        program = db.session.scalar(select(Program).where(
            Program.name.startswith("Duke-style")))   # not the demo's second program
        program.split_blocks = True
        for rotation in program.rotations:
            rotation.split = rotation.code in ("MAMMO", "PEDS")
        published = db.session.scalar(select(Schedule).where(
            Schedule.state == "published", Schedule.program_id == program.id))
        data = dict(published.data)
        residents = dict(data["residents"])
        row = dict(residents[key])
        row["rotations"] = [*row["rotations"][:2], ["MAMMO", "PEDS"], *row["rotations"][3:]]
        residents[key] = row
        data["residents"] = residents
        published.data = data
        db.session.commit()
    page = phone
    sign_in(page, base, "r4.ir@demo.example")
    page.get_by_role("link", name="My schedule").click()
    expect(page.locator("#my-year li")).to_have_count(13)   # 12 blocks, block 3 in two
    expect(page.locator("#my-year")).to_contain_text("Block 3 (first half) · 1 Sep – 15 Sep")
    expect(page.locator("#my-year")).to_contain_text("Block 3 (second half) · 16 Sep – 30 Sep")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
