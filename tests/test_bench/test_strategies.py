"""The search settings of bench/strategies.py, the evidence behind `engine.tune`: every
setting solves a program of a family to the same proven optimum, and trying one leaves the
engine's own setting in place."""

from __future__ import annotations

import pytest

from bench import strategies
from solver import engine

PROGRAM = "department:20:months:on"


@pytest.fixture(scope="module")
def optimum() -> int:
    answer = strategies.run(PROGRAM, "engine", time_limit=30)
    assert answer["status"] == "OPTIMAL" and answer["tuned"], answer
    return answer["objective"]


@pytest.mark.parametrize("setting", [s for s in strategies.SETTINGS if s != "engine"])
def test_every_setting_proves_the_same_optimum_and_leaves_the_engine_as_it_was(setting, optimum):
    own = engine.tune
    answer = strategies.run(PROGRAM, setting, time_limit=30)
    assert engine.tune is own
    assert answer["status"] == "OPTIMAL" and answer["tuned"], answer
    assert answer["objective"] == answer["bound"] == optimum
