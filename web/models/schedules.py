"""Schedules (drafts and published versions) and the solve jobs that make them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .columns import in_list, now

if TYPE_CHECKING:
    from .accounts import User
    from .program import Program, Resident

SCHEDULE_STATES = ("draft", "published")
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
# A call swap's life: offered by the resident on call; accepted by another (the checker
# passed); approved or declined by a chief; withdrawn by the one who offered it; lapsed when a
# newer call version no longer gives the giver what was offered.
SWAP_STATES = ("offered", "accepted", "approved", "declined", "withdrawn", "lapsed")
OPEN_SWAP_STATES = ("offered", "accepted")
# What a swap moves: one call shift, or weeks of a weekly service (night float).
SWAP_KINDS = ("call", "service")
# What a solve job makes: a block schedule, or the call schedule on a published version.
JOB_KINDS = ("blocks", "call")
ACTIVE_JOB_STATES = ("queued", "running")


class Schedule(Model):
    """A year's schedule for a program: a draft the chief may edit, or a published version
    (numbered 1, 2, ... per program; the highest is the one residents see). `data` is the
    schedule file. A published version also keeps `program_toml`, the program file it was
    checked against when published: a version is read against it ever after, so later
    changes to the roster or the rules never alter what was published. `revision` guards
    against lost updates: an edit made on an older revision is refused."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1)
    program_toml: Mapped[str | None] = mapped_column(Text)

    program: Mapped[Program] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    __mapper_args__ = {"version_id_col": revision}
    __table_args__ = (
        UniqueConstraint("program_id", "version", name="uq_schedule_version"),
        CheckConstraint(in_list("state", SCHEDULE_STATES), name="known_state"),
        CheckConstraint("(state = 'published') = (version IS NOT NULL)",
                        name="published_has_version"),
    )

    @property
    def label(self) -> str:
        return f"version {self.version}" if self.version else f"draft #{self.id}"


class SolveJob(Model):
    """One run of the solver for a program, done off the request thread by a worker.
    It keeps the exact program file it solved, its progress (objective and bound over time)
    and its answer: a new draft schedule, or the conflicting rules. At most one job per
    program is queued or running (a partial unique index says so)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a worker was sent for it; a queued job without one waits for a free solver.
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker_pid: Mapped[int | None]
    program_toml: Mapped[str] = mapped_column(Text)
    time_limit: Mapped[float] = mapped_column(default=60.0)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("schedule.id",
                                                              ondelete="SET NULL"))
    freeze_through: Mapped[int] = mapped_column(default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    progress: Mapped[list[list[float | None]]] = mapped_column(JSON, default=list)
    solver_status: Mapped[str | None] = mapped_column(String(16))
    objective: Mapped[int | None]
    best_bound: Mapped[int | None]
    conflicts: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedule.id",
                                                              ondelete="SET NULL"))
    # A call job: `previous` is the published block version it schedules call on, and
    # its answer is a call schedule draft.
    kind: Mapped[str] = mapped_column(String(16), default="blocks", server_default="blocks")
    call_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("call_schedule.id",
                                                                   ondelete="SET NULL"))

    program: Mapped[Program] = relationship()
    created_by: Mapped[User | None] = relationship()
    schedule: Mapped[Schedule | None] = relationship(foreign_keys=[schedule_id])
    previous: Mapped[Schedule | None] = relationship(foreign_keys=[previous_id])
    call_schedule: Mapped[CallSchedule | None] = relationship(foreign_keys=[call_schedule_id])

    __table_args__ = (
        CheckConstraint(in_list("state", JOB_STATES), name="known_state"),
        CheckConstraint(in_list("kind", JOB_KINDS), name="known_kind"),
        CheckConstraint("time_limit > 0 AND freeze_through >= 0", name="sane_options"),
        Index("ix_solve_job_one_active_per_program", "program_id", unique=True,
              sqlite_where=text("state IN ('queued', 'running')"),
              postgresql_where=text("state IN ('queued', 'running')")),
    )

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES


class CallSchedule(Model):
    """A year's call schedule, resting on one published block version (`schedule`): a draft,
    or a published call version (numbered 1, 2, ... per program; the highest is the one
    residents see). `data` is the duty file (scheduler/duty_file.py); `program_toml` the
    program file it was solved with, so it reads the same ever after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    program_toml: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1)

    program: Mapped[Program] = relationship()
    schedule: Mapped[Schedule] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    __mapper_args__ = {"version_id_col": revision}
    __table_args__ = (
        UniqueConstraint("program_id", "version", name="uq_call_schedule_version"),
        CheckConstraint(in_list("state", SCHEDULE_STATES), name="known_state"),
        CheckConstraint("(state = 'published') = (version IS NOT NULL)",
                        name="published_has_version"),
    )

    @property
    def label(self) -> str:
        return f"call version {self.version}" if self.version else f"call draft #{self.id}"


class CallSwap(Model):
    """A resident's call shift offered to the others: which shift (pool and start, as the
    duty file writes them), on which published call version, who gives it and who takes it.
    An approved swap made the call version `result` (the next one, with the shift moved).

    A swap of `kind` "service" offers weeks `first_week`-`last_week` of a weekly service
    (night float; its code in `pool`, the first week's Monday and the Monday after the last
    in `start` and `end`): approved, it made the block version `block_result` (the weeks
    moved) and the call version `result` on it (both residents' duty rebuilt)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    call_schedule_id: Mapped[int] = mapped_column(ForeignKey("call_schedule.id",
                                                             ondelete="CASCADE"))
    pool: Mapped[str] = mapped_column(String(64))
    start: Mapped[str] = mapped_column(String(16))
    end: Mapped[str] = mapped_column(String(16))
    giver_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    taker_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="offered")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                ondelete="SET NULL"))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("call_schedule.id",
                                                            ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="call", server_default="call")
    first_week: Mapped[int | None]
    last_week: Mapped[int | None]
    block_result_id: Mapped[int | None] = mapped_column(ForeignKey("schedule.id",
                                                                  ondelete="SET NULL"))

    call_schedule: Mapped[CallSchedule] = relationship(foreign_keys=[call_schedule_id])
    result: Mapped[CallSchedule | None] = relationship(foreign_keys=[result_id])
    block_result: Mapped[Schedule | None] = relationship(foreign_keys=[block_result_id])
    giver: Mapped[Resident] = relationship(foreign_keys=[giver_id])
    taker: Mapped[Resident | None] = relationship(foreign_keys=[taker_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint(in_list("state", SWAP_STATES), name="known_state"),
        CheckConstraint("state NOT IN ('accepted', 'approved') OR taker_id IS NOT NULL",
                        name="taken_has_taker"),
        CheckConstraint(in_list("kind", SWAP_KINDS), name="known_kind"),
        CheckConstraint("kind = 'call' OR (first_week IS NOT NULL AND last_week >= first_week)",
                        name="service_has_weeks"),
        # One open offer of a resident's shift (of a service's weeks from their first).
        Index("ix_call_swap_one_open_per_shift", "program_id", "kind", "pool", "start",
              "giver_id", unique=True,
              sqlite_where=text("state IN ('offered', 'accepted')"),
              postgresql_where=text("state IN ('offered', 'accepted')")),
    )

    @property
    def open(self) -> bool:
        return self.state in OPEN_SWAP_STATES

    @property
    def last_day(self) -> str:
        """The last day the swap covers ('2027-09-19'): `end` is the moment after it."""
        return (datetime.fromisoformat(self.end) - timedelta(minutes=1)).date().isoformat()

    @property
    def weeks(self) -> list[int]:
        """The service weeks a service swap moves (none for a call swap)."""
        if self.kind != "service" or self.first_week is None or self.last_week is None:
            return []
        return list(range(self.first_week, self.last_week + 1))
