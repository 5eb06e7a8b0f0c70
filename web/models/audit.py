"""The audit log: who published a schedule, verified or returned a case (or, as its resident,
edited or deleted it before it was verified), decided a request, or gave or took away a role,
and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import in_list, now

AUDIT_ACTIONS = (
    "schedule.published",
    "case.verified",
    "case.returned",
    "case.edited",
    "case.deleted",
    "request.decided",
    "role.granted",
    "role.revoked",
    "resident.archived",
    "resident.restored",
    "resident.deleted",
    "call.published",
    "swap.offered",
    "swap.accepted",
    "swap.approved",
    "swap.declined",
    "swap.withdrawn",
)


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
    subject: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        CheckConstraint(in_list("action", AUDIT_ACTIONS), name="known_action"),
        Index("ix_audit_event_program", "program_id", "id"),
    )
