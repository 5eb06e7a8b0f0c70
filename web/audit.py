"""The audit log service: record an event in the same transaction as the change it describes
(so an event exists exactly when the change committed), and read a program's events back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .extensions import db
from .models import AuditEvent, Program, User
from .models.audit import SUBJECT_CHARACTERS


def record(action: str, *, program: Program | None, actor: User | None, subject: str,
           **detail: Any) -> AuditEvent:
    """Add one event: `action` (one of AUDIT_ACTIONS) done by `actor` (None: the command
    line) in `program`, on `subject` in words (`_fitted` to its column). Adds to the
    session; the caller commits."""
    event = AuditEvent(
        action=action,
        program_id=program.id if program is not None else None,
        program_name=program.name if program is not None else "",
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        subject=_fitted(subject, SUBJECT_CHARACTERS),
        detail=detail,
    )
    db.session.add(event)
    return event


def _fitted(subject: str, size: int) -> str:
    """The subject, or as much of it as `size` characters hold, ending "…" after its last
    whole item (a list's items are kept whole: a date cut short could not be read)."""
    if len(subject) <= size:
        return subject
    cut = subject[:size - 1]
    whole = max(cut.rfind(", "), cut.rfind("; "))
    return (cut[:whole + 1] if whole > 0 else cut) + "…"


def events(program: Program, action: str = "", before: int | None = None,
           limit: int = 100) -> list[AuditEvent]:
    """The program's events, newest first: only `action` when given, only those older than
    event id `before` when given (for paging), at most `limit`."""
    query = select(AuditEvent).where(AuditEvent.program_id == program.id)
    if action:
        query = query.where(AuditEvent.action == action)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
