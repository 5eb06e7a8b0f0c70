"""Steps the browser tests share, taken as a person takes them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from web.demo import PASSWORD


def sign_in(page, base: str, email: str, program: str = "Duke-style") -> None:
    """Sign in with the demo password (Enter in the password box) and open `program`."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    page.get_by_role("link", name=re.compile(program)).click()


def answer_next_dialog(page, accept: bool, asked: list[str]) -> None:
    """The page's next confirmation is answered as a person would, OK (`accept`) or Cancel;
    its question is kept in `asked`."""
    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
