"""In a real browser, format 2: a chief puts back the R1 orientation blackout and adds a
weekly service on the "Vacation & services" pages, re-solves mid-year, and the draft's grid
shows night-float weeks, no R1 vacation in orientation and the booked vacation unchanged."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from scheduler.schedule import as_file
from web.demo import PASSWORD
from web.extensions import db
from web.models import Program, Schedule, SolveJob

DUKE = Program.name.startswith("Duke-style")   # the demo's second program is left alone


def test_chief_adds_a_blackout_and_a_service_and_resolves_mid_year(live, desktop):
    base, app = live
    with app.app_context():   # the demo's year holds today
        calendar = db.session.scalar(select(Program).where(DUKE)).year_calendar
    first, last = date(calendar.year_start.year, 7, 1), date(calendar.year_start.year, 7, 31)
    period = f"from 1 Jul {first.year} to 31 Jul {first.year}"   # the list's words for it
    page = desktop
    asked: list[str] = []

    def confirm(dialog) -> None:   # the confirmation names what is deleted
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill("chief@demo.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.get_by_role("link", name=re.compile("Duke-style")).click()

    # Blackouts: the demo's orientation blackout is taken out and put back by hand.
    page.get_by_role("link", name="Vacation & services").click()
    expect(page.get_by_role("heading", name="Blackouts")).to_be_visible()
    page.get_by_role("button", name="Delete blackout “R1 orientation”").click()
    expect(page.locator(".flash.info", has_text="Blackout deleted")).to_be_visible()
    assert asked == [f"Delete blackout “R1 orientation” — R1 residents take no vacation "
                     f"{period}?"]
    page.get_by_role("link", name="Add a blackout").click()
    # a hard blackout has no weight: the weight shows only once "No vacation at all" is off
    weight = page.get_by_label("Weight per vacation week touching it (soft only)")
    hard = page.get_by_label(re.compile(r"No vacation at all"))
    expect(weight).to_be_hidden()
    hard.uncheck()
    expect(weight).to_be_visible()
    hard.check()
    expect(weight).to_be_hidden()
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("To (inclusive)").fill(last.isoformat())
    page.get_by_label("R1", exact=True).check()
    page.get_by_label("Name (shown in explanations)").fill("R1 orientation")
    page.get_by_label("Name (shown in explanations)").press("Enter")
    expect(page.locator(".flash.info", has_text="Blackout saved")).to_be_visible()
    expect(page.get_by_text(f"R1 residents take no vacation {period}")).to_be_visible()

    # Weekly services: a second night service for R3s in four winter weeks.
    page.get_by_role("link", name="Weekly services").click()
    page.get_by_role("link", name="Add a weekly service").click()
    page.get_by_label("Code").fill("SWING")
    page.get_by_label("Name", exact=True).fill("Evening swing shift")
    page.get_by_label("At least (residents on it each week)").fill("1")
    page.get_by_label("At most (blank: no limit)").fill("1")
    page.locator('input[name="levels"][value="R3"]').check()
    page.get_by_label("Weeks it runs (blank: every week)").fill("27-30")
    page.get_by_role("button", name="Save service").click()
    expect(page.locator(".flash.info", has_text="Weekly service saved")).to_be_visible()
    expect(page.get_by_text("Evening swing shift (SWING): exactly 1 resident a week, in weeks "
                            "27-30, open to R3 residents")).to_be_visible()

    # Re-solve mid-year: January on (blocks 1-6 kept as published).
    page.get_by_role("link", name="Generate").click()
    page.get_by_label("Search for at most (seconds)").fill("30")
    page.get_by_label("Re-solve mid-year: keep blocks 1 to").fill("6")
    page.get_by_role("button", name="Generate schedule").click()
    expect(page.locator("#job-state")).to_contain_text("Finished", timeout=120_000)
    page.locator("#open-draft").click()
    expect(page.get_by_role("heading", name=re.compile("Draft #"))).to_be_visible()

    grid = page.locator("#grid")
    expect(grid.locator(".svc", has_text="NF").first).to_be_visible()
    expect(grid.locator(".svc", has_text="SWING").first).to_be_visible()
    expect(page.locator("#weeks")).to_contain_text("SWING cover")

    with app.app_context():
        program = db.session.scalar(select(Program).where(DUKE))
        r1s = [r.key for r in program.residents if r.level == "R1"]
        published = as_file(db.session.scalar(
            select(Schedule).where(Schedule.state == "published",
                                   Schedule.program_id == program.id)).data)
        draft = as_file(db.session.scalar(
            select(Schedule).where(Schedule.state == "draft")
            .order_by(Schedule.id.desc())).data)
        job = db.session.scalar(select(SolveJob).order_by(SolveJob.id.desc()))
    # the re-solve is proven optimal, so what it keeps is what the objective keeps
    assert job.solver_status == "OPTIMAL", (job.solver_status, job.objective, job.best_bound)
    # No R1 shows a vacation week in July, on the page as in the file.
    for rid in r1s:
        july = page.locator(f'tr[data-resident="{rid}"] td.cell[data-block="1"]')
        expect(july.locator(".vac")).to_have_count(0)
        for week in draft.residents[rid].vacation_weeks:
            monday = calendar.week_start(week)
            assert monday > last, (rid, week)  # no working day in July
    # The booked vacation stands: every published week is still there.
    for rid, old in published.residents.items():
        assert set(old.vacation_weeks) <= set(draft.residents[rid].vacation_weeks), \
            (rid, published.status, published.objective, draft.objective)

    # What changed against the published version: the new service's weeks are listed
    # among the weeks away that moved, each with its Monday
    page.get_by_role("link", name=re.compile(r"cells? .*differ from version")).click()
    expect(page.get_by_role("heading", name="Weeks away that moved")).to_be_visible()
    swing = page.locator("#weeks tbody tr", has_text="SWING")
    expect(swing.first).to_be_visible()
    added = {w for a in draft.residents.values() for w in a.services.get("SWING", [])}
    assert added == {27, 28, 29, 30}
    for week in added:
        monday = calendar.week_start(week)
        expect(page.locator("#weeks")).to_contain_text(f"week {week} ({monday:%-d %b})")
