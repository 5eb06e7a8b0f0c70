"""Search settings side by side: the evidence for the engine's bound strategy.

`python -m bench.strategies PROGRAM SETTING [--time-limit S]` solves one program with one
setting in this process and prints one line of JSON (time to the first schedule, wall time,
status, objective, bound). PROGRAM is `sample` (samples/duke.toml) or
`family:residents:calendar:f2[:seed]` (e.g. `sites:125:months:on`, bench/families.py). Run each in
a fresh process, one at a time, on a quiet machine; docs/benchmarks.md holds the table.

Settings (`engine.tune` replaced where the setting is not the engine's own):
- `engine`: the engine as it is (the core search with the linear relaxation beside it);
- `defaults`: CP-SAT's own portfolio of workers on the engine's model (with the engine's
  other settings: no symmetry detection, one presolve pass, all penalties at once), no
  relaxation;
- `core`: the core search without the relaxation (the rule below 300 residents until 2026-12-05);
- `finders_lp`: the relaxation beside, every CP-SAT thread looking for schedules (first
  solutions, local and neighbourhood search; the rule from 300 residents until 2026-12-05);
- `core3_lp`: three threads, the core search on one and the schedule finders on two, with
  the relaxation beside.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from typing import Any

from scheduler import Program, load_program
from solver import engine
from solver.engine import Progress, SolveOptions, solve

from .families import program as family_program

SETTINGS = ("engine", "defaults", "core", "finders_lp", "core3_lp")
SCHEDULE_FINDERS = ["fj*", "fs*", "ls*", "*lns"]


def load(name: str) -> Program:
    """The sample, a program file (a path ending in .toml), or a generated program of a
    family (`family:residents:calendar:f2`, and optionally `:seed`; seed 0 without it)."""
    if name == "sample" or name.endswith(".toml"):
        with open("samples/duke.toml" if name == "sample" else name, "rb") as handle:
            raw = tomllib.load(handle)
    else:
        family, residents, calendar, f2, *seed = name.split(":")
        raw = family_program(family, int(residents), calendar, int(seed[0]) if seed else 0,
                             f2 == "on")
    loaded = load_program(raw)
    assert loaded.program is not None, loaded.errors
    return loaded.program


def _tune(setting: str, own: Any, used: list[str]) -> Any:
    def tune(parameters: Any, options: SolveOptions, residents: int = 0) -> None:
        used.append(setting)
        own(parameters, options, residents)
        if setting in ("engine", "core"):
            return
        parameters.subsolvers.clear()
        if setting == "finders_lp":
            parameters.filter_subsolvers.extend(SCHEDULE_FINDERS)
        elif setting == "core3_lp":
            parameters.num_workers = 3
            parameters.num_full_subsolvers = 1
            parameters.subsolvers.extend(["core"])
    return tune


def run(name: str, setting: str, time_limit: float) -> dict[str, Any]:
    """One solve of one program with one setting."""
    program = load(name)
    first: list[float] = []

    def on_progress(progress: Progress) -> None:
        if progress.objective is not None and not first:
            first.append(progress.wall_time_s)

    own = engine.tune
    used: list[str] = []
    engine.tune = _tune(setting, own, used)
    try:
        schedule = solve(program, SolveOptions(
            time_limit=time_limit, relaxation=setting not in ("defaults", "core")),
            on_progress)
    finally:
        engine.tune = own
    return {"program": name, "setting": setting, "status": schedule.status,
            "objective": schedule.objective, "bound": schedule.best_bound,
            "first": round(first[0], 2) if first else None,
            "wall": round(schedule.wall_time_s, 2),
            "tuned": bool(used)}   # False: the probe (CP-SAT's defaults) proved it first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.strategies",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("program")
    parser.add_argument("setting", choices=SETTINGS)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.program, args.setting, args.time_limit)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
