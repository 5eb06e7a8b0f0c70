"""Stopping a CP-SAT search from outside it (a chief's Cancel, or another search's proof), or
at a schedule good enough (`AtMost`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model


@contextmanager
def stopped_when(stop_search: Callable[[], None], *stops: threading.Event | None
                 ) -> Iterator[None]:
    """Call `stop_search` as soon as one of `stops` is set, for as long as the block runs.
    Asked again every 0.02 s: CP-SAT ignores a stop asked before its search has begun."""
    events = [stop for stop in stops if stop is not None]
    if not events:
        yield
        return

    def watch(done: threading.Event) -> None:
        while not done.wait(0.02):
            if any(stop.is_set() for stop in events):
                stop_search()

    with beside(watch):
        yield


@contextmanager
def beside(work: Callable[[threading.Event], None]) -> Iterator[threading.Event]:
    """Run `work(done)` on a thread of its own while the block runs; on leaving the block,
    set `done` (the event yielded; `work` ends soon after it is set) and wait for it."""
    done = threading.Event()
    thread = threading.Thread(target=work, args=(done,), daemon=True)
    thread.start()
    try:
        yield done
    finally:
        done.set()
        thread.join()


class AtMost(cp_model.CpSolverSolutionCallback):
    """Ends a search at a schedule whose objective is at most `aim`, where none can be
    better (a bound met) and proving so would only take time."""

    def __init__(self, aim: float):
        super().__init__()
        self.aim = aim

    def on_solution_callback(self) -> None:
        if self.objective_value <= self.aim:
            self.stop_search()
