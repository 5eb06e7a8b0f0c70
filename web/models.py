"""Database models: programs, people and their roles in each program.

Integrity lives in the schema as well as in code: unique e-mails and program names, a check
constraint on roles, foreign keys that SQLite enforces too (see `create_app`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

ROLES = ("admin", "program_director", "coordinator", "chief", "faculty", "resident")


def _now() -> datetime:
    return datetime.now(UTC)


class Program(db.Model):
    """A residency program (one instance can host several, as a GME office does)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="program",
                                                         cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)


class User(UserMixin, db.Model):
    """A person who signs in. Passwords are stored only as a scrypt hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user",
                                                         cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("email = lower(email) AND email LIKE '%_@_%'",
                                      name="email_lowercase_address"),)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot sign in
        return self.active

    def roles_in(self, program: Program) -> set[str]:
        return {m.role for m in self.memberships if m.program_id == program.id}


class Membership(db.Model):
    """A user's role in one program; a user may hold several roles, in several programs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="memberships")
    program: Mapped[Program] = relationship(back_populates="memberships")

    __table_args__ = (
        UniqueConstraint("user_id", "program_id", "role"),
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")",
                        name="known_role"),
    )
