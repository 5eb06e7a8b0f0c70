"""The CP-SAT model of a program, as the engine and the explanation both build it: what a
solve is asked to do (`SolveOptions`) and every constraint family added to one model."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from scheduler import Program, Schedule

from . import symmetry
from .constraints import FAMILIES
from .context import ModelContext

# A model with more variables than this is *large*: CP-SAT cannot load it cheaply. Its
# presolve takes seconds and does not stop inside, and every full search worker holds a
# copy of the presolved model (department F2, 500 residents, 600,000 variables: about 600 MB
# each). On a large model the engine runs no probe and waits for the linear relaxation's
# answer (PDLP then on every thread) before any search, and the guided search runs only
# CP-SAT's local search, on one thread (engine.solve, guided.py; docs/benchmarks.md,
# twelfth and fourteenth sessions). The family programs up to 125 residents stay below it
# (sites F2, 4-week blocks: 235,000), department F2 at 250 residents is above (283,000).
LARGE_MODEL_VARIABLES = 250_000


def large(ctx: ModelContext) -> bool:
    """Whether the context's model is large (LARGE_MODEL_VARIABLES)."""
    return len(ctx.model.proto.variables) > LARGE_MODEL_VARIABLES


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


def threads(options: SolveOptions) -> int:
    """The threads a search (and the relaxation's solver) uses: the option, else one per
    CPU, at least 2."""
    return options.workers or max(2, os.cpu_count() or 1)


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
