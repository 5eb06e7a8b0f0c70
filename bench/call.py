"""The call solver's benchmark: `python -m bench.call` (or `make bench-call`).

Two kinds of call year, each solved in a fresh process by the engine (`solver/call/`,
through `solve_call` as `residency call` runs it) and by the plain reference model
(`bench/call_reference.py`: the contract on an hour grid, CP-SAT's defaults) in the same run:

- **the sample** (samples/duke.toml, 47 residents, with its own call rules): its block
  schedule is solved first with `solver.engine.solve` (not timed), then only the call solve
  is timed;
- **generated programs** (bench/families.py, format 2's features on: holidays and a weekly
  night-float service): the radiology department with 126 and 250 residents and the other
  families (many small sites, board minimums, tight capacity) with 126, several seeds each,
  with call rules added here the way a department writes them (`call_rules`): weeknight,
  Friday, weekend 24-hour and holiday pools for the second to fourth levels, baby call for
  the first level from January with a fourth-level backup from home, night float's hours,
  longer days on the ICU rotations, soft no-call requests and a few soft pins. The block
  schedule is the family's witness (a schedule keeping every hard rule of the program), so
  no block solve is needed.

Per instance it records the time to the first call schedule, the time to a proven optimum
(or the final gap against the proven bound), when the best schedule came within 2 % of the
bound known then, the engine's model building, CP-SAT's presolve and search apart, the plain
model's time and status, the ratio (plain / engine time to the proof, both measured in this
run), peak memory (resident set size of the solving process, sampled every 50 ms), and
whether each answer passes `solver.duty_check.check_duty`. It prints a markdown table and
writes it, with a note of the machine, between the call-bench markers of `--out`
(docs/benchmarks.md, section "Call schedule").

To see the engine's first schedule and its building time without changing `solve_call`,
the engine's child process wraps the two things `solve_call` calls, `build_call_model` and
`CpSolver.solve` (with a solution callback noting each schedule's time), in its own copy of
`solver.call.engine`'s names; nothing outside that process is touched.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import random
import resource
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.families import FAMILIES, as_schedule, build
from bench.run import _fmt, _PeakMemory, machine, ratio, revision, table

SAMPLE = "samples/duke.toml"
GENERATED = "department:126,department:250,sites:126,boards:126,tight:126"
GOALS = {"sample": 10.0, 126: 60.0}     # issue 20: seconds to a proof or within 2 %
WITHIN = 2.0                            # percent
TEXT_COLUMNS = ("instance", "status", "plain status", "goal", "duty check")
START, END = "<!-- call-bench:start -->", "<!-- call-bench:end -->"

Source = tuple[str, Any]      # ("file", path) or ("raw", program dict)

COLUMNS = (
    "Columns: *take vars* = the engine's (resident, shift) variables; *first* = time "
    "to the first call schedule; *build* / *presolve* / *search* = the engine's model "
    "building, CP-SAT's presolve and its search after it (read from CP-SAT's log); "
    "*proof* = time to a proven optimum ('-': not proven); *gap* = (objective - "
    "bound) / objective at the end; *within 2 %* = when the best schedule was first "
    "within 2 % of the bound known then; *goal* = issue 20's goal (sample: 10 s, 126 "
    "residents: 60 s, proven or within 2 %); *peak MB* = the solving process's most "
    "resident memory; *plain status* = status, objective / bound; *ratio* = plain "
    "proof / engine proof ('> n': the plain model did not prove it; n = its whole "
    "time / the engine's proof); *duty check* = `check_duty` on the engine's / the "
    "plain model's answer. Times are from the start of the call solve, building "
    "included."
)


# ---------------------------------------------------------------------------- call rules

def _first_monday(year: int, month: int) -> date:
    """The month's first Monday (baby call starts then)."""
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _pool(code: str, name: str, hours: str, days: list[str], need: int, levels: list[str],
          not_from: list[str], **more: Any) -> dict[str, Any]:
    """One `[[call_pool]]` entry."""
    return {"code": code, "name": name, "hours": hours, "days": days, "need": need,
            "levels": levels, "not_from": not_from, **more}


def call_rules(raw: dict[str, Any], seed: int) -> dict[str, Any]:
    """The program with a department's call rules added (a copy): the pools (`_pools`),
    working hours (`_work_hours`), settings (8 hours' rest, fairness 1, Christmas Eve and
    New Year's Eve not both when both are holidays) and residents' requests (`_requests`)."""
    program = copy.deepcopy(raw)
    info = program["program"]
    holidays: list[date] = list(info.get("holidays", []))
    program["call"] = {"rest_hours": 8, "fairness": 1, "request_budget": 10, "not_both": [
        [d, d + timedelta(days=7)] for d in holidays
        if (d.month, d.day) in ((12, 24), (12, 25)) and d + timedelta(days=7) in holidays]}
    program["work_hours"] = _work_hours(program)
    program["call_pool"] = _pools(program)
    program["call_request"] = _requests(program["resident"], info["year_start"],
                                        f"call:{info['name']}:{seed}")
    return program


def _closed(program: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The weekly services and the rotations closed to vacation (the ICUs)."""
    services = [s["code"] for s in program.get("service", [])]
    intensive = [r["code"] for r in program["rotation"] if r.get("vacation", True) is False]
    return services, intensive


def _work_hours(program: dict[str, Any]) -> list[dict[str, Any]]:
    """A weekly service (night float) works 21:00-07:00 on Sunday to Thursday nights,
    holidays too; the ICU rotations 07:00-18:00 on weekdays (not from 06:00: a Sunday night
    of night float ends at 07:00, and fixed work may not overlap)."""
    services, intensive = _closed(program)
    return ([{"service": code, "hours": "21:00-07:00",
              "days": ["Sun", "Mon", "Tue", "Wed", "Thu"], "on_holidays": True}
             for code in services]
            + [{"rotation": code, "hours": "07:00-18:00"} for code in intensive])


def _pools(program: dict[str, Any]) -> list[dict[str, Any]]:
    """The second to fourth levels share weeknight, Friday, weekend 24-hour and holiday
    call (about one resident a night per 28 of them); the first level takes baby call on
    Tuesday and Wednesday nights from January, with a fourth-level backup from home; nobody
    on a weekly service or an ICU rotation takes call (baby call excepted)."""
    info, people = program["program"], program["resident"]
    levels = info["levels"]
    seniors, first, backup = levels[1:4], levels[0], levels[min(3, len(levels) - 1)]
    services, intensive = _closed(program)
    closed = services + intensive
    need = max(1, round(sum(p["level"] in seniors for p in people) / 28))
    baby = max(1, round(sum(p["level"] == first for p in people) / 25))
    january = _first_monday(info["year_start"].year + 1, 1)
    night = {"post_call": True}
    pools = [
        _pool("WKNIGHT", "Weeknight call", "17:00-07:00", ["Mon", "Tue", "Wed", "Thu"], need,
              seniors, closed, **night),
        _pool("FRIDAY", "Friday night call", "17:00-07:00", ["Fri"], need, seniors, closed,
              **night),
        _pool("WEEKEND", "Weekend 24-hour call", "07:00-07:00", ["Sat", "Sun"], need, seniors,
              closed, **night),
        _pool("BABY", "Baby call from January", "17:00-07:00", ["Tue", "Wed"], baby, [first],
              [], **{"from": january}, **night),
        _pool("BACKUP", "Backup for baby call, from home", "17:00-07:00", ["Tue", "Wed"],
              baby, [backup], closed, **{"from": january, "in_house": False}),
    ]
    if info.get("holidays"):
        pools.insert(3, _pool("HOLIDAY", "Holiday 24-hour call", "07:00-07:00", ["holiday"],
                              need, seniors, closed, **night))
    return pools


def _requests(people: list[dict[str, Any]], year_start: date, seed: str
              ) -> list[dict[str, Any]]:
    """About a third of the residents ask for one weekend without call (Friday to Sunday,
    weight 1 to 3), one in ten for a night on call (soft, weight 2)."""
    rng = random.Random(seed)
    found: list[dict[str, Any]] = []
    for person in people:
        if rng.random() < 1 / 3:
            friday = year_start + timedelta(days=(4 - year_start.weekday()) % 7
                                            + 7 * rng.randrange(0, 50))
            found.append({"resident": person["id"], "kind": "no_call", "date": friday,
                          "to": friday + timedelta(days=2), "weight": rng.randint(1, 3)})
        if rng.random() < 0.1:
            day = year_start + timedelta(days=rng.randrange(0, 360))
            found.append({"resident": person["id"], "kind": "on_call", "date": day,
                          "hard": False, "weight": 2})
    return found


# ---------------------------------------------------------------------------- instances

def generated(family: str, residents: int, seed: int) -> tuple[dict[str, Any], str]:
    """A family's program (format 2's features on, months) with call rules, and its
    witness as the block schedule (JSON)."""
    raw, rows = build(family, residents, "months", seed, True)
    return call_rules(raw, seed), as_schedule(raw, rows).to_json()


def _block_child(path: str, time_limit: float, workers: int) -> tuple[str, str, float]:
    """The sample's block schedule, solved by the engine: (JSON, status, seconds)."""
    from scheduler import load_program_file
    from solver.engine import SolveOptions, solve

    program = load_program_file(path).program
    assert program is not None
    schedule = solve(program, SolveOptions(time_limit=time_limit, workers=workers,
                                           explain=False))
    return schedule.to_json(), schedule.status, schedule.wall_time_s


def _load(source: Source, schedule_json: str) -> tuple[Any, Any]:
    """The program (from its file or its dict) and the block schedule (from its JSON)."""
    from scheduler import load_program, load_program_file
    from scheduler.schedule import parse_schedule

    kind, value = source
    loaded = load_program_file(value) if kind == "file" else load_program(value)
    assert loaded.program is not None, loaded.errors[:5]
    schedule, errors = parse_schedule(json.loads(schedule_json))
    assert schedule is not None, errors
    return loaded.program, schedule


class _Marks:
    """What the engine's child notes while `solve_call` runs: when the model was built,
    when each call schedule came (with its objective and the bound then), how long the
    search took, and the model."""

    def __init__(self) -> None:
        """Marks from now on."""
        self.started = time.perf_counter()
        self.built: float | None = None
        self.first: float | None = None
        self.within: float | None = None
        self.search: float | None = None
        self.presolve: float | None = None
        self.model: Any = None

    def solution(self, objective: float, bound: float) -> None:
        """A call schedule came: the first? the first within 2 % of the bound?"""
        now = time.perf_counter() - self.started
        if self.first is None:
            self.first = now
        if self.within is None and gap_percent(objective, bound) <= WITHIN:
            self.within = now


def watch_presolve(solver: Any, marks: Any) -> None:
    """Note in `marks.presolve` when CP-SAT's search starts (seconds after its own start:
    its presolve), read from its log, which goes to this callback only."""
    solver.parameters.log_search_progress = True
    solver.parameters.log_to_stdout = False

    def read(line: str) -> None:
        """Note the search's start from the log line that says it."""
        if line.startswith("Starting search at "):
            marks.presolve = float(line.split()[3].rstrip("s"))

    solver.log_callback = read


def _noting(callback: Any, marks: _Marks) -> None:
    """Make the engine's solution callback tell `marks` of each schedule first."""
    heard = callback.on_solution_callback

    def on_solution_callback() -> None:
        marks.solution(callback.objective_value, callback.best_objective_bound)
        heard()

    callback.on_solution_callback = on_solution_callback


def _watched_engine(marks: _Marks) -> Any:
    """`solver.call.engine` with its `build_call_model` and `CpSolver` noting `marks`
    (in this process only)."""
    from ortools.sat.python import cp_model

    from solver.call import engine

    build_call_model = engine.build_call_model

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        """The engine's model, built as always; its building time noted."""
        marks.model = build_call_model(*args, **kwargs)
        marks.built = time.perf_counter() - marks.started
        return marks.model

    class Noting(cp_model.CpSolverSolutionCallback):
        """Tells `marks` of each call schedule CP-SAT finds."""

        def on_solution_callback(self) -> None:
            """A schedule: its objective and the bound known now."""
            marks.solution(self.objective_value, self.best_objective_bound)

    class TimedSolver(cp_model.CpSolver):
        """CP-SAT's solver as `solve_call` sets it up, watched."""

        def solve(self, model: Any, solution_callback: Any = None) -> Any:
            """Solve as asked; note the presolve, each schedule and the search's time (the
            engine's own callback, which charts its progress, hears of each schedule
            after `marks` does)."""
            watch_presolve(self, marks)
            if solution_callback is None:
                solution_callback = Noting()
            else:
                _noting(solution_callback, marks)
            status = super().solve(model, solution_callback)
            marks.search = self.wall_time
            return status

    proxy = types.ModuleType("cp_model")
    proxy.__dict__.update(vars(cp_model))
    proxy.CpSolver = TimedSolver       # type: ignore[attr-defined]
    engine.cp_model = proxy
    engine.build_call_model = timed_build
    return engine


def _engine_run(program: Any, schedule: Any, time_limit: float, workers: int
                ) -> dict[str, Any]:
    """One call solve by `solve_call`, timed from its start."""
    marks = _Marks()
    engine = _watched_engine(marks)
    duty = engine.solve_call(program, schedule, engine.CallOptions(
        time_limit=time_limit, workers=workers, explain=False))
    wall = time.perf_counter() - marks.started
    proto = marks.model.model.proto if marks.model is not None else None
    return {"status": duty.status, "objective": duty.objective, "bound": duty.best_bound,
            "wall": wall, "first": marks.first, "within": marks.within,
            "build": marks.built, "presolve": marks.presolve, "search": marks.search,
            "duty": duty,
            "takes": len(marks.model.take) if marks.model is not None else None,
            "variables": len(proto.variables) if proto is not None else None,
            "constraints": len(proto.constraints) if proto is not None else None}


def _plain_run(program: Any, schedule: Any, time_limit: float, workers: int
               ) -> dict[str, Any]:
    """One call solve by the plain reference model."""
    from bench.call_reference import solve_plain_call

    plain = solve_plain_call(program, schedule, time_limit, workers)
    within = plain.seconds if plain.objective is not None and plain.bound is not None \
        and gap_percent(plain.objective, plain.bound) <= WITHIN else None
    return {"status": plain.status, "objective": plain.objective, "bound": plain.bound,
            "wall": plain.seconds, "first": plain.first_seconds, "within": within,
            "build": plain.build_seconds, "presolve": plain.presolve_seconds,
            "search": plain.seconds - plain.build_seconds,
            "duty": plain.duty, "takes": None, "variables": plain.variables,
            "constraints": plain.constraints}


def _solve_child(source: Source, schedule_json: str, model: str, time_limit: float,
                 workers: int) -> dict[str, Any]:
    """One call solve (engine or plain) in a fresh process: its figures, peak memory and
    the duty checker's verdict on its answer."""
    from scheduler.call import call_shifts
    from solver.duty_check import check_duty

    program, schedule = _load(source, schedule_json)
    with _PeakMemory() as memory:
        run = (_engine_run if model == "engine" else _plain_run)(
            program, schedule, time_limit, workers)
    duty = run.pop("duty")
    run["peak_mb"] = max(memory.peak_kb,
                         resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
    run["breaches"] = None if duty is None or not duty.duty else \
        len(check_duty(program, duty, schedule))
    run["optimum"] = run["wall"] if run["status"] == "OPTIMAL" else None
    if run["within"] is None and run["objective"] is not None and run["bound"] is not None \
            and gap_percent(run["objective"], run["bound"]) <= WITHIN:
        run["within"] = run["wall"]       # the bound came after the last schedule
    run["shifts"] = len(call_shifts(program))
    return run


def in_child(function: Any, *args: Any) -> Any:
    """`function(*args)` in a fresh (spawned) process, so that its memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


# ---------------------------------------------------------------------------- the report

def gap_percent(objective: float, bound: float) -> float:
    """(objective - bound) / objective in percent; 0 when both are 0."""
    if objective == 0:
        return 0.0 if bound >= 0 else 100.0
    return 100.0 * (objective - bound) / abs(objective)


def _gap(run: dict[str, Any]) -> str:
    """A run's final gap as text ('-' without a schedule)."""
    if run["objective"] is None or run["bound"] is None:
        return "-"
    return f"{gap_percent(run['objective'], run['bound']):.1f} %"


def _goal(case: dict[str, Any], run: dict[str, Any]) -> str:
    """Whether the engine met issue 20's goal: proven, or within 2 % of a proven bound, in
    the goal's time ('-' when the instance has no goal)."""
    goal = case["goal"]
    if goal is None:
        return "-"
    reached = run["within"]
    if reached is not None and reached <= goal:
        return f"met (≤ {goal:g} s)"
    if reached is None:
        return f"missed ({goal:g} s; not within 2 % by {run['wall']:.0f} s)"
    return f"missed by {reached - goal:.1f} s ({goal:g} s)"


def _duty_check(engine: dict[str, Any], plain: dict[str, Any]) -> str:
    """The duty checker's verdict on both answers: 'ok', 'n breaches' or '-' (none)."""
    def one(run: dict[str, Any]) -> str:
        """One answer's verdict."""
        n = run["breaches"]
        return "-" if n is None else ("ok" if n == 0 else f"{n} breaches")
    return f"{one(engine)} / {one(plain)}"


def _after(run: dict[str, Any]) -> float | None:
    """CP-SAT's time after its presolve."""
    if run["search"] is None or run["presolve"] is None:
        return None
    return max(0.0, run["search"] - run["presolve"])


def row(case: dict[str, Any]) -> dict[str, str]:
    """One instance's line of the table: the engine's run, the plain model's, the ratio."""
    e, p = case["engine"], case["plain"]
    return {
        "instance": case["name"], "residents": str(case["residents"]),
        "shifts": str(e["shifts"]), "take vars": _fmt(e["takes"], 0),
        "first (s)": _fmt(e["first"]), "build (s)": _fmt(e["build"]),
        "presolve (s)": _fmt(e["presolve"]), "search (s)": _fmt(_after(e)),
        "proof (s)": _fmt(e["optimum"]),
        "status": e["status"], "objective": _fmt(e["objective"], 0),
        "bound": _fmt(e["bound"], 0), "gap": _gap(e), "within 2 % (s)": _fmt(e["within"]),
        "goal": _goal(case, e), "peak MB": _fmt(e["peak_mb"], 0),
        "plain first (s)": _fmt(p["first"]), "plain build (s)": _fmt(p["build"]),
        "plain presolve (s)": _fmt(p["presolve"]),
        "plain proof (s)": _fmt(p["optimum"]),
        "plain status": f"{p['status']} {_fmt(p['objective'], 0)} / {_fmt(p['bound'], 0)}",
        "ratio": ratio(e["optimum"], p["optimum"], p["wall"]),
        "plain peak MB": _fmt(p["peak_mb"], 0),
        "duty check": _duty_check(e, p),
    }


def _table(rows: list[dict[str, str]]) -> str:
    """bench.run's markdown table, with this table's text columns aligned left."""
    text = table(rows)
    if not rows:
        return text
    heads = list(rows[0])
    rule = "|" + "|".join("---" if h in TEXT_COLUMNS else "---:" for h in heads) + "|"
    lines = text.split("\n")
    return "\n".join([lines[0], rule, *lines[2:]])


def report(cases: list[dict[str, Any]], args: argparse.Namespace, command: str,
           load: str) -> str:
    """The markdown section: how it was run, on what, and the table."""
    import platform
    from importlib.metadata import version

    workers = args.workers or "0 (CP-SAT's default)"
    block = ""
    sample = next((c for c in cases if c["name"] == "sample"), None)
    if sample is not None:
        block = (f" The sample's block schedule: {sample['block_status']} in "
                 f"{sample['block_seconds']:.1f} s (limit {args.block_limit:g} s, not timed "
                 "below).")
    return "\n".join([
        "### Call schedule: the engine against the plain model",
        "",
        "Each call year solved in a fresh process by the engine (`solve_call`) and by the "
        "plain reference model (`bench/call_reference.py`: the contract on an hour grid, "
        "CP-SAT's defaults), in the same run. *sample* = samples/duke.toml; "
        "*family-N-sK* = bench/families.py's family (*department*: the radiology "
        "department; *sites*, *boards*, *tight*: the other shapes), N residents, seed K, "
        "format 2's features on (holidays, a night-float service), call rules from "
        "`bench/call.py: call_rules`, the family's witness as the block schedule."
        f"{block} Time limits (search, after building): "
        f"engine {args.time_limit:g} s, plain {args.plain_limit:g} s; workers: {workers}.",
        "",
        f"- Machine: {machine()}; load average at the start: {load}",
        f"- OR-Tools {version('ortools')}, Python {platform.python_version()}, "
        f"code {revision()}",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Reproduce: `make bench-call` (this table: `{command}`)",
        "",
        COLUMNS,
        "",
        _table([row(case) for case in cases]),
        "",
    ])


def write(path: Path, text: str) -> None:
    """Put the table between the call-bench markers of `path`, keeping everything else;
    without the markers, add a section "Call schedule" holding them at the end."""
    block = f"{START}\n{text}{END}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        before, rest = old.split(START, 1)
        new = before + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        new = (old.rstrip("\n") + "\n\n## Call schedule\n\n"
               "`make bench-call` (`python -m bench.call`) times the call solver "
               "(`solver/call/`) against the plain call model (`bench/call_reference.py`) "
               "and writes its table between the two markers below; notes on the runs "
               "follow them.\n\n" + block)
    path.write_text(new, encoding="utf-8")


# ---------------------------------------------------------------------------- running

Instance = tuple[str, int, Source, str, dict[str, Any]]


def _instances(args: argparse.Namespace) -> list[Instance]:
    """(name, residents, program source, block schedule JSON, notes) per instance."""
    found: list[Instance] = []
    if args.sample:
        started = time.perf_counter()
        schedule_json, status, seconds = in_child(_block_child, SAMPLE, args.block_limit,
                                                  args.workers)
        print(f"sample: block schedule {status} in {seconds:.1f} s "
              f"({time.perf_counter() - started:.0f} s with start-up)", file=sys.stderr)
        residents = len(json.loads(schedule_json)["residents"])
        found.append(("sample", residents, ("file", SAMPLE), schedule_json,
                      {"block_status": status, "block_seconds": seconds}))
    for item in [i for i in args.generated.split(",") if i]:
        family, residents = item.split(":")
        for seed in range(args.seeds):
            program, schedule_json = generated(family, int(residents), seed)
            found.append((f"{family}-{residents}-s{seed}", int(residents), ("raw", program),
                          schedule_json, {}))
    return found


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every instance solved by the engine and by the plain model, each in its own
    process."""
    cases = []
    for name, residents, source, schedule_json, notes in _instances(args):
        engine = in_child(_solve_child, source, schedule_json, "engine", args.time_limit,
                          args.workers)
        print(f"{name}: engine {engine['status']} {engine['objective']}/{engine['bound']} "
              f"first {_fmt(engine['first'])} s, build {_fmt(engine['build'])} s, wall "
              f"{engine['wall']:.1f} s, peak {engine['peak_mb']:.0f} MB, duty check "
              f"{engine['breaches']}", file=sys.stderr, flush=True)
        plain = in_child(_solve_child, source, schedule_json, "plain", args.plain_limit,
                         args.workers)
        print(f"{name}: plain {plain['status']} {plain['objective']}/{plain['bound']} "
              f"first {_fmt(plain['first'])} s, build {_fmt(plain['build'])} s, wall "
              f"{plain['wall']:.1f} s, peak {plain['peak_mb']:.0f} MB, duty check "
              f"{plain['breaches']}", file=sys.stderr, flush=True)
        goal = GOALS.get("sample" if name == "sample" else residents)
        cases.append({"name": name, "residents": residents, "engine": engine,
                      "plain": plain, "goal": goal,
                      **notes})
    return cases


def _load_average() -> str:
    """The machine's load average (1, 5 and 15 minutes)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when an answer breaks a limit or rule."""
    parser = argparse.ArgumentParser(prog="python -m bench.call",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sample", choices=("on", "off"), default="on",
                        help="time the sample program (samples/duke.toml)")
    parser.add_argument("--generated", default=GENERATED,
                        help="generated programs, comma-separated FAMILY:RESIDENTS (families: "
                             f"{', '.join(FAMILIES)})")
    parser.add_argument("--seeds", type=int, default=2, help="generator seeds per program")
    parser.add_argument("--time-limit", type=float, default=60.0, help="engine's search")
    parser.add_argument("--plain-limit", type=float, default=120.0, help="plain model's")
    parser.add_argument("--block-limit", type=float, default=60.0,
                        help="the sample's block schedule (not timed)")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--out", default="docs/benchmarks.md",
                        help="markdown file to write ('-' for none)")
    args = parser.parse_args(argv)
    args.sample = args.sample == "on"
    command = "python -m bench.call " + " ".join(argv if argv is not None else sys.argv[1:])
    load = _load_average()
    cases = run(args)
    print(_table([row(case) for case in cases]))
    print(f"load average: {load} at the start, {_load_average()} at the end", file=sys.stderr)
    if args.out != "-":
        write(Path(args.out), report(cases, args, command.strip(), load))
        print(f"written to {args.out}", file=sys.stderr)
    failed = any(c[m]["breaches"] for c in cases for m in ("engine", "plain"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
