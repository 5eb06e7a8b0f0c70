"""Temporary passwords and password resets by e-mail (issue 19), on SQLite and PostgreSQL.

A person whose password someone else chose (a director on the People page, the command line)
chooses their own before any page opens; the API is not held up. "Forgot your password?"
e-mails a link through a real SMTP server (aiosmtpd, in the test), which the tests read and
follow: the link sets a new password once, within its lifetime, and ends every session.
"""

from __future__ import annotations

import html
import re
import time
from urllib.parse import quote, urlsplit

import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from itsdangerous import URLSafeTimedSerializer
from smtp_inbox import SENDER, free_port, link_in, smtp_server
from web_support import csrf_token, post_form, program_id, sign_in

from web.accounts import account_of, create_token, create_user, program_named
from web.extensions import db

NEW = "a secret of my very own"
CHANGE = "/account/password"


@pytest.fixture
def inbox():
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
def app_settings(inbox):
    """Mail goes to the test's SMTP server; links start with the test client's address."""
    return {**inbox.settings(), "PUBLIC_URL": "http://localhost"}


def _sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, CHANGE)})


def _text(response) -> str:
    """A page's text as a person reads it: entities decoded, runs of white space as one."""
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def _sent_to(client, path: str) -> str | None:
    """Where GET `path` redirects, or None when it opens."""
    response = client.get(path)
    return response.headers["Location"] if response.status_code == 302 else None


# --- temporary passwords -------------------------------------------------------------------

def test_a_person_a_director_adds_chooses_their_own_password_before_any_page(
        app, client, make_user):
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    pid = program_id(app, "Tiny IR")
    people = f"/programs/{pid}/people"
    page = post_form(client, people, email="nell.fenwick@example.org", name="Nell Fenwick",
                     role="program_director").get_data(as_text=True)
    temporary = re.search(r'<code id="temporary-password">(.+?)</code>', page).group(1)
    assert "they choose their own the first time they sign in" in page
    _sign_out(client)

    assert sign_in(client, "nell.fenwick@example.org", temporary).status_code == 302
    for path in ("/", f"/programs/{pid}/", people, f"/programs/{pid}/rotations"):
        assert _sent_to(client, path) == f"{CHANGE}?next={quote(path)}", path
    account = _text(client.get(f"{CHANGE}?next=/"))
    assert "Choose your own password before you go on." in account
    assert "temporary password that someone else chose for you" in account
    # A form of another page, posted with a good token, does nothing either.
    response = client.post(people, data={"email": "slipped.in@example.org", "role": "chief",
                                         "csrf_token": csrf_token(client, CHANGE)})
    assert response.status_code == 302 and response.headers["Location"].startswith(CHANGE)
    with app.app_context():
        assert account_of("slipped.in@example.org") is None
        token = create_token(account_of("nell.fenwick@example.org"), "script")
        db.session.commit()
    # The API (tokens, not sessions) is not held up.
    api = client.get("/api/v1/programs", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and "Tiny IR" in api.get_data(as_text=True)

    overview = f"/programs/{pid}/"
    response = post_form(client, f"{CHANGE}?next={quote(overview)}",
                         current=temporary, new=NEW, again=NEW)
    assert response.status_code == 302 and response.headers["Location"] == overview
    assert client.get(overview).status_code == 200
    assert "Choose your own password" not in _text(client.get(CHANGE))
    _sign_out(client)
    sign_in(client, "nell.fenwick@example.org", NEW)
    assert _sent_to(client, people) is None          # not asked again


def test_accounts_made_before_the_upgrade_are_not_asked_to_change(app, client, make_user):
    make_user("ana@example.org")
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("c300a738b84d").down_revision
        downgrade(revision=before)
        upgrade()
    sign_in(client, "ana@example.org")
    assert _sent_to(client, "/") is None


# --- "Forgot your password?" ---------------------------------------------------------------

def _ask_for_link(client, email: str):
    return post_form(client, "/password/forgot", email=email)


def _reset_path(inbox, email: str) -> str:
    link = link_in(inbox.only_message_to(email))
    assert link.startswith("http://localhost/password/reset/")
    return urlsplit(link).path


def test_a_forgotten_password_is_reset_through_the_link_in_the_email(app, client, inbox,
                                                                     make_user):
    make_user("ana@example.org")
    phone = app.test_client()
    sign_in(phone, "ana@example.org")
    login = client.get("/login").get_data(as_text=True)
    assert '<a href="/password/forgot">Forgot your password?</a>' in login

    page = _text(_ask_for_link(client, " Ana@Example.org"))
    assert "If an account exists for" in page and "within 1 hour" in page
    message = inbox.only_message_to("ana@example.org")
    assert message["Subject"] == "Choose a new password" and message["From"] == SENDER
    assert "within 1 hour" in message.get_body(("plain",)).get_content()
    path = _reset_path(inbox, "ana@example.org")

    assert "For the account <strong>ana@example.org</strong>" in client.get(path).get_data(
        as_text=True)
    short = post_form(client, path, new="too short", again="too short")
    assert short.status_code == 422
    assert "Field must be between 12 and 200 characters long." in _text(short)
    # twelve characters, but guessed at once: refused, saying why
    for weak in ("aaaaaaaaaaaa", "qwertyuiopas", "ana@example.org!"):
        page = _text(post_form(client, path, new=weak, again=weak))
        assert "the password is too easy to guess" in page, weak
    assert 'Repeats like "aaa" are easy to guess' in _text(
        post_form(client, path, new="aaaaaaaaaaaa", again="aaaaaaaaaaaa"))
    response = post_form(client, path, new=NEW, again=NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Your new password is set" in _text(client.get("/login"))

    assert _sent_to(phone, "/").startswith("/login")         # the other session ended
    assert sign_in(client, "ana@example.org").status_code == 200    # the old one: refused
    assert sign_in(client, "ana@example.org", NEW).status_code == 302
    assert _sent_to(client, "/") is None

    # The link works once.
    used = client.get(path)
    assert used.status_code == 410
    assert "The link has already been used" in _text(used)
    again = client.post(path, data={"new": "yet another password", "again":
                                    "yet another password",
                                    "csrf_token": csrf_token(client, CHANGE)})
    assert again.status_code == 410
    _sign_out(client)
    assert sign_in(client, "ana@example.org", "yet another password").status_code == 200


def _without_nonce(page: str, email: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", page).replace(email, "ADDRESS")


def test_an_address_without_an_account_gets_the_same_answer_and_no_mail(app, client, inbox,
                                                                         make_user):
    make_user("ana@example.org")
    make_user("gone@example.org")
    with app.app_context():
        account_of("gone@example.org").active = False
        db.session.commit()
    known = _ask_for_link(client, "ana@example.org")
    unknown = _ask_for_link(client, "nobody@example.org")
    deactivated = _ask_for_link(client, "gone@example.org")
    assert known.status_code == unknown.status_code == deactivated.status_code == 200
    assert _without_nonce(known.get_data(as_text=True), "ana@example.org") \
        == _without_nonce(unknown.get_data(as_text=True), "nobody@example.org") \
        == _without_nonce(deactivated.get_data(as_text=True), "gone@example.org")
    assert inbox.recipients == [["ana@example.org"]]


def test_an_expired_link_says_so_and_changes_nothing(app, client, inbox, make_user):
    make_user("ana@example.org")
    _ask_for_link(client, "ana@example.org")
    path = _reset_path(inbox, "ana@example.org")
    assert client.get(path).status_code == 200
    app.config["PASSWORD_RESET_MAX_AGE"] = 0     # links now last no time at all...
    time.sleep(1.1)                              # ...and this one is a second old
    expired = client.get(path)
    assert expired.status_code == 410
    assert "The link has expired" in _text(expired)
    assert "Ask for a new link" in _text(expired)
    response = client.post(path, data={"new": NEW, "again": NEW,
                                       "csrf_token": csrf_token(client, "/password/forgot")})
    assert response.status_code == 410
    assert sign_in(client, "ana@example.org").status_code == 302     # the old one still works


def test_a_forged_link_is_refused_with_a_page_that_says_so(app, client, inbox, make_user):
    make_user("ana@example.org")
    _ask_for_link(client, "ana@example.org")
    path = _reset_path(inbox, "ana@example.org")
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        ana = account_of("ana@example.org").id
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    other_key = URLSafeTimedSerializer("not this site's key", salt="password-reset").dumps(
        {"user": ana, "password": "anything"})
    for forged in (tampered, other_key, "not-a-token-at-all"):
        response = client.get(f"/password/reset/{forged}")
        assert response.status_code == 404, forged
        assert "This is not a password-reset link this site sent" in response.get_data(
            as_text=True)


def test_without_mail_the_page_says_who_resets_a_password(app, client, inbox, make_user):
    make_user("ana@example.org")
    app.config["MAIL_SERVER"] = ""
    page = _text(client.get("/password/forgot"))
    assert "This site cannot send e-mail" in page
    assert "Ask your program's coordinator or the site's administrator" in page
    assert 'name="email"' not in page
    client.post("/password/forgot", data={"email": "ana@example.org",
                                          "csrf_token": csrf_token(client, "/login")})
    assert inbox.messages == []


def test_when_the_mail_server_is_down_the_page_says_so_and_keeps_the_address(
        app, client, inbox, make_user):
    make_user("ana@example.org")
    app.config["MAIL_PORT"] = free_port()        # nothing listens there
    for email in ("ana@example.org", "nobody@example.org"):
        response = _ask_for_link(client, email)
        page = _text(response)
        assert response.status_code == 503, email
        assert "The e-mail could not be sent just now" in page
        assert "Nothing has changed" in page
        assert f'value="{email}"' in page                       # typed in again: not needed
    assert sign_in(client, "ana@example.org").status_code == 302


def test_reset_emails_are_limited_per_address(app, client, inbox, make_user):
    make_user("ana@example.org")
    for _ in range(3):
        assert _ask_for_link(client, "ana@example.org").status_code == 200
    response = _ask_for_link(client, "ana@example.org")
    assert response.status_code == 429
    assert "Too many password-reset e-mails" in _text(response)
    assert len(inbox.messages) == 3
    assert _ask_for_link(client, "nobody@example.org").status_code == 200


def test_a_person_with_a_temporary_password_who_resets_it_is_not_asked_again(
        app, client, inbox):
    with app.app_context():
        create_user("nell.fenwick@example.org", "chosen by someone else",
                    program_named("Tiny IR")[0], "resident", temporary=True)
        db.session.commit()
    _ask_for_link(client, "nell.fenwick@example.org")
    path = _reset_path(inbox, "nell.fenwick@example.org")
    assert post_form(client, path, new=NEW, again=NEW).status_code == 302
    sign_in(client, "nell.fenwick@example.org", NEW)
    assert _sent_to(client, "/") is None
