"""What a rule, requirement or request may name in a program's select lists: its rotations,
then the groups that are not also a rotation's code."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from .models import Program


def target_choices(program: Program, services: bool = True) -> list[SelectChoice]:
    """Rotations ("IR-U — IR at University"), then groups ("IR (any rotation in the
    group)"), then weekly services ("NF — Night float (weekly service)"), as a requirement,
    rule or request can name any of them (a service only where the format allows it: the
    validator says so on the field)."""
    rotations = [SelectChoice(r.code, f"{r.code} — {r.name}" if r.name else r.code)
                 for r in program.rotations]
    codes = {r.code for r in program.rotations}
    groups = sorted({g for r in program.rotations for g in r.groups} - codes)
    found = rotations + [SelectChoice(g, f"{g} (any rotation in the group)") for g in groups]
    if services:
        for row in program.services:
            code, name = row.entry.get("code", ""), row.entry.get("name", "")
            found.append(SelectChoice(code, f"{code} — {name or code} (weekly service)"))
    return found
