"""Password reset by e-mail: a link that is signed, expires and works once.

The link carries a token signed with the app's secret key (itsdangerous, with a salt of its
own so no other signed value can pass for one), holding the account's id, a fingerprint of
its current password hash and the time it was made. It is refused when the signature is
wrong, when it is older than PASSWORD_RESET_MAX_AGE, and once the password has changed in
any way, which makes it single-use without storing anything. Asking for a link changes
nothing in the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import accounts, mail
from ..extensions import db
from ..models import User

SALT = "password-reset"


class BadLink(ValueError):
    """A reset link that cannot be used: `reason` is "expired", "used" or "invalid"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Lifetime:
    seconds: int

    def __str__(self) -> str:
        """The link's lifetime in words: "1 hour", "30 minutes"."""
        for unit, size in (("hour", 3600), ("minute", 60)):
            if self.seconds >= size and self.seconds % size == 0:
                count = self.seconds // size
                return f"{count} {unit}{'s' if count != 1 else ''}"
        return f"{self.seconds} seconds"


def available() -> bool:
    """Whether people can reset their own password here: the installation sends e-mail and
    knows the address its links start with (PUBLIC_URL)."""
    return mail.configured() and bool(current_app.config.get("PUBLIC_URL"))


def lifetime() -> Lifetime:
    return Lifetime(int(current_app.config["PASSWORD_RESET_MAX_AGE"]))


def send_link(email: str) -> None:
    """E-mail a reset link to the active account whose address is `email`, if there is one.
    For any other address the mail server is only contacted, so the answer (and its failure
    when the server is down) looks the same whether or not the address has an account.
    Raises mail.MailError when the server cannot be reached or refuses; changes nothing."""
    user = accounts.account_of(email)
    if user is None or not user.active:
        mail.check()
        return
    link = current_app.config["PUBLIC_URL"].rstrip("/") \
        + url_for("auth.reset_password", token=_token(user))
    mail.send(user.email, "Choose a new password", _message(user, link))


def user_of(token: str) -> User:
    """The account a reset link's token is for, while the link may still be used; raises
    BadLink: "expired" (older than the lifetime), "used" (the password has changed since
    the link was made: it was used, or the person changed it otherwise) or "invalid" (not a
    link this site made, or for an account that is gone or deactivated)."""
    try:
        content = _serializer().loads(token, max_age=lifetime().seconds)
    except SignatureExpired as exc:
        raise BadLink("expired") from exc
    except BadSignature as exc:
        raise BadLink("invalid") from exc
    if not isinstance(content, dict) or not isinstance(content.get("user"), int):
        raise BadLink("invalid")
    user = db.session.get(User, content["user"])
    if user is None or not user.active:
        raise BadLink("invalid")
    if content.get("password") != _fingerprint(user):
        raise BadLink("used")
    return user


def choose_password(token: str, new: str) -> User:
    """Set the password of the link's account to `new` (the same rules as any new password),
    the person's own from now on; every session of theirs ends, and the link stops working.
    Raises BadLink, or accounts.AccountError for a password the rules refuse. Flushes."""
    user = user_of(token)
    accounts.set_password(user, new)
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT,
                                  signer_kwargs={"digest_method": hashlib.sha256})


def _fingerprint(user: User) -> str:
    """A digest of the stored password hash: it changes whenever the password does, and the
    link (whose content anyone holding it can read) does not carry the hash itself."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:32]


def _token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def _message(user: User, link: str) -> str:
    return (f"Hello{' ' + user.name if user.name else ''},\n\n"
            f"Someone, we hope you, asked to reset the password of the account {user.email} "
            f"at {urlsplit(current_app.config['PUBLIC_URL']).netloc}.\n\n"
            f"To choose a new password, open this link within {lifetime()}:\n\n"
            f"{link}\n\n"
            "The link works once. Choosing a new password signs you out on every device.\n\n"
            "If you did not ask for this, ignore this message: your password stays as it "
            "is.\n")
