"""What a rule, requirement, request or away limit may name in a program's select lists: its
rotations, its groups and its weekly services, and how a chosen value goes back into a
program-file entry (`rotation`, `group` or `service`)."""

from __future__ import annotations

from typing import Any

from wtforms.fields.choices import SelectChoice

from scheduler.program import admits

from .models import Program, Resident

# The value of a group that shares its name with a rotation (format 2 allows it): the bare
# name would be the rotation.
GROUP_PREFIX = "group:"


def target_choices(program: Program, services: bool = True) -> list[SelectChoice]:
    """Rotations ("IR-U — IR at University"), then groups ("IR (any rotation in the
    group)"), then weekly services ("NF — Night float (weekly service)") where the format
    allows one (the validator says so on the field otherwise)."""
    rotations = [SelectChoice(r.code, f"{r.code} — {r.name}" if r.name else r.code)
                 for r in program.rotations]
    codes = {r.code for r in program.rotations}
    groups = sorted({g for r in program.rotations for g in r.groups})
    found = rotations + [SelectChoice(GROUP_PREFIX + g if g in codes else g,
                                      f"{g} (any rotation in the group)") for g in groups]
    if services:
        for row in program.services:
            code, name = row.entry.get("code", ""), row.entry.get("name", "")
            found.append(SelectChoice(code, f"{code} — {name or code} (weekly service)"))
    return found


def target_key(program: Program, value: str) -> tuple[str, str]:
    """(file key, name) for a chosen value: ('rotation', 'IR'), ('group', 'IR') for
    'group:IR', ('service', 'NF')."""
    if value.startswith(GROUP_PREFIX):
        return "group", value.removeprefix(GROUP_PREFIX)
    if value in {r.code for r in program.rotations}:
        return "rotation", value
    if value in {s.entry.get("code") for s in program.services}:
        return "service", value
    return "group", value


def target_value(program: Program, entry: dict[str, Any]) -> str:
    """The select value that shows an entry's target (the inverse of `target_key`)."""
    if entry.get("group") is not None:
        group = entry["group"]
        codes = {r.code for r in program.rotations}
        return GROUP_PREFIX + group if group in codes else group
    return entry.get("rotation") or entry.get("service") or ""


def closed_to(program: Program, resident: Resident) -> set[str]:
    """The values of `target_choices` that never take the resident: a rotation whose levels
    or tracks leave them out, a group none of whose rotations takes them, a weekly service
    that never takes them (an ESIR rotation for a DR resident, night float for an R4)."""
    def takes(levels: list[str] | None, tracks: list[str] | None) -> bool:
        return admits(levels, tracks, resident.level, resident.track)

    closed = {r.code for r in program.rotations if not takes(r.levels, r.tracks)}
    codes = {r.code for r in program.rotations}
    for group in {g for r in program.rotations for g in r.groups}:
        if all(r.code in closed for r in program.rotations if group in r.groups):
            closed.add(GROUP_PREFIX + group if group in codes else group)
    closed |= {s.entry.get("code", "") for s in program.services
               if not takes(s.entry.get("levels"), s.entry.get("tracks"))}
    return closed

