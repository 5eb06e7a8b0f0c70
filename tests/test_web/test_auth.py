"""Signing in and out, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import select
from web_support import PASSWORD, POSTGRES, csrf_token, sign_in

from web import create_app
from web.accounts import authenticate, create_user, program_named
from web.extensions import db
from web.models import User


def test_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_pages_ask_for_sign_in_first(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_resident_signs_in_and_sees_their_program_and_role(client, make_user):
    make_user("ada.quill@example.org", "Duke IR", "resident")
    response = sign_in(client, "Ada.Quill@Example.org")  # e-mails are case-insensitive
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert ">Duke IR</a> — resident" in page
    assert "ada.quill@example.org" in page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user("ada.quill@example.org")
    wrong = sign_in(client, "ada.quill@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_sign_in_without_the_forms_csrf_token_is_refused(client, make_user):
    make_user("ada.quill@example.org")
    response = client.post("/login", data={"email": "ada.quill@example.org",
                                           "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_after_sign_in_only_pages_of_this_site_are_followed(client, make_user):
    make_user("ada.quill@example.org")
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/steal",
                           data={"email": "ada.quill@example.org", "password": PASSWORD,
                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, make_user):
    make_user("ada.quill@example.org")
    sign_in(client, "ada.quill@example.org")
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_deactivated_account_cannot_sign_in(app, client, make_user):
    make_user("ada.quill@example.org")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ada.quill@example.org"))
        user.active = False
        db.session.commit()
    response = sign_in(client, "ada.quill@example.org")
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_the_form_says_what_is_missing(client):
    token = csrf_token(client, "/login")
    page = client.post("/login", data={"email": "not-an-email", "password": "",
                                       "csrf_token": token}).get_data(as_text=True)
    assert "Invalid email address." in page
    assert "This field is required." in page


def test_health_check_says_when_the_database_is_down(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"{POSTGRES}/no_such_database_here"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_repeated_failed_sign_ins_are_throttled_per_account(client, make_user):
    make_user("ada.quill@example.org")
    make_user("bo.trent@example.org")
    for _ in range(10):
        assert sign_in(client, "ada.quill@example.org", "guessing wrong").status_code == 200
    # The 11th try is refused, even with the right password: guessing gains nothing.
    response = sign_in(client, "ada.quill@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another account, from the same browser, is not locked out.
    assert sign_in(client, "bo.trent@example.org").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(client, make_user):
    make_user("ada.quill@example.org")
    for _ in range(12):
        assert sign_in(client, "ada.quill@example.org").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_production_passwords_are_hashed_with_scrypt_at_full_cost(tmp_path):
    """The tests lower the hash cost; an app not told otherwise keeps scrypt's full cost."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}"})
    with app.app_context():
        upgrade()
        program = program_named("Duke IR")[0]
        user = create_user("ada.quill@example.org", PASSWORD, program, "resident").user
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert authenticate("ada.quill@example.org", PASSWORD) is user
        db.session.remove()
        db.engine.dispose()
