"""The call year's CP-SAT model: every call constraint family added to one model."""

from __future__ import annotations

from datetime import date, datetime

from scheduler import Program, Schedule
from scheduler.duty_file import DutyFile

from .constraints import FAMILIES
from .context import CallModel


def build_call_model(program: Program, schedule: Schedule, explain: bool = False,
                     published: DutyFile | None = None,
                     keep_before: date | datetime | None = None
                     ) -> CallModel:
    """The model of who takes which call shift, with the objective (soft requests); made
    again, the shifts of the `published` call schedule that began before `keep_before`
    stay as they were (constraints.kept)."""
    m = CallModel(program, schedule, explain=explain, published=published,
                  keep_before=keep_before)
    for family in FAMILIES:
        family.add(m)
    if not explain and m.objective:
        m.model.minimize(sum(w * lit for w, lit in m.objective))
    return m
