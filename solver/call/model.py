"""The call year's CP-SAT model: every call constraint family added to one model."""

from __future__ import annotations

from scheduler import Program, Schedule

from .constraints import FAMILIES
from .context import CallModel


def build_call_model(program: Program, schedule: Schedule, explain: bool = False) -> CallModel:
    """The model of who takes which call shift, with the objective (soft requests)."""
    m = CallModel(program, schedule, explain=explain)
    for family in FAMILIES:
        family.add(m)
    if not explain and m.objective:
        m.model.minimize(sum(w * lit for w, lit in m.objective))
    return m
