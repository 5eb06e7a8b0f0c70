"""Where a solve's time goes: `python -m bench.timeline PROGRAM [...]`.

PROGRAM is `sample`, a program file (`path/to/program.toml`), or a family program as
bench/strategies.py names it (`family:residents:calendar:f2[:seed]`, e.g.
`sites:125:4-week:on:1`). Prints each phase of
the engine's solve (its DEBUG log: model built, probe, tuned search, the relaxation's answer,
guided search, spread), every better schedule and bound, with the seconds since the solve
began and the resident memory of this process and the relaxation's process then.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from bench.run import _PeakMemory, _rss_kb
from bench.strategies import load


class _Clock(logging.Formatter):
    """Log lines with the seconds since `start` and the memory sampled so far."""

    def __init__(self, start: float, memory: _PeakMemory):
        super().__init__()
        self.start = start
        self.memory = memory

    def format(self, record: logging.LogRecord) -> str:
        return (f"{time.perf_counter() - self.start:7.2f} s  "
                f"{_rss_kb('self') / 1024:6.0f} MB (peak {self.memory.peak_kb / 1024:5.0f})  "
                f"{record.name.split('.')[-1]:<8} {record.getMessage()}")


def _progress(point: Any) -> None:
    """Log a better schedule or bound."""
    logging.getLogger("solver.progress").debug("objective %s, bound %s", point.objective,
                                               point.bound)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="+", metavar="PROGRAM")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args(argv)
    from solver.engine import SolveOptions, solve

    for spec in args.programs:
        program = load(spec)
        print(f"== {spec}: {len(program.residents)} residents")
        with _PeakMemory() as memory:
            start = time.perf_counter()
            handler = logging.StreamHandler()
            handler.setFormatter(_Clock(start, memory))
            logger = logging.getLogger("solver")
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            try:
                schedule = solve(program, SolveOptions(
                    time_limit=args.time_limit, workers=args.workers), _progress)
            finally:
                logger.removeHandler(handler)
        print(f"{schedule.status} {schedule.objective} (bound {schedule.best_bound}) in "
              f"{schedule.wall_time_s:.2f} s, peak {memory.peak_kb / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
