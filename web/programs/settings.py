"""The program's year settings (the program file's [program] table)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ..entries import Outcome, save_entry, split_list, text
from ..models import Program
from ..program_file import name_taken


def form_values(program: Program) -> SimpleNamespace:
    """The settings as the settings form shows them (lists as comma-separated text)."""
    return SimpleNamespace(
        name=program.name, year_start=program.year_start, calendar=program.calendar,
        levels=", ".join(program.levels), tracks=", ".join(program.tracks),
        vacation_weeks=program.vacation_weeks,
        max_vacation_weeks_per_block=program.max_vacation_weeks_per_block,
        change_weight=program.change_weight)


def save(program: Program, data: dict[str, Any]) -> Outcome:
    """Change the year settings, if the program stays valid (a level still used by a resident
    cannot be dropped, a name cannot be another program's)."""
    name = text(data, "name")
    taken = name_taken(name, program)
    if taken is not None:
        return Outcome(field_errors={"name": [
            f"another program is already called '{taken}' (names are compared ignoring case "
            "and spacing)"]})

    def change(row: Program) -> None:
        row.name = name
        row.year_start = data["year_start"]
        row.calendar = data["calendar"]
        row.levels = split_list(text(data, "levels"))
        row.tracks = split_list(text(data, "tracks"))
        for key in ("vacation_weeks", "max_vacation_weeks_per_block", "change_weight"):
            setattr(row, key, data[key])

    return save_entry(program, "program", program, [program], change)
