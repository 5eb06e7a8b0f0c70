"""The schema enforces integrity itself (unique e-mails, known roles, foreign keys), on both
databases, and stores passwords only as hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from web_support import PASSWORD

from web.accounts import AccountError, create_user, program_named
from web.extensions import db
from web.models import Membership, Program, User


def duke_ir() -> Program:
    return program_named("Duke IR")[0]


def test_password_is_stored_as_a_hash(app):
    with app.app_context():
        created = create_user("ada.quill@example.org", PASSWORD, duke_ir(), "chief")
        db.session.commit()
        assert PASSWORD not in created.user.password_hash
        assert created.user.password_hash.startswith("scrypt:")


def test_one_person_can_hold_roles_in_several_programs(app):
    with app.app_context():
        create_user("ada.quill@example.org", PASSWORD, duke_ir(), "chief")
        dr, new_program = program_named("Duke DR")
        again = create_user("ada.quill@example.org", "", dr, "faculty")
        db.session.commit()
        assert not again.new_user and new_program
        user = again.user
        assert {(m.program.name, m.role) for m in user.memberships} == {
            ("Duke IR", "chief"), ("Duke DR", "faculty")}


@pytest.mark.parametrize("email, password, role, message", [
    ("not-an-address", PASSWORD, "chief", "not an e-mail address"),
    ("ada@example.org", "short", "chief", "at least 12 characters"),
    ("ada@example.org", PASSWORD, "boss", "unknown role 'boss'"),
])
def test_account_requests_that_cannot_be_honoured_say_why(app, email, password, role, message):
    with app.app_context(), pytest.raises(AccountError, match=message):
        create_user(email, password, duke_ir(), role)


def test_the_same_role_twice_is_refused(app):
    with app.app_context():
        create_user("ada.quill@example.org", PASSWORD, duke_ir(), "chief")
        db.session.commit()
        with pytest.raises(AccountError, match="already has the role chief"):
            create_user("ada.quill@example.org", PASSWORD, duke_ir(), "chief")


def test_database_refuses_a_duplicate_email(app):
    with app.app_context():
        db.session.add_all([User(email="ada@example.org", password_hash="x"),
                            User(email="ada@example.org", password_hash="y")])
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_database_refuses_an_unknown_role(app):
    with app.app_context():
        user = User(email="ada@example.org", password_hash="x")
        program = Program(name="Duke IR")
        db.session.add(Membership(user=user, program=program, role="boss"))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_database_refuses_a_role_in_a_program_that_does_not_exist(app):
    with app.app_context():
        user = User(email="ada@example.org", password_hash="x")
        db.session.add(user)
        db.session.flush()
        with pytest.raises(IntegrityError):
            db.session.execute(text(
                "INSERT INTO membership (user_id, program_id, role) VALUES (:u, 999, 'chief')"),
                {"u": user.id})
            db.session.flush()


def test_deleting_a_program_removes_its_roles_but_not_the_people(app):
    with app.app_context():
        create_user("ada.quill@example.org", PASSWORD, duke_ir(), "chief")
        db.session.commit()
        db.session.delete(db.session.scalar(select(Program)))
        db.session.commit()
        assert db.session.scalar(select(Membership)) is None
        assert db.session.scalar(select(User)).email == "ada.quill@example.org"
