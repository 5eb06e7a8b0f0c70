"""People who sign in, and their roles in each program."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .columns import in_list, now

if TYPE_CHECKING:
    from .program import Program

# Every role a person may have in a program, and how pages and the audit log name it.
ROLE_NAMES = {
    "admin": "Admin",
    "program_director": "Program director",
    "coordinator": "Coordinator",
    "chief": "Chief resident",
    "faculty": "Faculty (attending)",
    "resident": "Resident",
}
ROLES = tuple(ROLE_NAMES)


class User(UserMixin, Model):
    """A person who signs in. Passwords are stored only as a scrypt hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # A password someone else chose (a director adding the person, the command line): the
    # person must choose their own before any page opens (`auth.routes.own_password_first`).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Notifications come in the app always, and by e-mail unless the person turned that off.
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user",
                                                         cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("email = lower(email) AND email LIKE '%_@_%'",
                                      name="email_lowercase_address"),)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot sign in
        return self.active

    def roles_in(self, program: Program) -> set[str]:
        return {m.role for m in self.memberships if m.program_id == program.id}


class Membership(Model):
    """A user's role in one program; a user may hold several roles, in several programs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="memberships")
    program: Mapped[Program] = relationship(back_populates="memberships")

    __table_args__ = (
        UniqueConstraint("user_id", "program_id", "role"),
        CheckConstraint(in_list("role", ROLES), name="known_role"),
    )


class ApiToken(Model):
    """A token for the JSON API, acting as its user. Only a SHA-256 hash is stored: the
    token itself is shown once, when it is made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class UserSession(Model):
    """A signed-in browser. The session cookie carries a random token whose SHA-256 hash is
    kept here; a request is signed in only while its row exists, so signing out, changing the
    password or "sign out everywhere" ends sessions on the server, not just in one browser."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    browser: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class Notification(Model):
    """Something a person should know, kept for them in the app (and e-mailed to them when
    they let it): a schedule published, a request decided, a swap offered, accepted or
    approved, a case returned. `link` is the page it is about; `read_at` when they saw it.
    One that asks something of its reader (a chief to approve a swap) names what in `asks`
    (a key of the service that asked), and is read once anyone has done it
    (`notify.answered`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id",
                                                              ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    asks: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_notification_user", "user_id", "id"),
                      Index("ix_notification_asks", "asks"))
