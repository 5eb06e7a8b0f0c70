"""Placing the free vacation weeks of a by-block solution (see `context.py`).

The model decided, per resident and block, whether a vacation week is taken there, and which
pinned weeks (requested, or frozen) are granted. A taken week that no pinned week accounts for
is free: it goes to the week of the block with the most spare places on the resident's
rotation (residents on it minus `min_present` minus those already away that week), which
spreads absences and, by the argument in `constraints/presence.py`, never leaves a week short.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import ModelContext


def place(ctx: ModelContext, taken: dict[tuple[int, int], bool], granted: set[tuple[int, int]],
          rotation_of: dict[tuple[int, int], str]) -> dict[int, list[int]]:
    """Resident index -> sorted vacation weeks, given which blocks each resident is away in
    (`taken`), which pinned weeks the solver granted, and each resident's rotation by block."""
    p = ctx.program
    weeks: dict[int, list[int]] = defaultdict(list)
    for r, w in granted:
        weeks[r].append(w)
    for b in ctx.blocks:
        in_block = ctx.weeks_of_block[b]
        spare: dict[str, dict[int, int]] = {}
        for code, rotation in p.rotation_by_code.items():
            on = [r for r in range(len(p.residents)) if rotation_of.get((r, b)) == code]
            spare[code] = {
                w: len(on) - rotation.min_present - sum((r, w) in granted for r in on)
                for w in in_block
            }
        for r in range(len(p.residents)):
            own = [w for w in in_block if (r, w) in granted]
            if not taken.get((r, b)) or own:
                continue
            room = spare[rotation_of[r, b]]
            week = max(in_block, key=lambda w: (room[w], -w))
            room[week] -= 1
            weeks[r].append(week)
    return {r: sorted(ws) for r, ws in weeks.items()}
