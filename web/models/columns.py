"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def table_of(model: Any) -> Table:
    """A mapped class's table (what SQLAlchemy types as any FROM clause is a Table here)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def aware(moment: datetime) -> datetime:
    """A stored moment with its UTC zone: SQLite gives times back without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def now() -> datetime:
    """The current time, time-zone aware (stored as UTC)."""
    return datetime.now(UTC)


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL for a check constraint: `column` is one of `values`."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def insert_on_conflict(dialect: str, table: Any):
    """An INSERT that can say ON CONFLICT (upsert, or skip), for SQLite or PostgreSQL."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)
