"""In a real browser: a person a director adds signs in with the temporary password and is
sent to choose their own; someone who forgot their password gets a link by e-mail (a real
SMTP server) and sets a new one."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from smtp_inbox import link_in

from web.demo import PASSWORD


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_new_person_signs_in_with_the_temporary_password_and_chooses_their_own(
        live, desktop):
    base, _app = live
    page = desktop
    _sign_in(page, base, "director@demo.example", PASSWORD)
    page.get_by_role("link", name=re.compile("Duke-style")).click()
    page.get_by_role("link", name="People").click()
    page.get_by_label("E-mail").fill("nell.fenwick@example.org")
    page.get_by_label("Name").fill("Nell Fenwick")
    page.get_by_label("Role", exact=True).select_option(label="Chief resident")
    page.get_by_role("button", name="Give role").click()
    temporary = page.locator("#temporary-password").inner_text()
    _sign_out(page)

    _sign_in(page, base, "nell.fenwick@example.org", temporary)
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.locator("#choose-own")).to_contain_text(
        "Choose your own password before you go on.")
    page.goto(f"{base}/")          # another page: back to the account page
    expect(page.locator("#choose-own")).to_be_visible()

    page.get_by_label("Current password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("nells own secret 2027")
    page.get_by_label("New password again").fill("nells own secret 2027")
    page.get_by_label("New password again").press("Enter")
    expect(page.locator(".flash.info", has_text="Password changed")).to_be_visible()
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    page.get_by_role("link", name=re.compile("Duke-style")).click()
    expect(page.get_by_role("navigation", name="Program")).to_be_visible()   # it opens
    assert "/account/password" not in page.url


def test_a_forgotten_password_is_reset_through_the_emailed_link(live_with_mail, inbox,
                                                                 desktop):
    base, _app = live_with_mail
    page = desktop
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill("chief@demo.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.locator("#reset-sent")).to_contain_text("chief@demo.example")

    link = link_in(inbox.only_message_to("chief@demo.example"))
    assert link.startswith(f"{base}/password/reset/")
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("chiefs new secret 2027")
    page.get_by_label("New password again").fill("chiefs new secret 2027")
    page.get_by_label("New password again").press("Enter")
    expect(page.locator(".flash.info", has_text="Your new password is set")).to_be_visible()

    _sign_in(page, base, "chief@demo.example", "chiefs new secret 2027")
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()

    page.goto(link)                # the link worked once
    expect(page.locator("#link-problem")).to_contain_text("already been used")


def test_a_director_changes_a_role_choosing_it_first_and_confirming_the_choice(live, desktop):
    """The Change-role list chooses nothing until the director does (a press of the button
    alone changes nothing); the question names the role chosen; Cancel keeps the role."""
    from browser_steps import answer_next_dialog

    base, _app = live
    page = desktop
    _sign_in(page, base, "director@demo.example", PASSWORD)
    page.get_by_role("link", name=re.compile("Duke-style")).click()
    page.get_by_role("link", name="People").click()
    change = page.get_by_role("button", name="Change the role of chief@demo.example")
    asked: list[str] = []

    def record(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    change.click()                   # nothing chosen: the browser asks for a choice first
    expect(page.locator(".flash")).to_have_count(0)
    page.remove_listener("dialog", record)
    assert asked == []               # (no question: the form was never sent)
    page.get_by_label("New role for chief@demo.example").select_option(
        label="Faculty (attending)")
    answer_next_dialog(page, False, asked)
    change.click()
    assert asked == ["Change chief@demo.example from Chief resident to Faculty (attending)? "
                     "What they may see and do changes at once."]
    expect(page.locator(".flash")).to_have_count(0)
    answer_next_dialog(page, True, asked)
    change.click()
    expect(page.locator(".flash.info")).to_contain_text(
        "chief@demo.example is now faculty (attending).")
