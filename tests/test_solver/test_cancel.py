"""Cancelling a solve (issue 19, item 5): the search stops, and the best schedule found so
far is the answer, whichever phase of the search found it."""

from __future__ import annotations

import threading
import time

from bench.generate import generate
from scheduler import load_program
from solver import checker
from solver.engine import Progress, SolveOptions, solve


def _department():
    loaded = load_program(generate(20, "4-week", 1))
    assert loaded.program is not None
    return loaded.program


def test_a_cancel_asked_before_the_search_begins_stops_it_with_no_schedule():
    """CP-SAT ignores a stop asked before its search has begun; the engine does not."""
    stop = threading.Event()
    stop.set()
    answer = solve(_department(), SolveOptions(time_limit=120, stop=stop))
    assert answer.status == "UNKNOWN" and not answer.residents


def test_a_cancel_after_the_first_schedule_keeps_that_schedule():
    program = _department()
    stop = threading.Event()
    found: list[int] = []

    def cancel_at_first_schedule(progress: Progress) -> None:
        if progress.objective is not None:
            found.append(progress.objective)
            stop.set()

    answer = solve(program, SolveOptions(time_limit=120, stop=stop), cancel_at_first_schedule)
    assert found and answer.status in ("FEASIBLE", "OPTIMAL")
    assert set(answer.residents) == {r.id for r in program.residents}
    report = checker.check(program, answer)
    assert report.ok and report.total_penalty == answer.objective <= found[0]


def test_a_cancel_when_the_guided_search_takes_over_keeps_the_best_schedule(duke_schedule):
    """The sample: the chief cancels the moment the relaxation's bound arrives, which is
    when the guided search takes the tuned search's place. The solve stops within seconds
    (searching on would take several: the guided search, the searches in turn, the
    spread), and the answer is the best schedule shown by then, valid, or none when none
    was shown yet (on this machine the bound usually comes first)."""
    program, _ = duke_schedule
    stop = threading.Event()
    shown: list[float] = []
    cancelled: list[float] = []

    def cancel_at_the_relaxations_bound(progress: Progress) -> None:
        if progress.objective is not None:
            shown.append(progress.objective)
        elif progress.bound and progress.bound >= 50 and not stop.is_set():
            cancelled.append(time.perf_counter())
            stop.set()

    answer = solve(program, SolveOptions(time_limit=300, stop=stop),
                   cancel_at_the_relaxations_bound)
    assert cancelled and time.perf_counter() - cancelled[0] < 5
    if not shown:
        assert answer.status == "UNKNOWN" and not answer.residents
        return
    assert answer.status in ("FEASIBLE", "OPTIMAL")
    report = checker.check(program, answer)
    assert report.ok and report.total_penalty == answer.objective <= min(shown)
