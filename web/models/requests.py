"""Residents' requests and the chief's decisions on them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .columns import in_list, now

if TYPE_CHECKING:
    from scheduler.calendar import Calendar

    from .accounts import User
    from .program import Program, Resident

REQUEST_KINDS = ("vacation", "assign", "avoid")
# pending: awaiting the chief; approved: must hold (hard); wish: the solver tries (soft);
# declined: left out of the solve, with a reason.
REQUEST_STATUSES = ("pending", "approved", "wish", "declined")
# Each status in words, as sentences say it ("Request kept as a wish.", "was declined").
REQUEST_STATUS_WORDS = {"pending": "waiting for a decision", "approved": "approved",
                        "wish": "kept as a wish", "declined": "declined"}
assert set(REQUEST_STATUS_WORDS) == set(REQUEST_STATUSES)


class Request(Model):
    """A vacation, assign or avoid request (the file's [[request]]). `details` holds the
    file's keys for its kind (weeks, rotation or group, blocks); only approved requests
    (hard) and wishes (soft) go into the program file the solver sees."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    weight: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # sent by the resident (counts against their weight budget), not entered by the chief
    from_resident: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")      # the resident's words
    reason: Mapped[str] = mapped_column(Text, default="")    # the chief's, when declining
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                 ondelete="SET NULL"))

    program: Mapped[Program] = relationship(back_populates="requests")
    resident: Mapped[Resident] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("kind", REQUEST_KINDS), name="known_kind"),
        CheckConstraint(in_list("status", REQUEST_STATUSES), name="known_status"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("status <> 'declined' OR length(reason) > 0",
                        name="declined_with_reason"),
    )

    @property
    def hard(self) -> bool:
        return self.status == "approved"

    @property
    def status_in_words(self) -> str:
        return REQUEST_STATUS_WORDS[self.status]

    @property
    def stamp(self) -> str:
        """When it was asked, to the microsecond: a page that decides on a request sends it
        back, so that a decision never lands on another request that took a withdrawn
        one's number (SQLite reuses the highest number once it is free)."""
        asked = self.created_at
        if asked.tzinfo is not None:   # PostgreSQL's, in its session's time zone
            asked = asked.astimezone(UTC).replace(tzinfo=None)
        return asked.isoformat(timespec="microseconds")

    def weeks_in(self, calendar: Calendar) -> list[int]:
        """The weeks (1-based) this request's `weeks` name, in order, without repeats, read
        as the solver reads the program file (`Calendar.week_named_by`: any day of a week
        names it; a day of the year before week 1 names week 1)."""
        found = (calendar.week_named_by(date.fromisoformat(day))
                 for day in self.details.get("weeks", []))
        return sorted({week for week in found if week is not None})
