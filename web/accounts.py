"""Account services: creating people, giving and taking away roles in a program (each change
in the audit log), changing or setting a password (a temporary one, chosen by someone else,
must be replaced at first sign-in), and checking a sign-in."""

from __future__ import annotations

import difflib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from scheduler.identifiers import BadName, name_key, normalise

from . import audit
from .extensions import db
from .models import ROLE_NAMES, ROLES, ApiToken, Membership, Program, Resident, User, UserSession
from .models.columns import aware, now
from .transaction import kept_if_ok

MIN_PASSWORD = 12
# zxcvbn's score from 0 to 4: 3 is "safely unguessable" (about 10^10 guesses), and only the
# first characters are weighed (its estimate takes time on long input).
GUESSABLE_BELOW = 3
GUESSED_CHARACTERS = 100
SESSION_TOKEN = "sid"   # the session cookie's key for the server-side session's token


class AccountError(ValueError):
    """A request to create or change an account that cannot be honoured; says why."""


@dataclass(frozen=True)
class Created:
    user: User
    program: Program
    new_user: bool


@dataclass(frozen=True)
class Granted:
    user: User
    role: str
    temporary_password: str | None   # set only for a new account: shown once, never stored


def normal_email(email: str) -> str:
    return email.strip().lower()


def account_of(email: str) -> User | None:
    """The account whose e-mail is `email` (compared in its normal form), or None."""
    return db.session.scalar(select(User).where(User.email == normal_email(email)))


def held_elsewhere(program: Program, email: str) -> User | None:
    """The existing account of `email` when it holds no role in `program` yet: whoever
    made it chose its password (another program's director handing out a temporary one,
    say, and signing in with it first), so a role here lets that person in. The people
    page asks before giving one (an outside tester took a program's new chief's address
    that way)."""
    user = account_of(email)
    return user if user is not None and not user.roles_in(program) else None


def program_names(names: list[str], shown: int = 5) -> list[str]:
    """Up to `shown` of the program names, quoted ('and N more' last when there are
    more)."""
    more = len(names) - shown
    return [f"'{n}'" for n in names[:shown]] + ([f"and {more} more"] if more > 0 else [])


def program_named(name: str) -> tuple[Program, bool]:
    """The program whose name is `name` once normalised and case-folded, or a new one with
    that name; True when new. Only for the command line, where a person names the program:
    everywhere else the access check has already resolved the program by id. Flushes."""
    program = _named(name)
    if program is not None:
        return program, False
    program = Program(name=name)
    db.session.add(program)
    db.session.flush()
    return program, True


def program_to_join(name: str, new_program: bool) -> tuple[Program, bool]:
    """The program a command line's `--program` names (`program_named`), made only when the
    person said so (`new_program`) or when there is no program yet: a mistyped name would
    otherwise make an empty program and give the role there. Says which programs there are,
    and the one the name was likely meant for. Flushes."""
    existing = _named(name)
    if existing is not None and new_program:
        raise AccountError(f"a program named '{existing.name}' exists already; leave out "
                           "--new-program to give a role in it")
    if existing is None and not new_program:
        names = list(db.session.scalars(select(Program.name).order_by(Program.id)))
        if names:
            close = difflib.get_close_matches(normalise(name).casefold(),
                                              [n.casefold() for n in names], n=1)
            meant = [n for n in names if close and n.casefold() == close[0]]
            listed = program_names(names)
            raise AccountError(
                f"no program is named '{normalise(name)}'"
                + (f"; did you mean '{meant[0]}'?" if meant else ".")
                + f" The programs are: {', '.join(listed)}. To make a new program, add "
                "--new-program.")
    return program_named(name)


def _named(name: str) -> Program | None:
    """The program whose name is `name` once normalised and case-folded, if any."""
    try:
        key = name_key(name)
    except BadName as exc:
        raise AccountError(f"the program name {exc}") from exc
    if not key:
        raise AccountError("the program needs a name")
    return db.session.scalar(select(Program).where(Program.name_key == key))


def create_user(email: str, password: str, program: Program, role: str,
                name: str = "", granted_by: User | None = None, *,
                temporary: bool = False) -> Created:
    """Give `email` the `role` in `program` (the object the caller resolved, never looked
    up again by name), creating the account (with `password`) when it does not exist yet.
    `temporary`: the password was chosen by someone else, so the new account must choose its
    own at first sign-in (an existing account's password is left alone). The audit log
    records the grant (by `granted_by`; None: the command line). Flushes, does not commit."""
    email = normal_email(email)
    try:   # the sign-in form's own test: an account it would refuse could never sign in
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"'{email}' is not an e-mail address anyone can sign in with: "
                           f"{exc}") from exc
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (one of {', '.join(ROLES)})")
    try:
        name = normalise(name)
    except BadName as exc:
        raise AccountError(f"the person's name {exc}") from exc
    user = db.session.scalar(select(User).where(User.email == email))
    new_user = user is None
    if user is None:
        _check_strength(password, email, name)
        user = User(email=email, name=name, password_hash=_hash(password),
                    must_change_password=temporary)
        db.session.add(user)
    elif role in user.roles_in(program):
        raise AccountError(f"{email} already has the role {role} in {program.name}")
    db.session.add(Membership(user=user, program=program, role=role))
    db.session.flush()
    audit.record("role.granted", program=program, actor=granted_by,
                 subject=f"{role} to {email}", user_id=user.id, role=role, new_account=new_user)
    return Created(user, program, new_user)


@kept_if_ok
def grant_role(program: Program, email: str, role: str, name: str, actor: User) -> Granted:
    """`actor` gives `email` the `role` in `program`. Only an admin may make admins. A new
    account gets a random temporary password, returned once for the actor to pass on (the
    person must change it at first sign-in). Flushes."""
    if role == "admin" and "admin" not in actor.roles_in(program):
        raise AccountError("only an admin can make someone an admin")
    existing = account_of(email)
    temporary = None if existing is not None else secrets.token_urlsafe(12)
    created = create_user(email, temporary or "", program, role, name, granted_by=actor,
                          temporary=True)
    return Granted(created.user, role, temporary)


@kept_if_ok
def revoke_role(program: Program, membership: Membership, actor: User) -> None:
    """`actor` takes a role away. Nobody removes their own roles, nor the program's only
    director's (a program never loses its last director by a slip), and only an admin
    removes an admin. Flushes."""
    _may_take_away(program, membership, actor)
    user, role = membership.user, membership.role
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(user, ["memberships"])
    audit.record("role.revoked", program=program, actor=actor, subject=f"{role} from {user.email}",
                 user_id=user.id, role=role)


@kept_if_ok
def change_role(program: Program, membership: Membership, role: str, actor: User) -> None:
    """`actor` changes a person's role (a chief who becomes faculty): the old role goes as
    `revoke_role` would let it, and the new one comes as `grant_role` would give it; one
    audited event. Refused when the person has the new role already. Flushes."""
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}'")
    _may_take_away(program, membership, actor)
    user, was = membership.user, membership.role
    if role == was:
        raise AccountError(f"{user.email} is {ROLE_NAMES[role].lower()} already")
    if role == "admin" and "admin" not in actor.roles_in(program):
        raise AccountError("only an admin can make someone an admin")
    if role in user.roles_in(program):
        raise AccountError(f"{user.email} has the role {ROLE_NAMES[role].lower()} already: "
                           f"remove their role {ROLE_NAMES[was].lower()} instead")
    membership.role = role
    db.session.flush()
    db.session.expire(user, ["memberships"])
    audit.record("role.changed", program=program, actor=actor,
                 subject=f"{user.email} from {ROLE_NAMES[was]} to {ROLE_NAMES[role]}",
                 user_id=user.id, was=was, role=role)


def _may_take_away(program: Program, membership: Membership, actor: User) -> None:
    """Refuse taking `membership` away (or changing it) where `revoke_role` says why."""
    if membership.program_id != program.id:
        raise AccountError("that role is not in this program")
    if membership.user_id == actor.id:
        raise AccountError("you cannot remove your own role; ask another director or an admin")
    if membership.role == "admin" and "admin" not in actor.roles_in(program):
        raise AccountError("only an admin can remove an admin")
    if membership.role == "program_director" and db.session.scalar(
            select(func.count()).select_from(Membership).where(
                Membership.program_id == program.id,
                Membership.role == "program_director")) == 1:
        raise AccountError(f"{membership.user.name or membership.user.email} is the "
                           "program's only director: give someone else the role first")


def resident_of(user: User, program: Program) -> Resident | None:
    """The program's resident whose account is `user`, if linked."""
    return db.session.scalar(select(Resident).where(Resident.program_id == program.id,
                                                    Resident.user_id == user.id))


@kept_if_ok
def change_password(user: User, current: str, new: str, keep: str | None = None) -> None:
    """Set a new password after checking the current one, and end every other session of
    the person (`keep`: the token of the session that asked, which stays). The password is
    the person's own from now on: a temporary one no longer holds them up. Flushes."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("the current password is not right")
    _check_strength(new, user.email, user.name)
    if new == current:
        raise AccountError("the new password is the same as the current one")
    user.password_hash = _hash(new)
    user.must_change_password = False
    end_sessions(user, keep=keep)
    db.session.flush()


@kept_if_ok
def set_password(user: User, new: str, *, temporary: bool = False) -> None:
    """Set a password without asking for the current one: the person's own, chosen through
    a password-reset link, or (`temporary`) one an administrator gives them, which they must
    replace at their next sign-in. Every session of the person ends: whoever was signed in
    with the old password is out. Flushes."""
    _check_strength(new, user.email, user.name)
    user.password_hash = _hash(new)
    user.must_change_password = temporary
    end_sessions(user)
    db.session.flush()


def _check_strength(password: str, *about: str) -> None:
    """The rules every new password meets, whoever sets it: MIN_PASSWORD characters, and
    not easy to guess by zxcvbn's estimate (repeats, keyboard rows, common passwords and
    words, the person's own e-mail and name: `about`), which twelve characters alone do
    not ensure ("aaaaaaaaaaaa", "qwertyuiopas")."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    verdict = zxcvbn(password[:GUESSED_CHARACTERS], user_inputs=[a for a in about if a])
    if verdict["score"] < GUESSABLE_BELOW:
        feedback = verdict["feedback"]
        said = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions",
                                                                            [])]))
        raise AccountError("the password is too easy to guess"
                           + (f" ({said.strip()})" if said else "")
                           + ": a few uncommon words in a row make a strong one")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the same answer whichever
    part is wrong, so a sign-in form does not reveal which e-mails exist)."""
    user = db.session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        # Spend the same time hashing as a real check would.
        check_password_hash(_dummy_hash(_method()), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def _method() -> str:
    """The password hash the app is set to (PASSWORD_HASH: werkzeug's method string; scrypt
    at its default cost unless set)."""
    return current_app.config.get("PASSWORD_HASH", "scrypt")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=_method())


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not the password of anyone", method=method)


def start_session(user: User, browser: str = "") -> str:
    """A new signed-in session for `user`; returns its token for the session cookie (only
    its hash is kept). Flushes."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, token_hash=token_hash(token),
                               browser=browser.strip()[:200]))
    db.session.flush()
    return token


def session_user(user_id: str, token: str | None, max_age: timedelta) -> User | None:
    """The active user a session cookie signs in: its user id, and the token of a session
    that was not ended and is younger than `max_age`."""
    if not re.fullmatch(r"[0-9]{1,10}", user_id) or not token:
        return None
    row = db.session.scalar(select(UserSession).where(
        UserSession.token_hash == token_hash(token), UserSession.user_id == int(user_id)))
    if row is None or not row.user.active:
        return None
    if now() - aware(row.created_at) > max_age:
        return None
    return row.user


def end_session(token: str | None) -> None:
    """Sign one session out on the server. Flushes."""
    if token:
        db.session.execute(delete(UserSession).where(
            UserSession.token_hash == token_hash(token)))


def end_sessions(user: User, keep: str | None = None) -> int:
    """Sign every session of `user` out (but the one whose token is `keep`); how many.
    Flushes."""
    ended = [row for row in sessions_of(user)
             if keep is None or row.token_hash != token_hash(keep)]
    for row in ended:
        db.session.delete(row)
    db.session.flush()
    return len(ended)


def sessions_of(user: User) -> list[UserSession]:
    """The person's signed-in sessions, newest first."""
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id).order_by(UserSession.created_at.desc())))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "") -> str:
    """A new API token for `user`; returns the token (only its hash is kept). Flushes."""
    token = "rsd_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name.strip()[:100], token_hash=token_hash(token)))
    db.session.flush()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """The person's API tokens (their names and dates: the tokens themselves are not kept)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc())))


def revoke_token(user: User, token_id: int) -> bool:
    """Delete one of the person's own API tokens; whether there was one. Flushes."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def feeds_of(user: User) -> list[Resident]:
    """The residents whose private calendar feed is the person's (one per program)."""
    return list(db.session.scalars(select(Resident).where(
        Resident.user_id == user.id, Resident.calendar_token.is_not(None))))


def stop_feed(user: User, resident_id: int) -> bool:
    """Turn off the person's calendar feed of one program; whether there was one. Flushes."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.user_id != user.id or resident.calendar_token is None:
        return False
    resident.calendar_token = None
    db.session.flush()
    return True


def feed_owner_may_read(resident: Resident) -> bool:
    """A calendar feed works only while the resident it shows is linked to an active account
    that still holds the resident role in that program."""
    user = resident.user
    return user is not None and user.active and "resident" in user.roles_in(resident.program)


def user_for_token(token: str) -> User | None:
    """The active user an API token belongs to, or None."""
    if not token.startswith("rsd_") or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or not row.user.active:
        return None
    return row.user
