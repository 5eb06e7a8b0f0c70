"""Account services: creating people with a role in a program, and checking a sign-in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import ROLES, ApiToken, Membership, Program, User

MIN_PASSWORD = 12


class AccountError(ValueError):
    """A request to create or change an account that cannot be honoured; says why."""


@dataclass(frozen=True)
class Created:
    user: User
    program: Program
    new_user: bool
    new_program: bool


def normal_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, program_name: str, role: str,
                name: str = "") -> Created:
    """Give `email` the `role` in the program named `program_name`, creating the account
    (with `password`) and the program when they do not exist yet. Flushes, does not commit."""
    email = normal_email(email)
    if "@" not in email.strip("@"):
        raise AccountError(f"'{email}' is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (one of {', '.join(ROLES)})")
    program_name = program_name.strip()
    if not program_name:
        raise AccountError("the program needs a name")
    program = db.session.scalar(select(Program).where(Program.name == program_name))
    new_program = program is None
    if program is None:
        program = Program(name=program_name)
        db.session.add(program)
    user = db.session.scalar(select(User).where(User.email == email))
    new_user = user is None
    if user is None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        user = User(email=email, name=name, password_hash=generate_password_hash(password))
        db.session.add(user)
    elif not new_program and role in user.roles_in(program):
        raise AccountError(f"{email} already has the role {role} in {program_name}")
    db.session.add(Membership(user=user, program=program, role=role))
    db.session.flush()
    return Created(user, program, new_user, new_program)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the same answer whichever
    part is wrong, so a sign-in form does not reveal which e-mails exist)."""
    user = db.session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        # Spend the same time hashing as a real check would.
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not the password of anyone")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "") -> str:
    """A new API token for `user`; returns the token (only its hash is kept). Flushes."""
    token = "rsd_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name.strip()[:100], token_hash=token_hash(token)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user an API token belongs to, or None."""
    if not token.startswith("rsd_") or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or not row.user.active:
        return None
    return row.user
