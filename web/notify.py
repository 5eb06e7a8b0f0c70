"""Notifications: tell people what concerns them, in the app and by e-mail.

`notify(users, program, subject, text, link)` adds a notification for each person in the
request's transaction, so it exists exactly when the change it reports committed, and queues
an e-mail to those who did not turn e-mail off. Queued mail is handed to the mail server only
after the transaction commits (and dropped if it rolls back), so nobody is told of a change
that did not happen; a mail server that does not answer is logged and loses nothing, the
notification stays in the app.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context, has_request_context, url_for
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from . import mail
from .extensions import db
from .models import Membership, Notification, Program, User
from .models.columns import now

log = logging.getLogger(__name__)
OUTBOX = "notification_outbox"


def notify(users: Iterable[User | None], program: Program | None, subject: str, text: str,
           link: str = "") -> None:
    """Tell each of `users` (each once; None is skipped): `subject` in a line, `text` in a
    few words, `link` the page it is about. Adds to the session; the request commits."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id,
                                    program_id=program.id if program is not None else None,
                                    subject=subject[:200], body=text, link=link[:500]))
        if user.email_notifications and mail.configured():
            db.session.info.setdefault(OUTBOX, []).append((user.email, subject, text, link))


def page(endpoint: str, **values: Any) -> str:
    """The path of the page a notification is about, or '' outside a request (the command
    line, where no page address is known)."""
    if not has_request_context():
        return ""
    return url_for(endpoint, **values)


def residents_of(program: Program) -> list[User]:
    """The people who hold the resident role in the program."""
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.program_id == program.id, Membership.role == "resident")))


def managers_of(program: Program) -> list[User]:
    """The chiefs and coordinators of the program (who approve swaps and publish)."""
    from .access import MANAGERS

    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.program_id == program.id, Membership.role.in_(MANAGERS))))


def unread(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User) -> None:
    """Mark all of a person's notifications read. Flushes."""
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now()))


def _message(text: str, link: str) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    where = f"\n\n{base}{link}" if link and base else ""
    return (f"{text}{where}\n\n-- \nYou get this because you have an account on the residency "
            "scheduler. You can turn e-mail off on your account page; notifications stay in "
            "the app.\n")


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    """After a commit, hand the queued e-mails to the mail server, one at a time."""
    queued: list[Any] = session.info.pop(OUTBOX, [])
    if not queued or not has_app_context():
        return
    for address, subject, text, link in queued:
        try:
            mail.send(address, subject, _message(text, link))
        except mail.MailError as exc:
            log.warning("notification to %s not sent: %s", address, exc)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    """A change rolled back: nobody is told of it."""
    session.info.pop(OUTBOX, None)
