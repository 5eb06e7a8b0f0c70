"""Scheduling model: CP-SAT solver, explanations, and the independent checker."""

from __future__ import annotations

import os
import sys
import types

RELAXATION_ONLY = "RESIDENCY_RELAXATION_PROCESS"


def _cp_model_without_pandas() -> None:
    """Import OR-Tools' `cp_model` without pandas. It imports pandas only for helpers that
    take pandas series and indexes, which nothing here calls; pandas took 0.17-0.7 s of the
    command line's start-up of 0.45-1.1 s (docs/benchmarks.md). A stand-in named pandas
    answers its import, and is taken away again at once, so that whatever imports pandas
    afterwards gets the real one; `cp_model` keeps the stand-in, whose `Index` and `Series`
    nothing is an instance of. Not in the linear relaxation's own process (RELAXATION_ONLY
    set by relaxation.py), which never uses `cp_model`: importing it there would only delay
    the relaxation's answer."""
    if "pandas" in sys.modules or "ortools.sat.python.cp_model" in sys.modules \
            or os.environ.get(RELAXATION_ONLY):
        return
    stand_in = types.ModuleType("pandas", "Stands in for pandas while cp_model is imported.")

    class NotPandas:
        """A type no value passed to cp_model here is an instance of."""

    stand_in.Index = stand_in.Series = NotPandas  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    finally:
        del sys.modules["pandas"]


_cp_model_without_pandas()
