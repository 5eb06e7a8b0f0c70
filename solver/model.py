"""The CP-SAT model of a program, as the engine and the explanation both build it: what a
solve is asked to do (`SolveOptions`) and every constraint family added to one model."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from scheduler import Program, Schedule

from . import symmetry
from .constraints import FAMILIES
from .context import ModelContext


@dataclass
class SolveOptions:
    """How long to search, with how many workers, and what to keep from a previous schedule."""

    time_limit: float = 60.0
    workers: int = 0  # 0: let CP-SAT choose
    previous: Schedule | None = None
    freeze_through: int = 0
    explain: bool = True
    explain_time_limit: float = 30.0
    relaxation: bool = True  # the linear relaxation's bound beside the search
    log: bool = False
    stop: threading.Event | None = field(default=None, repr=False)
    memory_mb: int = 0  # 0: no limit; else the search stops with what it has beyond it


def build_model(program: Program, options: SolveOptions, explain: bool = False) -> ModelContext:
    """The CP-SAT model of a program: every constraint family, and the objective."""
    ctx = ModelContext(program, explain=explain, previous=options.previous,
                       freeze_through=options.freeze_through)
    for family in FAMILIES:
        family.add(ctx)
    if not explain:
        symmetry.add(ctx)
        if ctx.objective:
            ctx.model.minimize(sum(w * e for w, e in ctx.objective))
    return ctx
