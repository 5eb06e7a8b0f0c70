"""A program and its set-up, entry for entry as the program file has it.

The program's settings and its rotations and residents are columns (they are what the rest of
the app joins on); requirements, rules, blackouts, away limits and weekly services keep their
entry as the file has it, as JSON, since the program-file validator (`scheduler.validation`)
is the one authority on their shape.
`position` keeps the file's order, which the solver's conflict sources (`rule[3]`) refer to.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from scheduler import schema
from scheduler.calendar import CALENDARS, Calendar
from scheduler.identifiers import name_key, normalise

from ..extensions import Model
from .columns import in_list, now

if TYPE_CHECKING:
    from .accounts import Membership, User
    from .requests import Request

RULE_KINDS = tuple(schema.RULE_KINDS)
DEFAULT_LEVELS = ["R1", "R2", "R3", "R4", "R5"]
DEFAULT_TRACKS = ["IR", "DR", "ESIR"]


class Program(Model):
    """A residency program and its academic year's settings (the file's [program] table).
    One instance hosts several programs, as a GME office does."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name as two names are compared (normalised, case-folded): unique, so that a
    # look-alike ("Duke IR" with a no-break space, "DUKE IR") is never a second program.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    year_start: Mapped[date | None] = mapped_column(Date)
    calendar: Mapped[str] = mapped_column(String(16), default="months",
                                          server_default="months")
    levels: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_LEVELS),
                                              server_default=json.dumps(DEFAULT_LEVELS))
    tracks: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_TRACKS),
                                              server_default=json.dumps(DEFAULT_TRACKS))
    vacation_weeks: Mapped[int] = mapped_column(default=0, server_default="0")
    max_vacation_weeks_per_block: Mapped[int] = mapped_column(default=1, server_default="1")
    change_weight: Mapped[int] = mapped_column(default=1, server_default="1")
    # Format 2: each track's last level, the holidays (ISO dates), and split blocks.
    final_level: Mapped[dict[str, str]] = mapped_column(JSON, default=dict,
                                                        server_default="{}")
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    split_blocks: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The IANA time zone the program works in; None: the installation's (web/clock.py)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The program file's call keys, as the file has them: {"call": {...}, "work_hours": [...],
    # "call_pool": [...], "call_request": [...]} (scheduler/call_rules.py)
    call_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Case logs: whether cases count toward targets before an attending verifies them.
    count_unverified: Mapped[bool] = mapped_column(default=True, server_default="1")

    memberships: Mapped[list[Membership]] = relationship(back_populates="program",
                                                         cascade="all, delete-orphan")
    rotations: Mapped[list[Rotation]] = relationship(
        back_populates="program", cascade="all, delete-orphan",
        order_by="(Rotation.position, Rotation.id)")
    # The program's residents this year: everyone not archived. Archived residents (people
    # who left) stay in the database with their case log and in the versions that name them,
    # but out of the program file, its pages and new solves.
    residents: Mapped[list[Resident]] = relationship(
        back_populates="program", cascade="all, delete-orphan",
        primaryjoin="and_(Program.id == Resident.program_id, Resident.archived_at.is_(None))",
        order_by="(Resident.position, Resident.id)")
    archived_residents: Mapped[list[Resident]] = relationship(
        viewonly=True,
        primaryjoin="and_(Program.id == Resident.program_id, "
                    "Resident.archived_at.is_not(None))",
        order_by="(Resident.archived_at, Resident.id)")
    requirements: Mapped[list[Requirement]] = relationship(
        cascade="all, delete-orphan", order_by="(Requirement.position, Requirement.id)")
    rules: Mapped[list[Rule]] = relationship(
        cascade="all, delete-orphan", order_by="(Rule.position, Rule.id)")
    requests: Mapped[list[Request]] = relationship(
        back_populates="program", cascade="all, delete-orphan",
        order_by="(Request.position, Request.id)")
    blackouts: Mapped[list[Blackout]] = relationship(
        cascade="all, delete-orphan", order_by="(Blackout.position, Blackout.id)")
    away_limits: Mapped[list[AwayLimit]] = relationship(
        cascade="all, delete-orphan", order_by="(AwayLimit.position, AwayLimit.id)")
    services: Mapped[list[Service]] = relationship(
        cascade="all, delete-orphan", order_by="(Service.position, Service.id)")

    @validates("name")
    def _normal_name(self, _key: str, value: str) -> str:
        """Every program name is kept normalised, with its comparison key beside it; a name
        holding a control or invisible character raises BadName (forms refuse it first)."""
        self.name_key = name_key(value)
        return normalise(value)

    @property
    def year_calendar(self) -> Calendar:
        """The academic year's blocks and weeks; ValueError before the year is set up."""
        if self.year_start is None:
            raise ValueError("the academic year is not set up yet")
        return Calendar(self.year_start, self.calendar,
                        frozenset(date.fromisoformat(d) for d in self.holidays or []))

    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(in_list("calendar", CALENDARS), name="known_calendar"),
        CheckConstraint("vacation_weeks >= 0 AND max_vacation_weeks_per_block >= 0 "
                        "AND change_weight >= 0", name="counts_not_negative"),
    )


class Rotation(Model):
    """A service residents rotate through (the file's [[rotation]])."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    site: Mapped[str] = mapped_column(String(200), default="")
    min: Mapped[int] = mapped_column(default=0)
    max: Mapped[int | None]
    min_present: Mapped[int] = mapped_column(default=0)
    levels: Mapped[list[str] | None] = mapped_column(JSON)
    tracks: Mapped[list[str] | None] = mapped_column(JSON)
    vacation: Mapped[bool] = mapped_column(default=True)
    split: Mapped[bool] = mapped_column(default=False, server_default="0")

    program: Mapped[Program] = relationship(back_populates="rotations")

    @validates("code")
    def _normal_code(self, _key: str, value: str) -> str:
        """Codes are kept normalised (forms and program files normalise them first)."""
        return normalise(value)

    __table_args__ = (
        UniqueConstraint("program_id", "code", name="uq_rotation_code"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
        CheckConstraint("min >= 0 AND min_present >= 0", name="bounds_not_negative"),
        CheckConstraint("max IS NULL OR max >= min", name="bounds_not_crossed"),
    )


class Resident(Model):
    """A resident in this year's program (the file's [[resident]]); `key` is the file's id.
    `user` links the resident to the account they sign in with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[str] = mapped_column(String(50))
    track: Mapped[str] = mapped_column(String(50))
    vacation_weeks: Mapped[int | None]
    max_vacation_weeks_per_block: Mapped[int | None]
    history: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The secret in the resident's private calendar-feed address (None: no feed yet).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the resident left the program (None: still in it). See Program.residents.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    program: Mapped[Program] = relationship(back_populates="residents")
    user: Mapped[User | None] = relationship()

    @validates("key")
    def _normal_key(self, _key: str, value: str) -> str:
        """Ids are kept normalised (forms, rosters and program files normalise them first)."""
        return normalise(value)

    __table_args__ = (
        UniqueConstraint("program_id", "key", name="uq_resident_key"),
        UniqueConstraint("program_id", "user_id", name="uq_resident_user"),
        CheckConstraint("length(key) > 0", name="key_not_empty"),
        CheckConstraint("vacation_weeks IS NULL OR vacation_weeks >= 0",
                        name="vacation_not_negative"),
    )

    @property
    def label(self) -> str:
        return self.name or self.key


class Requirement(Model):
    """Blocks residents must spend on a rotation or group (the file's [[requirement]]),
    kept as the file's entry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)


class Rule(Model):
    """A coverage, consecutive-blocks or prerequisite rule (the file's [[rule]]), kept as the
    file's entry; `kind` is repeated as a column for the check constraint and for filtering."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(32))
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (CheckConstraint(in_list("kind", RULE_KINDS), name="known_kind"),)


class Blackout(Model):
    """A period without vacation for the residents it binds (the file's [[blackout]]), kept
    as the file's entry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)


class AwayLimit(Model):
    """At most so many residents on vacation on any one working day (the file's
    [[away_limit]]), kept as the file's entry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)


class Service(Model):
    """A weekly service such as night float (the file's [[service]]), kept as the file's
    entry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
