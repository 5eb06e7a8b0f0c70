"""Fixtures of the engine's tests that take a while to build, made once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def duke_year():
    """The sample program, a block schedule solved for it and the call schedule on that:
    (program, schedule, duty file)."""
    from scheduler import load_program_file
    from solver.call.engine import CallOptions, solve_call
    from solver.engine import SolveOptions, solve

    program = load_program_file("samples/duke.toml").program
    schedule = solve(program, SolveOptions(time_limit=30, workers=2, explain=False))
    assert schedule.status in ("OPTIMAL", "FEASIBLE")
    duty = solve_call(program, schedule, CallOptions(time_limit=60, workers=2))
    return program, schedule, duty
