"""The audit log: who published a schedule, verified or returned a case (or, as its resident,
edited or deleted it before it was verified), decided a request, gave or took away a role,
linked a sign-in account to a resident (who then reads and logs as them), changed the
program's year settings or its time zone, or added, changed or removed a set-up entry
(rotation, resident, requirement, rule, blackout, away limit, weekly service), and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import in_list, now

# Every kind of event the log records, and how the log names it to people.
AUDIT_WORDS = {
    "schedule.published": "Schedule published",
    "case.verified": "Case verified",
    "case.returned": "Case returned",
    "case.edited": "Case edited",
    "case.deleted": "Case deleted",
    "request.decided": "Request decided",
    "role.granted": "Role given",
    "role.revoked": "Role taken away",
    "role.changed": "Role changed",
    "time_zone.changed": "Time zone changed",
    "settings.changed": "Settings changed",
    "setup.added": "Set-up entry added",
    "setup.changed": "Set-up entry changed",
    "setup.removed": "Set-up entry removed",
    "resident.archived": "Resident archived",
    "resident.restored": "Resident restored",
    "resident.deleted": "Resident deleted",
    "call.published": "Call schedule published",
    "swap.offered": "Swap offered",
    "swap.accepted": "Swap accepted",
    "swap.approved": "Swap approved",
    "swap.declined": "Swap declined",
    "swap.withdrawn": "Swap withdrawn",
    "swap.lapsed": "Swap lapsed",
    "resident.linked": "Account linked",
    "resident.unlinked": "Account unlinked",
}
AUDIT_ACTIONS = tuple(AUDIT_WORDS)
SUBJECT_CHARACTERS = 300   # an event's subject in words, at most (audit._fitted)


class AuditEvent(Model):
    """One thing that happened, kept as it was said then. Append-only: the app has no way to
    change or delete an event, and the database refuses UPDATE and DELETE on this table (a
    trigger, see the migration). It names its program and actor by id *and* by name, without
    foreign keys, so deleting a program or an account neither removes nor rewrites history."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    program_id: Mapped[int | None] = mapped_column()
    program_name: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column()
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(SUBJECT_CHARACTERS), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        CheckConstraint(in_list("action", AUDIT_ACTIONS), name="known_action"),
        Index("ix_audit_event_program", "program_id", "id"),
    )
