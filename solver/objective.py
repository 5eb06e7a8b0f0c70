"""The objective's own domain: which penalties a search may look at.

CP-SAT's presolve and every search worker read the objective's domain, so narrowing it is
the cheapest way to tell a search to look only at schedules that meet a bound (`aimed`),
any of which is then optimal: the guided and the aimed search. An added linear constraint
instead made the *tight* family's format-2 program five times as slow (docs/benchmarks.md).
The aim narrows whatever domain the objective had, never widens it, and restores it
afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

INT_LIMIT = 2**62  # CP-SAT's domains use ±(2^63 - 1) for "no bound"


@contextmanager
def aimed(model: cp_model.CpModel, penalty: int) -> Iterator[None]:
    """Only schedules of at most this penalty, while the block runs."""
    objective = model.proto.objective
    before = list(objective.domain)
    scale = objective.scaling_factor or 1.0
    top = math.floor(penalty / scale - objective.offset + 1e-9)
    objective.domain.clear()
    objective.domain.extend(narrowed(before, top))
    try:
        yield
    finally:
        objective.domain.clear()
        objective.domain.extend(before)


def narrowed(domain: list[int], top: int) -> list[int]:
    """A CP-SAT domain (flat list of closed intervals; empty means every value) without
    the values above `top`. Where none is left, the single value INT_LIMIT, which no
    schedule's penalty reaches: the aimed search then proves that nothing meets the aim."""
    if not domain:
        return [-INT_LIMIT, top]
    kept: list[int] = []
    for low, high in zip(domain[::2], domain[1::2], strict=True):
        if low <= top:
            kept.extend([low, min(high, top)])
    return kept or [INT_LIMIT, INT_LIMIT]
