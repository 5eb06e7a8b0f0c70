"""The solver benchmark: `python -m bench.run` (or `make bench`).

For each department size and calendar it generates a program (bench/generate.py), checks that
it validates, and solves it `--runs` times, each in a fresh process so that the peak memory
measured (the child's maximum resident set size) belongs to that solve alone. Per run it
records the time to the first schedule (the first progress event carrying an objective), the
time to a proven optimum (the wall time when the status is OPTIMAL), status, objective, bound,
gap and peak memory; it prints the medians as a markdown table and writes them, with the
per-run figures and a note of the machine, to `--out` (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.generate import CALENDARS, SIZES, generate, witness

INF = float("inf")


def _rss_kb(pid: int | str) -> int:
    """A process's resident memory now (KiB), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _PeakMemory:
    """Samples, every 50 ms, the resident memory of this process plus its children (the
    linear relaxation's process): the solve's peak as the machine sees it. getrusage cannot
    give it: a child's maximum counts the parent's pages it shared before exec."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            total = _rss_kb("self")
            try:
                for task in os.listdir("/proc/self/task"):
                    with open(f"/proc/self/task/{task}/children", encoding="ascii") as f:
                        total += sum(_rss_kb(pid) for pid in f.read().split())
            except OSError:
                pass
            self.peak_kb = max(self.peak_kb, total)
            if self._done.wait(0.05):
                return

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def _solve_child(residents: int, calendar: str, seed: int, time_limit: float,
                 workers: int, relaxation: bool | None = None) -> dict[str, Any]:
    """One solve, run in a fresh (spawned) process."""
    import resource

    from scheduler import load_program
    from solver.engine import SolveOptions, solve

    loaded = load_program(generate(residents, calendar, seed))
    assert loaded.program is not None, loaded.errors
    first: list[float] = []

    def on_progress(progress) -> None:
        if progress.objective is not None and not first:
            first.append(progress.wall_time_s)

    with _PeakMemory() as memory:
        schedule = solve(loaded.program, SolveOptions(time_limit=time_limit, workers=workers,
                                                      relaxation=relaxation), on_progress)
    # KiB on Linux; sampling may miss a short spike of this process, which getrusage keeps
    peak_kb = max(memory.peak_kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return {
        "status": schedule.status,
        "objective": schedule.objective,
        "bound": schedule.best_bound,
        "wall": schedule.wall_time_s,
        "first": first[0] if first else None,
        "optimum": schedule.wall_time_s if schedule.status == "OPTIMAL" else None,
        "peak_mb": peak_kb / 1024,
        "conflicts": schedule.conflicts,
    }


def solve_once(residents: int, calendar: str, seed: int, time_limit: float,
               workers: int, relaxation: bool | None = None) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_solve_child, residents, calendar, seed, time_limit, workers,
                           relaxation).result()


def check_witness(residents: int, calendar: str, seed: int) -> list[str]:
    """Broken hard rules of the generator's witness schedule (none: the program is feasible)."""
    from scheduler import Assignment, Schedule, load_program
    from solver import checker

    raw, rows = witness(residents, calendar, seed)
    program = load_program(raw).program
    assert program is not None
    schedule = Schedule(program=program.info.name, status="FEASIBLE", residents={
        rid: Assignment(row["rotations"], row["vacation_weeks"]) for rid, row in rows.items()})
    found = checker.check(program, schedule)
    return [f"{f.source}: {f.message}" for f in found.errors + found.violations]


def gap(run: dict[str, Any]) -> float | None:
    """(objective - bound) / objective, in percent (0 when both are 0)."""
    objective, bound = run["objective"], run["bound"]
    if objective is None or bound is None:
        return None
    if objective == 0:
        return 0.0
    return 100.0 * (objective - bound) / abs(objective)


def _median(values: list[float | None]) -> float | None:
    """Median where a missing value (no schedule, not proven) ranks last."""
    ranked = [INF if v is None else v for v in values]
    middle = statistics.median_low(sorted(ranked))
    return None if middle == INF else middle


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer() and digits == 0:
        return str(int(value))
    return f"{value:.{digits}f}"


def summarise(case: dict[str, Any]) -> dict[str, str]:
    runs = case["runs"]
    statuses = Counter(r["status"] for r in runs)
    status = statuses.most_common(1)[0][0]
    if len(statuses) > 1:
        status += " (" + ", ".join(f"{n}x {s}" for s, n in statuses.most_common()) + ")"
    return {
        "residents": str(case["residents"]),
        "calendar": case["calendar"],
        "blocks": str(case["blocks"]),
        "rotations": str(case["rotations"]),
        "requests": str(case["requests"]),
        "first schedule (s)": _fmt(_median([r["first"] for r in runs])),
        "optimum (s)": _fmt(_median([r["optimum"] for r in runs])),
        "status": status,
        "objective": _fmt(_median([r["objective"] for r in runs]), 0),
        "bound": _fmt(_median([r["bound"] for r in runs]), 0),
        "gap": (_fmt(_median([gap(r) for r in runs]), 1) + " %").replace("- %", "-"),
        "peak MB": _fmt(statistics.median([r["peak_mb"] for r in runs]), 0),
    }


def table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    heads = list(rows[0])
    lines = ["| " + " | ".join(heads) + " |",
             "|" + "|".join("---:" if h not in ("calendar", "status") else "---"
                            for h in heads) + "|"]
    lines += ["| " + " | ".join(row[h] for h in heads) + " |" for row in rows]
    return "\n".join(lines)


def per_run_table(cases: list[dict[str, Any]]) -> str:
    rows = []
    for case in cases:
        for k, r in enumerate(case["runs"], start=1):
            rows.append({
                "residents": str(case["residents"]), "calendar": case["calendar"],
                "run": str(k), "first schedule (s)": _fmt(r["first"]),
                "optimum (s)": _fmt(r["optimum"]), "wall (s)": _fmt(r["wall"]),
                "status": r["status"], "objective": _fmt(r["objective"], 0),
                "bound": _fmt(r["bound"], 0), "gap": _fmt(gap(r), 1),
                "peak MB": _fmt(r["peak_mb"], 0),
            })
    return table(rows)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs (nproc), {model}{memory}, {platform.system()} {platform.release()}"


def revision() -> str:
    """The git commit measured, noting uncommitted changes."""
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return f"{commit}{' + uncommitted changes' if dirty else ''}"


def report(cases: list[dict[str, Any]], args: argparse.Namespace, command: str) -> str:
    import ortools

    rows = [summarise(case) for case in cases]
    workers = args.workers or "0 (the engine's default: one per CPU, at least 2)"
    return "\n".join([
        "# Solver benchmarks",
        "",
        "Generated departments (bench/generate.py: integrated IR/DR, DR and ESIR tracks, "
        "R1-R5, IR at the University, VA and community sites, 4 vacation weeks each, about 2 "
        "requests per resident), each solved in a fresh process. Medians over "
        f"{args.runs} run(s) per row; time limit {args.time_limit:g} s, workers: {workers}; "
        f"linear relaxation bound: {args.relaxation}.",
        "",
        f"- Machine: {machine()}",
        f"- OR-Tools {ortools.__version__}, Python {platform.python_version()}, "
        f"code {revision()}",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Reproduce: `make bench` (this table: `{command}`)",
        "",
        "Columns: *first schedule* = time to the first schedule found; *optimum* = time to a "
        "proven optimum ('-' when not proven within the limit); *objective* = total penalty "
        "of the best schedule; *bound* = proven lower bound; *gap* = (objective - bound) / "
        "objective; *peak MB* = the most resident memory the solving process and the linear "
        "relaxation's process (from 300 residents on) held together, sampled every 50 ms. "
        "Times include building the model.",
        "",
        table(rows),
        "",
        "## Every run",
        "",
        per_run_table(cases),
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="department sizes (residents), comma-separated")
    parser.add_argument("--calendars", default=",".join(CALENDARS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--relaxation", choices=("auto", "on", "off"), default="auto",
                        help="the linear relaxation's bound (auto: from RELAXATION_FROM residents)")
    parser.add_argument("--out", default="docs/benchmarks.md",
                        help="markdown file to write ('-' for none)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    calendars = [c for c in args.calendars.split(",") if c]
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])

    from scheduler import load_program

    cases: list[dict[str, Any]] = []
    failed = False
    for residents in sizes:
        for calendar in calendars:
            started = time.perf_counter()
            raw = generate(residents, calendar, args.seed)
            loaded = load_program(raw)
            if loaded.program is None:
                print(f"{residents} {calendar}: generated program is INVALID:", file=sys.stderr)
                for error in loaded.errors:
                    print(f"  {error.path}: {error.message}", file=sys.stderr)
                return 2
            program = loaded.program
            broken = check_witness(residents, calendar, args.seed)
            if broken:
                print(f"{residents} {calendar}: the generator's witness breaks hard rules "
                      "(the program may be infeasible):", *broken[:10], sep="\n  ",
                      file=sys.stderr)
            case = {"residents": residents, "calendar": calendar,
                    "blocks": program.num_blocks, "rotations": len(program.rotations),
                    "requests": len(program.requests), "runs": []}
            for k in range(args.runs):
                run = solve_once(residents, calendar, args.seed, args.time_limit, args.workers,
                                 {"auto": None, "on": True, "off": False}[args.relaxation])
                case["runs"].append(run)
                print(f"{residents:>4} {calendar:<7} run {k + 1}: {run['status']:<10} "
                      f"first {_fmt(run['first'])} s, wall {run['wall']:.2f} s, "
                      f"objective {run['objective']}, bound {run['bound']}, "
                      f"gap {_fmt(gap(run), 1)} %, peak {run['peak_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
                if run["status"] in ("INFEASIBLE", "UNKNOWN"):
                    failed = True
                    for conflict in run["conflicts"]:
                        print(f"    conflict {conflict['source']}: {conflict['message']}",
                              file=sys.stderr)
            cases.append(case)
            spent = time.perf_counter() - started
            print(f"{residents:>4} {calendar:<7} done in {spent:.0f} s", file=sys.stderr)
    text = report(cases, args, command.strip())
    print(table([summarise(case) for case in cases]))
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
