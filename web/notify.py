"""Notifications: tell people what concerns them, in the app and by e-mail.

`notify(users, program, subject, text, link)` adds a notification for each person in the
request's transaction, so it exists exactly when the change it reports committed, and queues
an e-mail to those who did not turn e-mail off. The request's transaction
(`transaction.in_one_transaction`) hands queued mail to the mail server only after it has
committed, and drops it when it rolls back; a refused step (`transaction.refusable`) drops
what it queued. So nobody is told of a change that did not happen, and a mail server that
does not answer is logged and loses nothing: the notification stays in the app. Outside a
request (the command line, the solve worker) nothing is e-mailed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context, has_request_context, url_for
from sqlalchemy import func, select, update

from . import mail
from .extensions import db
from .models import Membership, Notification, Program, User
from .models.columns import now

log = logging.getLogger(__name__)
OUTBOX = "notification_outbox"


def notify(users: Iterable[User | None], program: Program | None, subject: str, text: str,
           link: str = "", asks: str | None = None) -> None:
    """Tell each of `users` (each once; None is skipped): `subject` in a line, `text` in a
    few words, `link` the page it is about; `asks`, when it asks them to do something, what
    (a key `answered` is given once it is done). Adds to the session; the request
    commits."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id,
                                    program_id=program.id if program is not None else None,
                                    subject=subject[:200], body=text, link=link[:500],
                                    asks=asks))
        if user.email_notifications and mail.configured():
            queued().append((user.email, subject, text, link))


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


def answered(asks: str) -> None:
    """What the notifications keyed `asks` asked for is done (by whoever did it): each is
    read, for everyone it asked, and no longer counts as unread. Flushes."""
    db.session.execute(update(Notification).where(
        Notification.asks == asks, Notification.read_at.is_(None)).values(read_at=now()))


def _message(text: str, link: str) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    where = f"\n\n{base}{link}" if link and base else ""
    return (f"{text}{where}\n\n-- \nYou get this because you have an account on the residency "
            "scheduler. You can turn e-mail off on your account page; notifications stay in "
            "the app.\n")


def queued() -> list[Any]:
    """The e-mails this request's notifications wait to send (address, subject, text,
    link), in order."""
    outbox: list[Any] = db.session.info.setdefault(OUTBOX, [])
    return outbox


def drop_queued(keep: int = 0) -> None:
    """Forget the queued e-mails after the first `keep`: their change was undone (the
    request rolled back, or a refused step's savepoint did)."""
    del queued()[keep:]


def send_queued() -> None:
    """Hand the queued e-mails to the mail server over one connection; called once the
    request's transaction has committed. A message that cannot be sent is logged, never
    raised: the change is saved and the notification is in the app."""
    outbox = queued()
    messages, outbox[:] = list(outbox), []
    if not messages or not has_app_context():
        return
    try:
        failed = mail.send_each([(address, " ".join(subject.split()), _message(text, link))
                                 for address, subject, text, link in messages])
    except Exception as exc:  # noqa: BLE001 - any failure to send is logged, not raised
        failed = [(address, str(exc)) for address, *_ in messages]
    for address, why in failed:
        log.warning("notification to %s not sent: %s", address, why)
