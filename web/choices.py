"""What a rule, requirement or request may name in a program's select lists: its rotations,
then the groups that are not also a rotation's code."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from .models import Program


def target_choices(program: Program) -> list[SelectChoice]:
    """Rotations ("IR-U — IR at University"), then groups ("IR (any rotation in the
    group)"), as a requirement, rule or request can name either."""
    rotations = [SelectChoice(r.code, f"{r.code} — {r.name}" if r.name else r.code)
                 for r in program.rotations]
    codes = {r.code for r in program.rotations}
    groups = sorted({g for r in program.rotations for g in r.groups} - codes)
    return rotations + [SelectChoice(g, f"{g} (any rotation in the group)") for g in groups]
