"""The `residency` command line: solve a program file, check a schedule file.

Exit status of `solve`: 0 for OPTIMAL or FEASIBLE, 1 for INFEASIBLE or UNKNOWN, 2 for INVALID.
The schedule goes to standard output (or `-o`); progress and a summary go to standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from scheduler import FileError, Program, Schedule, load_program_file, load_schedule_file
from scheduler.config import ConfigError, load_settings
from scheduler.glance import at_a_glance
from scheduler.positions import places_in
from scheduler.schedule import SCHEDULED, previous_errors, to_csv, to_grid

from . import checker
from .engine import Progress, SolveOptions, solve

EXIT = {"OPTIMAL": 0, "FEASIBLE": 0, "INFEASIBLE": 1, "UNKNOWN": 1, "INVALID": 2}


def say(text: str = "") -> None:
    click.echo(text, err=True)


def _invalid(name: str, errors: list[FileError]) -> Schedule:
    return Schedule(program=name, status="INVALID", errors=[e.as_dict() for e in errors])


def _load_previous(path: str | None, freeze_through: int, program: Program | None
                   ) -> tuple[Schedule | None, list[FileError]]:
    """The previous schedule for a re-solve, or the errors that make the request invalid."""
    errors: list[FileError] = []
    previous = None
    if path is not None:
        previous, found = load_schedule_file(path)
        errors += [FileError(f"previous.{e.path}".rstrip("."), e.message) for e in found]
    elif freeze_through:
        errors.append(FileError("freeze_through", "--freeze-through needs --previous"))
    if program is not None and not 0 <= freeze_through <= program.num_blocks:
        errors.append(FileError("freeze_through",
                                f"block {freeze_through} is outside the year "
                                f"(0-{program.num_blocks})"))
    elif program is not None and previous is not None:
        errors += previous_errors(program, previous, freeze_through)
    return previous, errors


def _located(error: FileError) -> str:
    """'line 37, rotation 4, max: max 2 is below min 3 (rotation[3].max)'; the entries the
    message points to are counted from 1 as well ('overlaps blackout 4')."""
    path = f" ({error.path})" if error.path else ""
    return f"{error.where}: {places_in(error.message)}{path}"


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _progress(point: Progress) -> None:
    if point.objective is not None:
        say(f"  {point.wall_time_s:7.2f}s  schedule with penalty {point.objective:g}"
            f"  (bound {point.bound:g})")


def _summary(program: Program, schedule: Schedule) -> None:
    say(f"{schedule.status}: {program.info.name}, {len(program.residents)} residents, "
        f"{program.num_blocks} blocks, {schedule.wall_time_s:.2f}s")
    if schedule.residents:
        say(to_grid(program, schedule))
        say(f"penalty {schedule.objective} (proven lower bound {schedule.best_bound}); "
            f"{len(schedule.unmet_requests)} request(s) not granted")
        for finding in schedule.penalties:
            say(f"  - cost {finding['cost']}: {finding['message']}")
        for line in at_a_glance(program, schedule):
            say(line)
    if schedule.conflicts:
        say(f"No schedule exists. {schedule.explanation}")
        say("The rules involved:")
        for conflict in schedule.conflicts:
            say(f"  - {conflict['source']}: {conflict['message']}")


@click.group()
def main() -> None:
    """Rotation scheduling for residency programs."""


@main.command("solve")
@click.argument("program_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--time-limit", type=click.FloatRange(min=0.1),
              help="Seconds to search (default: config.toml's solver.time_limit, 60).")
@click.option("--workers", type=click.IntRange(min=0),
              help="Search workers (0: one per CPU; default from config.toml).")
@click.option("--previous", type=click.Path(dir_okay=False), help="Schedule to re-solve from.")
@click.option("--freeze-through", type=int, default=0, help="Keep blocks 1..K as in --previous.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--quiet", is_flag=True, help="No progress or grid on stderr.")
def solve_command(program_file: str, output: str | None, time_limit: float | None,
                  workers: int | None, previous: str | None, freeze_through: int, fmt: str,
                  quiet: bool) -> None:
    """Solve PROGRAM_FILE and print the schedule file."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        say(f"error: {exc}")
        sys.exit(EXIT["INVALID"])
    loaded = load_program_file(program_file, settings.limits)
    old, errors = _load_previous(previous, freeze_through, loaded.program)
    name = loaded.program.info.name if loaded.program else loaded.name
    if loaded.program is None or errors:
        schedule = _invalid(name, loaded.errors + errors)
        _write(schedule.to_json(), output)
        if not quiet:
            say(f"INVALID: {len(schedule.errors)} error(s) in the input")
            for problem in loaded.errors + errors:
                say(f"  - {_located(problem)}")
        sys.exit(EXIT["INVALID"])
    options = SolveOptions(
        time_limit=time_limit if time_limit is not None else settings.solver.time_limit,
        workers=workers if workers is not None else settings.solver.workers,
        # an explanation takes at most as long again as the search, as in the web app
        explain_time_limit=min(time_limit, settings.solver.explain_time_limit)
        if time_limit is not None else settings.solver.explain_time_limit,
        previous=old, freeze_through=freeze_through)
    schedule = solve(loaded.program, options, on_progress=None if quiet else _progress)
    if fmt == "csv" and schedule.residents:
        _write(to_csv(loaded.program, schedule), output)
    else:
        _write(schedule.to_json(), output)
    if not quiet:
        _summary(loaded.program, schedule)
    sys.exit(EXIT[schedule.status])


@main.command("check")
@click.argument("program_file", type=click.Path(dir_okay=False))
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option("--previous", type=click.Path(dir_okay=False), help="Schedule it was re-solved from.")
@click.option("--freeze-through", type=int, default=0, help="Blocks 1..K must match --previous.")
def check_command(program_file: str, schedule_file: str, previous: str | None,
                  freeze_through: int) -> None:
    """Check SCHEDULE_FILE against every rule of PROGRAM_FILE.

    Exit status 0 when every hard rule holds and the file's own statements (blocks, weeks,
    status, objective, unmet requests, bound) are true, 1 when not, 2 when a file is invalid.
    """
    loaded = load_program_file(program_file)
    schedule, errors = load_schedule_file(schedule_file)
    old, more = _load_previous(previous, freeze_through, loaded.program)
    problems = loaded.errors + errors + more
    if problems or loaded.program is None or schedule is None:
        for error in problems:
            say(f"invalid: {_located(error)}")
        sys.exit(2)
    if schedule.status not in SCHEDULED and not schedule.residents:   # nothing to check
        _no_schedule(loaded.program, schedule)
    report = checker.check(loaded.program, schedule, old, freeze_through, claims=True)
    for finding in report.errors + report.violations:
        click.echo(f"BROKEN  {finding.source}: {finding.message}")
    for finding in report.untrue:
        click.echo(f"UNTRUE  {finding.source}: {finding.message}")
    for finding in report.penalties:
        click.echo(f"COST {finding.cost:>3} {finding.source}: {finding.message}")
    verdict = "valid" if report.ok else "NOT valid"
    untrue = f", {len(report.untrue)} thing(s) the file says of itself untrue" \
        if report.untrue else ""
    click.echo(f"{verdict}: {len(report.errors) + len(report.violations)} hard rule(s) broken"
               f"{untrue}, penalty {report.total_penalty}, {len(report.unmet_requests)} "
               f"request(s) unmet")
    sys.exit(0 if report.ok else 1)


def _no_schedule(program: Program, schedule: Schedule) -> NoReturn:
    """A file without a schedule (INFEASIBLE, UNKNOWN, INVALID): nothing to check but what
    it says of itself (its dates, its status, the conflicts it names); exit 1, since it
    holds no valid schedule."""
    click.echo(f"NO SCHEDULE  the file says {schedule.status}: it holds no schedule to check")
    for conflict in schedule.conflicts:
        click.echo(f"CONFLICT  {conflict.get('source', '')}: {conflict.get('message', '')}")
    untrue = checker.unscheduled_claims(program, schedule)
    for finding in untrue:
        click.echo(f"UNTRUE  {finding.source}: {finding.message}")
    said = f", {len(untrue)} thing(s) the file says of itself untrue" if untrue else ""
    click.echo(f"no schedule: {schedule.status}, {len(schedule.conflicts)} conflict(s) "
               f"named{said}")
    sys.exit(1)


@main.command("call")
@click.argument("program_file", type=click.Path(dir_okay=False))
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--time-limit", type=click.FloatRange(min=0.1),
              help="Seconds to search (default: config.toml's solver.time_limit, 60).")
@click.option("--workers", type=click.IntRange(min=0),
              help="Search workers (0: one per CPU; default from config.toml).")
@click.option("--quiet", is_flag=True, help="No summary on stderr.")
def call_command(program_file: str, schedule_file: str, output: str | None,
                 time_limit: float | None, workers: int | None, quiet: bool) -> None:
    """Schedule the year's call for PROGRAM_FILE on the block schedule SCHEDULE_FILE and
    print the duty file (exit status as `solve`)."""
    from scheduler.duty_file import DutyFile

    from .call.engine import CallOptions, solve_call

    try:
        settings = load_settings()
    except ConfigError as exc:
        say(f"error: {exc}")
        sys.exit(EXIT["INVALID"])
    loaded = load_program_file(program_file, settings.limits)
    schedule, errors = load_schedule_file(schedule_file)
    problems = loaded.errors + [FileError(f"schedule.{e.path}".rstrip("."), e.message)
                                for e in errors]
    if loaded.program is not None and not loaded.program.call_pools:
        problems.append(FileError("call_pool", "the program file has no [[call_pool]]: "
                                               "nothing to schedule"))
    if loaded.program is None or schedule is None or problems:
        duty = DutyFile(loaded.program.info.name if loaded.program else "", "INVALID",
                        errors=[e.as_dict() for e in problems])
    else:
        options = CallOptions(
            time_limit=time_limit if time_limit is not None else settings.solver.time_limit,
            workers=workers if workers is not None else settings.solver.workers,
            explain_time_limit=min(time_limit, settings.solver.explain_time_limit)
            if time_limit is not None else settings.solver.explain_time_limit)
        duty = solve_call(loaded.program, schedule, options)
    _write(duty.to_json(), output)
    if not quiet:
        _call_summary(duty)
    sys.exit(EXIT[duty.status])


def _call_summary(duty: object) -> None:
    from scheduler.duty_file import DutyFile

    assert isinstance(duty, DutyFile)
    say(f"{duty.status}: {duty.program}, {duty.wall_time_s:.2f}s")
    for error in duty.errors:
        say(f"  - {error['path'] or '(file)'}: {error['message']}")
    if duty.duty:
        say(f"penalty {duty.objective} (proven lower bound {duty.best_bound}); "
            f"{len(duty.unmet_requests)} call request(s) not granted")
        for level, shares in duty.fairness.items():
            say(f"  {level}: " + ", ".join(f"{name} {low}-{high}"
                                           for name, (low, high) in shares.items()))
    if duty.conflicts:
        say(f"No call schedule exists. {duty.explanation}")
        for conflict in duty.conflicts:
            say(f"  - {conflict['source']}: {conflict['message']}")


@main.command("duty-check")
@click.argument("program_file", type=click.Path(dir_okay=False))
@click.argument("duty_file", type=click.Path(dir_okay=False))
@click.option("--schedule", "schedule_file", type=click.Path(dir_okay=False),
              help="The block schedule: also check calls against vacation and closed "
                   "rotations.")
def duty_check_command(program_file: str, duty_file: str, schedule_file: str | None) -> None:
    """Check DUTY_FILE against the ACGME duty-hour limits and PROGRAM_FILE's call rules;
    print each breach. Exit status 0 when none, 1 when one is found, 2 when a file is
    invalid."""
    from scheduler.duty_file import load_duty_file

    from .duty_check import check_duty

    loaded = load_program_file(program_file)
    duty, problems = load_duty_file(duty_file)
    problems = loaded.errors + problems
    schedule = None
    if schedule_file is not None:
        schedule, more = load_schedule_file(schedule_file)
        problems += more
    if problems or loaded.program is None or duty is None:
        for error in problems:
            say(f"invalid: {_located(error)}")
        sys.exit(2)
    breaches = check_duty(loaded.program, duty, schedule)
    for breach in breaches:
        who = f" {breach.resident}" if breach.resident else ""
        click.echo(f"BROKEN  {breach.source}{who}: {breach.message}")
    residents = len(duty.duty)
    verdict = "within the limits" if not breaches else "NOT within the limits"
    click.echo(f"{verdict}: {len(breaches)} breach(es), {residents} residents checked")
    sys.exit(0 if not breaches else 1)


if __name__ == "__main__":
    main()
