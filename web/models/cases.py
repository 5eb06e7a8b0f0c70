"""Case logs: each program's procedure catalogue and targets, and the cases residents log."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .columns import in_list, now

if TYPE_CHECKING:
    from .accounts import User
    from .program import Program, Resident

CASE_ROLES = ("primary", "assistant", "observer")
CASE_STATES = ("pending", "verified", "returned")
COMPLICATIONS = ("none", "minor", "major")


class ProcedureCategory(Model):
    """A category of the program's catalogue (copied from the default, then the program's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="procedure")

    types: Mapped[list[ProcedureType]] = relationship(
        back_populates="category", cascade="all, delete-orphan",
        order_by="(ProcedureType.position, ProcedureType.id)")

    __table_args__ = (
        UniqueConstraint("program_id", "code", name="uq_procedure_category_code"),
        CheckConstraint(in_list("kind", ("procedure", "reading")), name="known_kind"),
    )


class ProcedureType(Model):
    """A procedure residents log, with optional CPT codes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("procedure_category.id",
                                                        ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    cpt: Mapped[list[str]] = mapped_column(JSON, default=list)

    category: Mapped[ProcedureCategory] = relationship(back_populates="types")

    __table_args__ = (UniqueConstraint("program_id", "code", name="uq_procedure_type_code"),)


class CaseTarget(Model):
    """A target the program measures residents against (a `caselog.Target`, as JSON)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)


class Case(Model):
    """One logged case: never a patient identifier, only a keyed hash of the resident's own
    reference. The rotation is filled in from the published schedule for that day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(16), default="primary")
    attending_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                               ondelete="SET NULL"))
    site: Mapped[str] = mapped_column(String(200), default="")
    rotation: Mapped[str] = mapped_column(String(64), default="")
    complications: Mapped[str] = mapped_column(String(16), default="none")
    notes: Mapped[str] = mapped_column(Text, default="")
    patient_hash: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    comment: Mapped[str] = mapped_column(Text, default="")   # the attending's, when returned
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    entered_in_acgme: Mapped[bool] = mapped_column(default=False)
    # For imported cases: a digest of the source row (and its repeat number in the file), so
    # the same file imported twice adds nothing the second time.
    import_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    program: Mapped[Program] = relationship()
    resident: Mapped[Resident] = relationship()
    attending: Mapped[User | None] = relationship()
    procedures: Mapped[list[CaseProcedure]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="(CaseProcedure.primary.desc(), CaseProcedure.id)")

    @property
    def correctable(self) -> bool:
        """Its resident may still edit or delete it: until it is verified (waiting or
        returned). A verified case is final."""
        return self.state != "verified"

    __table_args__ = (
        CheckConstraint(in_list("role", CASE_ROLES), name="known_role"),
        CheckConstraint(in_list("state", CASE_STATES), name="known_state"),
        CheckConstraint(in_list("complications", COMPLICATIONS), name="known_complications"),
        CheckConstraint("state <> 'returned' OR length(comment) > 0",
                        name="returned_with_comment"),
        UniqueConstraint("program_id", "import_key", name="uq_case_import_key"),
        # A resident's cases by day; the attending's queue; the same reference twice. The
        # last two are partial: most cases are verified and carry no reference, and an
        # index they are not in costs an import nothing.
        db.Index("ix_case_resident_day", "resident_id", "day"),
        db.Index("ix_case_attending_pending", "attending_id",
                 postgresql_where=text("state = 'pending'"),
                 sqlite_where=text("state = 'pending'")),
        db.Index("ix_case_patient_hash", "program_id", "patient_hash",
                 postgresql_where=text("patient_hash IS NOT NULL"),
                 sqlite_where=text("patient_hash IS NOT NULL")),
    )


class CaseProcedure(Model):
    """A procedure done in a case; exactly one per case is the primary."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("procedure_type.id",
                                                    ondelete="RESTRICT"))
    primary: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="procedures")
    type: Mapped[ProcedureType] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "type_id", name="uq_case_procedure"),)


class CaseTally(Model):
    """Running counts of cases per resident, calendar month, rotation and measure key
    (`caselog.measure_key`: all cases, one kind, one category), kept apart for verified and
    pending cases (returned ones do not count). Dashboards and pace projections read these
    instead of counting every case; `web.cases.tally.rebuild` recomputes them from the cases."""

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    rotation: Mapped[str] = mapped_column(String(64), primary_key=True)
    measure: Mapped[str] = mapped_column(String(48), primary_key=True)
    verified: Mapped[bool] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            index=True)
    n: Mapped[int] = mapped_column(default=0)


class CaseDayTally(Model):
    """Running counts per resident and day, for the measure keys of windowed targets only
    (FDA MQSA: 240 mammograms within any 6 months), so the best window is found from a few
    thousand day counts instead of the cases. Kept with `CaseTally`, rebuilt with it."""

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(48), primary_key=True)
    verified: Mapped[bool] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(default=0)

    __table_args__ = (db.Index("ix_case_day_tally_measure", "program_id", "measure", "day"),)


class CaseFavourite(Model):
    """A resident's routine case, saved to log again in a tap: procedures, role, attending,
    site (never a patient reference)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(80))
    primary_type_id: Mapped[int] = mapped_column(ForeignKey("procedure_type.id",
                                                            ondelete="CASCADE"))
    other_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(16), default="primary")
    attending_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                               ondelete="SET NULL"))
    site: Mapped[str] = mapped_column(String(200), default="")

    primary_type: Mapped[ProcedureType] = relationship()

    __table_args__ = (UniqueConstraint("resident_id", "name", name="uq_case_favourite_name"),
                      CheckConstraint(in_list("role", CASE_ROLES), name="known_role"))
