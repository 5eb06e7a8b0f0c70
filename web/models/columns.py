"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, time-zone aware (stored as UTC)."""
    return datetime.now(UTC)


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL for a check constraint: `column` is one of `values`."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
