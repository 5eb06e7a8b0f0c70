"""Fixtures of the engine's tests that take a while to build, made once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def duke_schedule():
    """The sample program and a block schedule solved for it: (program, schedule)."""
    from scheduler import load_program_file
    from solver.engine import SolveOptions, solve

    program = load_program_file("samples/duke.toml").program
    schedule = solve(program, SolveOptions(time_limit=30, workers=2, explain=False))
    assert schedule.status in ("OPTIMAL", "FEASIBLE")
    return program, schedule


@pytest.fixture(scope="session")
def duke_year(duke_schedule):
    """The sample program, its block schedule (`duke_schedule`) and the call schedule on
    that: (program, schedule, duty file)."""
    from solver.call.engine import CallOptions, solve_call

    program, schedule = duke_schedule
    duty = solve_call(program, schedule, CallOptions(time_limit=60, workers=2))
    return program, schedule, duty
