"""In a real browser, at phone width: a director gives a role to an address that already has
an account elsewhere. Enter in the e-mail box shows the warning; Enter again gives nothing
until the box saying the account is the person's is ticked."""

from __future__ import annotations

from browser_steps import sign_in
from playwright.sync_api import expect
from sqlalchemy import select

from web.extensions import db
from web.models import Membership, Program, User


def _roles(app, email: str, program: str) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(Membership.role).join(User).join(Program).where(
            User.email == email, Program.name.like(f"{program}%"))).all()


def test_a_role_for_an_account_made_elsewhere_needs_the_directors_tick(live, phone):
    base, app = live
    page = phone
    sign_in(page, base, "director@millbrook.example", program="Millbrook")
    page.get_by_role("link", name="People").click()
    box = page.get_by_label("E-mail", exact=True)
    box.fill("faculty@demo.example")          # an attending of the Duke program
    page.get_by_label("Role", exact=True).select_option(label="Faculty (attending)")
    box.press("Enter")
    warning = page.locator("#held-elsewhere")
    expect(warning).to_contain_text("faculty@demo.example already has an account")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390   # fits the phone
    # Enter again, by habit: still nothing given, and the page says what is missing
    page.get_by_label("E-mail", exact=True).press("Enter")
    expect(page.get_by_text("Tick this to give the role to that account")).to_be_visible()
    assert _roles(app, "faculty@demo.example", "Millbrook") == []
    page.get_by_label("I know this account is the person's").check()
    page.get_by_role("button", name="Give the role anyway").click()
    expect(page.locator(".flash.info", has_text="faculty@demo.example is now")).to_be_visible()
    assert _roles(app, "faculty@demo.example", "Millbrook") == ["faculty"]
