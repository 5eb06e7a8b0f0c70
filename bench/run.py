"""The solver benchmark: `python -m bench.run` (or `make bench`).

For each program family (bench/families.py: the realistic department of bench/generate.py,
many small sites, board minimums, tight capacity), with format 2's features off and on, each
department size and calendar, it builds a program, checks that it validates and that the
family's witness schedule keeps every hard rule, and solves it `--runs` times with the engine
and once with the plain reference model (bench/reference.py: the contract written the
textbook way, CP-SAT's default parameters), each solve in a fresh process so that the peak
memory measured (the child's maximum resident set size) belongs to that solve alone. Per run
it records the time to the first schedule, the time to a proven optimum (the wall time when
the status is OPTIMAL), status, objective, bound, gap and peak memory; it prints the medians
with the plain model's time and the ratio (plain / engine, both measured in this run) as a
markdown table and writes them, with the per-run figures and a note of the machine, to
`--out` (docs/benchmarks.md).

With `--programs DIR`, the program files in DIR (bench/programs: programs of other shapes,
written by outside testers who had read only the contract) are solved the same way after
the families, in a table of their own; there a proof that no schedule exists counts as the
proof (the engine's explanation is not timed).
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
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.families import FAMILIES, program, shape, witness_problems
from bench.generate import CALENDARS, SIZES

INF = float("inf")
TEXT_COLUMNS = ("family", "program", "F2", "calendar", "status", "plain status")


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


# A program to solve: a family's (family, residents, calendar, seed, f2), or a file's path
Case = tuple[str, int, str, int, bool] | str


def raw_program(case: Case) -> dict[str, Any]:
    """The program file of a case, as a dict (tomllib's reading of a file)."""
    if isinstance(case, str):
        with open(case, "rb") as file:
            return tomllib.load(file)
    return program(*case)


def _solve_child(case: Case, model: str, time_limit: float, workers: int,
                 relaxation: bool = True) -> dict[str, Any]:
    """One solve of one program (a family's, or a file's), by the engine or the plain
    model, run in a fresh (spawned) process. A file's program may have no schedule: there
    the proof that none exists is timed as the proof (without the engine's explanation)."""
    import resource

    from scheduler import load_program

    loaded = load_program(raw_program(case))
    assert loaded.program is not None, loaded.errors
    first: list[float] = []
    with _PeakMemory() as memory:
        if model == "plain":
            from bench.reference import solve_plain
            from solver import checker

            plain = solve_plain(loaded.program, time_limit, workers)
            status, objective, bound = plain.status, plain.objective, plain.bound
            if plain.schedule is not None:   # its true total (exact at the optimum anyway)
                objective = checker.check(loaded.program, plain.schedule).total_penalty
            wall, conflicts = plain.seconds, []
            if plain.first_seconds is not None:
                first.append(plain.first_seconds)
        else:
            from solver.engine import SolveOptions, solve

            def on_progress(progress) -> None:
                if progress.objective is not None and not first:
                    first.append(progress.wall_time_s)

            schedule = solve(loaded.program, SolveOptions(
                time_limit=time_limit, workers=workers, relaxation=relaxation,
                explain=isinstance(case, tuple)), on_progress)
            status, objective, bound = schedule.status, schedule.objective, schedule.best_bound
            wall, conflicts = schedule.wall_time_s, schedule.conflicts
    # KiB on Linux; sampling may miss a short spike of this process, which getrusage keeps
    peak_kb = max(memory.peak_kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return {
        "status": status, "objective": objective, "bound": bound, "wall": wall,
        "first": first[0] if first else None,
        "optimum": wall if status in ("OPTIMAL", "INFEASIBLE") else None,
        "peak_mb": peak_kb / 1024, "conflicts": conflicts,
    }


def solve_once(case: Case, model: str, time_limit: float, workers: int,
               relaxation: bool = True) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_solve_child, case, model, time_limit, workers,
                           relaxation).result()


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


def ratio(engine: float | None, plain: float | None, limit: float) -> str:
    """How many times faster the engine proved the optimum than the plain model ('>' when
    the plain model did not prove it within the limit; '-' when the engine did not)."""
    if engine is None:
        return "-"
    if plain is None:
        return f"> {limit / engine:.1f}x"
    return f"{plain / engine:.1f}x"


def summarise(case: dict[str, Any], limit: float) -> dict[str, str]:
    runs = case["runs"]
    statuses = Counter(r["status"] for r in runs)
    status = statuses.most_common(1)[0][0]
    if len(statuses) > 1:
        status += " (" + ", ".join(f"{n}x {s}" for s, n in statuses.most_common()) + ")"
    optimum = _median([r["optimum"] for r in runs])
    plain = case.get("plain")
    row = {
        "family": case["family"],
        "F2": "on" if case["f2"] else "off",
        "residents": str(case["residents"]),
        "calendar": case["calendar"],
        "blocks": str(case["blocks"]),
        "rotations": str(case["rotations"]),
        "requests": str(case["requests"]),
        "first schedule (s)": _fmt(_median([r["first"] for r in runs])),
        "optimum (s)": _fmt(optimum),
        "status": status,
        "objective": _fmt(_median([r["objective"] for r in runs]), 0),
        "bound": _fmt(_median([r["bound"] for r in runs]), 0),
        "gap": (_fmt(_median([gap(r) for r in runs]), 1) + " %").replace("- %", "-"),
        "peak MB": _fmt(statistics.median([r["peak_mb"] for r in runs]), 0),
    }
    if plain is not None:
        row.update({
            "plain optimum (s)": _fmt(plain["optimum"]),
            "plain status": f"{plain['status']} {_fmt(plain['objective'], 0)}",
            "ratio": ratio(optimum, plain["optimum"], limit),
            "plain peak MB": _fmt(plain["peak_mb"], 0),
        })
    return row


def table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    heads = list(rows[0])
    lines = ["| " + " | ".join(heads) + " |",
             "|" + "|".join("---" if h in TEXT_COLUMNS else "---:" for h in heads) + "|"]
    lines += ["| " + " | ".join(row[h] for h in heads) + " |" for row in rows]
    return "\n".join(lines)


def per_run_table(cases: list[dict[str, Any]]) -> str:
    rows = []
    for case in cases:
        for k, r in enumerate(case["runs"], start=1):
            rows.append({
                "family": case["family"], "F2": "on" if case["f2"] else "off",
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


def report(cases: list[dict[str, Any]], args: argparse.Namespace, command: str,
           files: list[dict[str, Any]] | None = None) -> str:
    import ortools

    rows = [summarise(case, args.time_limit) for case in cases]
    workers = args.workers or "0 (the engine's default: one per CPU, at least 2)"
    return "\n".join([
        "## Program families: the engine against the plain model",
        "",
        "Program families (bench/families.py: *department* = the realistic radiology "
        "department of bench/generate.py; *sites* = many small rotations at several "
        "hospitals with presence minimums and history; *boards* = hard multi-year board "
        "minimums and prerequisites; *tight* = tight capacity, few schedules exist), with "
        "format 2's features off and on (*F2*: holidays, night float, blackouts, away "
        "limits, extended leave, split blocks), each solved in a fresh process by the engine "
        f"(median of {args.runs} run(s)) and once by the plain reference model "
        "(bench/reference.py, CP-SAT's defaults) in the same run. Time limit "
        f"{args.time_limit:g} s, workers: {workers}; linear relaxation bound: "
        f"{args.relaxation}; seed {args.seed}.",
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
        "relaxation's process held together, sampled every 50 ms; "
        "*plain optimum* = the plain model's time to a proven optimum; *ratio* = plain "
        "optimum / engine optimum ('> n' when the plain model did not prove it within the "
        "limit). Times include building the model.",
        "",
        table(rows),
        "",
        "### Every run",
        "",
        per_run_table(cases),
        "",
        *(_files_report(files, args) if files else []),
    ])


def _files_report(files: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    """The section of the program files (`--programs`)."""
    rows = [summarise(case, args.time_limit) for case in files]
    rows = [{"program": row.pop("family"), **row} for row in rows]
    return [
        f"## Programs of other shapes ({args.programs}): the engine against the plain model",
        "",
        "Program files written by outside testers who had read only the contract (each "
        "file's first line says what it is), solved as above; *F2* = a format-2 file. Where "
        "a program has no schedule, *optimum* is the time to the proof of it (the engine's "
        "explanation not included), and the ratio compares the two proofs.",
        "",
        table(rows),
        "",
        "### Every run",
        "",
        per_run_table(files).replace("| family |", "| program |", 1),
        "",
    ]


def _solve_file(path: Path, args: argparse.Namespace, relaxation: bool) -> dict[str, Any] | None:
    """Solve one program file (`--programs`) as the families' programs are solved; None when
    the file is not a valid program (said on standard error)."""
    from scheduler import load_program

    name = path.stem
    try:
        raw = raw_program(str(path))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"{path}: cannot be read: {exc}", file=sys.stderr)
        return None
    loaded = load_program(raw)
    if loaded.program is None:
        print(f"{path}: not a valid program:", *[e.message for e in loaded.errors[:10]],
              sep="\n  ", file=sys.stderr)
        return None
    counts = shape(raw)
    case: dict[str, Any] = {
        "family": name, "f2": raw.get("format", 1) == 2, "residents": counts["residents"],
        "calendar": raw["program"]["calendar"], "blocks": counts["blocks"],
        "rotations": counts["rotations"], "requests": counts["requests"], "runs": [],
        "plain": None}
    for k in range(args.runs):
        run = solve_once(str(path), "engine", args.time_limit, args.workers, relaxation)
        case["runs"].append(run)
        print(f"{name} run {k + 1}: {run['status']:<10} first {_fmt(run['first'])} s, "
              f"wall {run['wall']:.2f} s, objective {run['objective']}, bound {run['bound']}",
              file=sys.stderr, flush=True)
    if args.plain == "on":
        plain = case["plain"] = solve_once(str(path), "plain", args.time_limit, args.workers)
        print(f"{name} plain: {plain['status']:<10} first {_fmt(plain['first'])} s, "
              f"wall {plain['wall']:.2f} s, objective {plain['objective']}",
              file=sys.stderr, flush=True)
    return case


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write(path: Path, text: str) -> None:
    """Put the measured tables in `path` between the bench markers, keeping what is written
    by hand around them (the evidence and notes of earlier runs)."""
    block = f"{START}\n{text}{END}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        before, rest = old.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        block = before + block + ("\n" + after if after else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="program families, comma-separated")
    parser.add_argument("--f2", default="off,on",
                        help="format 2's features: off, on or both (comma-separated)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="department sizes (residents), comma-separated")
    parser.add_argument("--calendars", default=",".join(CALENDARS))
    parser.add_argument("--runs", type=int, default=1, help="engine runs per program")
    parser.add_argument("--plain", choices=("on", "off"), default="on",
                        help="also solve each program with the plain reference model")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--relaxation", choices=("on", "off"), default="on",
                        help="the linear relaxation's bound beside the search")
    parser.add_argument("--programs", default="", metavar="DIR",
                        help="also solve the program files in DIR (bench/programs)")
    parser.add_argument("--out", default="docs/benchmarks.md",
                        help="markdown file to write ('-' for none)")
    args = parser.parse_args(argv)
    families = [f for f in args.families.split(",") if f]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        parser.error(f"unknown family {', '.join(unknown)} (families: {', '.join(FAMILIES)})")
    f2s = [{"off": False, "on": True}[f] for f in args.f2.split(",") if f]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    calendars = [c for c in args.calendars.split(",") if c]
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    relaxation = args.relaxation == "on"

    cases: list[dict[str, Any]] = []
    failed = False
    for family in families:
        for f2 in f2s:
            for residents in sizes:
                for calendar in calendars:
                    key = (family, residents, calendar, args.seed, f2)
                    name = f"{family:<10} F2 {'on ' if f2 else 'off'} {residents:>4} {calendar:<7}"
                    started = time.perf_counter()
                    problems = witness_problems(*key)
                    if problems:
                        print(f"{name}: the program is invalid or its witness breaks hard "
                              "rules:", *problems[:10], sep="\n  ", file=sys.stderr)
                        return 2
                    counts = shape(program(*key))
                    case: dict[str, Any] = {
                        "family": family, "f2": f2, "residents": residents,
                        "calendar": calendar, "blocks": counts["blocks"],
                        "rotations": counts["rotations"], "requests": counts["requests"],
                        "runs": [], "plain": None}
                    for k in range(args.runs):
                        run = solve_once(key, "engine", args.time_limit, args.workers,
                                         relaxation)
                        case["runs"].append(run)
                        print(f"{name} run {k + 1}: {run['status']:<10} "
                              f"first {_fmt(run['first'])} s, wall {run['wall']:.2f} s, "
                              f"objective {run['objective']}, bound {run['bound']}, "
                              f"gap {_fmt(gap(run), 1)} %, peak {run['peak_mb']:.0f} MB",
                              file=sys.stderr, flush=True)
                        if run["status"] in ("INFEASIBLE", "UNKNOWN"):
                            failed = True
                            for conflict in run["conflicts"]:
                                print(f"    conflict {conflict['source']}: "
                                      f"{conflict['message']}", file=sys.stderr)
                    if args.plain == "on":
                        plain = solve_once(key, "plain", args.time_limit, args.workers)
                        case["plain"] = plain
                        print(f"{name} plain: {plain['status']:<10} "
                              f"first {_fmt(plain['first'])} s, wall {plain['wall']:.2f} s, "
                              f"objective {plain['objective']}, bound {plain['bound']}, "
                              f"peak {plain['peak_mb']:.0f} MB", file=sys.stderr, flush=True)
                    cases.append(case)
                    spent = time.perf_counter() - started
                    print(f"{name} done in {spent:.0f} s", file=sys.stderr)
    files: list[dict[str, Any]] = []
    for path in sorted(Path(args.programs).glob("*.toml")) if args.programs else []:
        outcome = _solve_file(path, args, relaxation)
        if outcome is None:
            return 2
        files.append(outcome)
    text = report(cases, args, command.strip(), files)
    print(table([summarise(case, args.time_limit) for case in cases + files]))
    if args.out != "-":
        write(Path(args.out), text)
        print(f"written to {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
