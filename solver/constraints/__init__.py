"""One module per constraint family; each `add(ctx)` adds its rule to the model.

Hard entries become constraints (gated by the entry's literal in explanation mode); soft
entries become penalty terms of the objective.
"""

from . import (
    assignment,
    away_limits,
    blackouts,
    capacity,
    continuity,
    coverage,
    max_consecutive,
    min_consecutive,
    prerequisite,
    presence,
    requests,
    requirements,
    services,
    stints,
    vacation,
)

FAMILIES = (
    assignment,
    capacity,
    presence,
    vacation,
    blackouts,
    away_limits,
    services,
    requirements,
    coverage,
    max_consecutive,
    min_consecutive,
    stints,
    prerequisite,
    requests,
    continuity,
)

__all__ = ["FAMILIES"]
