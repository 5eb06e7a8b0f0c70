"""Sessions end on the server (issue 18, F4 and F12): a copy of a session cookie is worthless
after signing out, a password change signs the person out everywhere else, "sign out
everywhere" ends every session, a deactivated account is out at once, and signing in starts a
fresh session and CSRF token."""

from __future__ import annotations

from web_support import PASSWORD, csrf_token, post_form, sign_in

from web.extensions import db
from web.models import User

HOME = "/"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _signed_in(app, cookie: str) -> bool:
    """Whether a browser holding only `cookie` is signed in."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(HOME).status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, client, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    stolen = _cookie(client)
    assert _signed_in(app, stolen)
    client.post("/logout", data={"csrf_token": csrf_token(client, HOME)})
    assert client.get(HOME).status_code == 302
    assert not _signed_in(app, stolen)


def test_a_password_change_signs_out_every_other_session(app, client, make_user):
    make_user("ana@example.org")
    laptop, phone = client, app.test_client()
    sign_in(laptop, "ana@example.org")
    sign_in(phone, "ana@example.org")
    response = post_form(laptop, "/account/password", current=PASSWORD,
                         new="a brand new secret", again="a brand new secret")
    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 200      # the one that changed it stays in
    assert phone.get(HOME).status_code == 302       # the other is out


def test_sign_out_everywhere_ends_every_session(app, client, make_user):
    make_user("ana@example.org")
    laptop, phone = client, app.test_client()
    sign_in(laptop, "ana@example.org")
    sign_in(phone, "ana@example.org")
    page = laptop.get("/account/password").get_data(as_text=True)
    assert page.count("<li>") >= 2 and "(this one)" in page
    response = post_form(laptop, "/account/sign-out-everywhere", "/account/password")
    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 302 and phone.get(HOME).status_code == 302


def test_a_deactivated_account_is_signed_out_at_once(app, client, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "ana@example.org")).active = False
        db.session.commit()
    assert client.get(HOME).status_code == 302


def test_signing_in_starts_a_new_session_and_csrf_token(app, client, make_user):
    make_user("ana@example.org")
    before = csrf_token(client, "/login")
    planted = _cookie(client)
    sign_in(client, "ana@example.org")
    assert _cookie(client) != planted
    assert csrf_token(client, "/account/password") != before
    assert not _signed_in(app, planted)


def _sign_in_from(client, address: str, email: str, password: str = PASSWORD) -> int:
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token},
                       headers={"X-Forwarded-For": address}).status_code


def test_behind_a_proxy_a_guesser_cannot_lock_anyone_else_out(app, make_user):
    """F5, F14: with the proxy trusted, each client counts as its own address; guessing
    someone's password from one address does not stop them signing in from theirs."""
    from web import create_app

    make_user("ana@example.org")
    proxied = create_app({"TESTING": True, "SECRET_KEY": "test secret",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "PASSWORD_HASH": app.config["PASSWORD_HASH"], "PROXY_HOPS": 1})
    try:
        attacker, ana = proxied.test_client(), proxied.test_client()
        for _ in range(10):
            assert _sign_in_from(attacker, "203.0.113.9", "ana@example.org", "guess") == 200
        assert _sign_in_from(attacker, "203.0.113.9", "ana@example.org") == 429
        assert _sign_in_from(ana, "198.51.100.7", "ana@example.org") == 302
    finally:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_address_does_not_help_a_guesser(client, make_user):
    make_user("ana@example.org")
    for i in range(10):
        assert _sign_in_from(client, f"192.0.2.{i}", "ana@example.org", "guess") == 200
    assert _sign_in_from(client, "192.0.2.99", "ana@example.org") == 429


def test_guessing_the_current_password_on_the_account_page_is_throttled(client, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    for _ in range(10):
        response = post_form(client, "/account/password", current="not my password at all",
                             new="a brand new secret", again="a brand new secret")
        assert response.status_code == 422
    response = post_form(client, "/account/password", current=PASSWORD,
                         new="a brand new secret", again="a brand new secret")
    assert response.status_code == 429
