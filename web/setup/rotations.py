"""Rotation services: add or change a rotation, delete one no entry needs."""

from __future__ import annotations

from typing import Any

from .. import setup_audit
from ..entries import Outcome, case_clash, delete_entry, save_entry, split_list, text
from ..models import Program, Rotation, User
from ..program_file import next_position


def save_rotation(program: Program, rotation: Rotation | None, data: dict[str, Any],
                  actor: User | None = None) -> Outcome:
    """Create (`rotation` None) or change a rotation from form data, if the program stays
    valid, audited as done by `actor`. Levels or tracks left empty mean every level or
    track."""
    clash = case_clash(program, text(data, "code"), rotation)
    if clash is not None:
        return clash
    row = rotation or Rotation(position=next_position(Rotation, program))

    def change(row: Rotation) -> None:
        row.code = text(data, "code")
        row.name = text(data, "name")
        row.site = text(data, "site")
        row.groups = split_list(text(data, "groups"))
        row.min, row.max, row.min_present = data["min"], data["max"], data["min_present"]
        row.levels = list(data.get("levels") or []) or None
        row.tracks = list(data.get("tracks") or []) or None
        row.vacation = bool(data["vacation"])
        row.split = bool(data.get("split"))

    return setup_audit.saved(program, "rotation", row, actor, lambda: save_entry(
        program, "rotation", row, program.rotations, change))


def delete_rotation(program: Program, rotation: Rotation, actor: User | None = None
                    ) -> Outcome:
    """Delete a rotation unless a requirement, rule or request still names it (audited as
    done by `actor`)."""
    return setup_audit.removed(program, "rotation", rotation, actor, lambda: delete_entry(
        program, rotation, program.rotations))
