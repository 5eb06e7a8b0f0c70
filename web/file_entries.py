"""Set-up rows as the program file has their entries (rotations, residents, and the entries
kept whole as JSON: requirements, rules, blackouts, away limits, services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.schema import Resident as ResidentEntry
from scheduler.schema import Rotation as RotationEntry

from .models import Resident, Rotation


def rotation_entry(rotation: Rotation) -> dict[str, Any]:
    return RotationEntry.model_construct(
        code=rotation.code, name=rotation.name, groups=list(rotation.groups),
        site=rotation.site, min=rotation.min, max=rotation.max,
        min_present=rotation.min_present, levels=rotation.levels, tracks=rotation.tracks,
        vacation=rotation.vacation, split=bool(rotation.split),
    ).model_dump(exclude_defaults=True)


def resident_entry(resident: Resident) -> dict[str, Any]:
    return ResidentEntry.model_construct(
        id=resident.key, name=resident.name, level=resident.level, track=resident.track,
        vacation_weeks=resident.vacation_weeks,
        max_vacation_weeks_per_block=resident.max_vacation_weeks_per_block,
        history=dict(resident.history),
    ).model_dump(exclude_defaults=True)


# Keys of kept entries that hold dates (JSON keeps them as ISO text; the file has dates).
DATE_KEYS = ("from", "to")


def kept_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A kept entry (requirement, rule, blackout, ...) as the file has it, dates as dates."""
    return {key: date.fromisoformat(value) if key in DATE_KEYS else value
            for key, value in entry.items()}
