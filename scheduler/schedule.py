"""Schedule files: the solver's answer for one program file (JSON, format 2).

Also writes the two other views a chief asks for: a CSV of one row per resident and block,
and a plain-text grid for the terminal.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .calendar import MAX_WEEKS, Calendar
from .program import Program
from .validation import FileError, _pydantic_errors
from .words import ranges

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "INVALID")
SCHEDULE_FORMAT = 2

# A resident's block: one rotation code, or (split blocks) the first half's and the second
# half's codes. The schedule file writes a pair as a two-element list.
Cell = str | tuple[str, str]


def halves(cell: Cell) -> tuple[str, str]:
    """The rotation of the block's first half and of its second half."""
    return (cell, cell) if isinstance(cell, str) else cell


def cell_codes(cell: Cell) -> list[str]:
    """The distinct rotations of a block, first half first."""
    return [cell] if isinstance(cell, str) else list(dict.fromkeys(cell))


def cell_label(cell: Cell) -> str:
    """'IR-U', or 'CHEST / NEURO' for a split block."""
    return " / ".join(cell_codes(cell))


def part_name(block: int, half: int | None) -> str:
    """'block 3', or 'the first half of block 3' (`half` 0 or 1 of a split block)."""
    return (f"block {block}" if half is None
            else f"the {('first', 'second')[half]} half of block {block}")


@dataclass(frozen=True)
class Stint:
    """A stretch of a resident's year on one rotation: a whole block, or half of a split one
    (`half` 0 or 1)."""

    block: int
    half: int | None
    start: date
    end: date
    code: str

    @property
    def where(self) -> str:
        """'block 3', 'the first half of block 3'."""
        return part_name(self.block, self.half)


def stints(calendar: Calendar, assignment: Assignment) -> list[Stint]:
    """The resident's year as stints, in date order: one per block, two for a split block."""
    found = []
    for block, cell in zip(calendar.blocks, assignment.rotations, strict=False):
        if isinstance(cell, str):
            found.append(Stint(block.index, None, block.start, block.end, cell))
        else:
            for k, ((first, last), code) in enumerate(zip(block.halves, cell, strict=True)):
                found.append(Stint(block.index, k, first, last, code))
    return found


def as_cell(value: str | list[str] | tuple[str, ...]) -> Cell:
    """A block read from a file: a code, or a pair of codes (a pair of one code twice is
    that code's whole block)."""
    if isinstance(value, str):
        return value
    first, second = value
    return first if first == second else (first, second)


@dataclass
class Assignment:
    """One resident's year: a rotation code per block, the vacation weeks, and the weeks on
    each weekly service."""

    rotations: list[Cell]
    vacation_weeks: list[int] = field(default_factory=list)
    services: dict[str, list[int]] = field(default_factory=dict)

    def service_in(self, week: int) -> str | None:
        """The service the resident is on in `week`, if any."""
        for code, weeks in self.services.items():
            if week in weeks:
                return code
        return None

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"rotations": [c if isinstance(c, str) else list(c)
                                               for c in self.rotations],
                                 "vacation_weeks": self.vacation_weeks}
        if self.services:
            entry["services"] = self.services
        return entry


@dataclass
class Schedule:
    """A schedule file's content."""

    program: str
    status: str
    objective: int | None = None
    best_bound: int | None = None
    wall_time_s: float = 0.0
    blocks: list[dict[str, Any]] = field(default_factory=list)
    weeks: list[dict[str, Any]] = field(default_factory=list)
    residents: dict[str, Assignment] = field(default_factory=dict)
    unmet_requests: list[int] = field(default_factory=list)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    penalties: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""
    file_format: int = SCHEDULE_FORMAT   # the format a file read was written in

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": SCHEDULE_FORMAT,
            "program": self.program,
            "status": self.status,
            "objective": self.objective,
            "best_bound": self.best_bound,
            "wall_time_s": round(self.wall_time_s, 3),
            "blocks": self.blocks,
            "weeks": self.weeks,
            "residents": {rid: a.as_dict() for rid, a in self.residents.items()},
            "unmet_requests": self.unmet_requests,
            "conflicts": self.conflicts,
            "errors": self.errors,
            "penalties": self.penalties,
            "explanation": self.explanation,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


def block_dicts(program: Program) -> list[dict[str, Any]]:
    """The schedule file's `blocks` list for a program's calendar."""
    return [
        {"index": b.index, "start": b.start.isoformat(), "end": b.end.isoformat()}
        for b in program.blocks
    ]


def week_dicts(program: Program) -> list[dict[str, Any]]:
    """The schedule file's `weeks` list: every Monday-to-Sunday week's first and last day."""
    return [
        {"index": w.index, "start": w.start.isoformat(), "end": w.end.isoformat()}
        for w in program.calendar.weeks
    ]


WeekNumber = Annotated[int, Field(ge=1, le=MAX_WEEKS)]
# The statuses that come with a schedule (the others come without one)
SCHEDULED = ("OPTIMAL", "FEASIBLE")


class _ResidentEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    rotations: list[str | Annotated[list[str], Field(min_length=2, max_length=2)]]
    vacation_weeks: list[WeekNumber] = []
    services: dict[str, list[WeekNumber]] = {}


class _Span(BaseModel):
    """A block's or week's entry: its number and first and last day, as ISO dates."""

    model_config = ConfigDict(extra="ignore")
    index: int | None = None
    start: str
    end: str | None = None


class _Penalty(BaseModel):
    model_config = ConfigDict(extra="ignore")
    source: str
    cost: int = 0


class _ScheduleFile(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    format: int = SCHEDULE_FORMAT
    blocks: list[_Span] = []
    weeks: list[_Span] = []
    program: str = ""
    status: str = "FEASIBLE"
    objective: int | None = None
    best_bound: int | None = None
    residents: dict[str, _ResidentEntry] = {}
    unmet_requests: list[int] = []
    penalties: list[_Penalty] = []
    conflicts: list[Any] | None = None   # read as text where an entry is a table


def parse_schedule(raw: Any) -> tuple[Schedule | None, list[FileError]]:
    """Read a schedule file's parsed JSON: the residents' rotations and weeks, and what the
    file says of itself (status, objective, bound, unmet requests, the blocks' and weeks'
    dates), which `checker.claimed` compares with the program. A week listed twice for one
    resident is an error: the file says something twice that can only be so once."""
    try:
        parsed = _ScheduleFile.model_validate(raw)
    except ValidationError as exc:
        return None, _pydantic_errors((), exc)
    errors = [FileError(f"residents.{rid}.{where}", f"week {w} is listed twice")
              for rid, entry in parsed.residents.items()
              for where, listed in [("vacation_weeks", entry.vacation_weeks),
                                    *((f"services.{code}", weeks)
                                      for code, weeks in entry.services.items())]
              for w, times in sorted(Counter(listed).items()) if times > 1]
    if errors:
        return None, errors
    week = _format_1_weeks(parsed)
    residents = {
        rid: Assignment([as_cell(c) for c in entry.rotations],
                        sorted({week(w) for w in entry.vacation_weeks}),
                        {code: sorted(set(weeks)) for code, weeks in entry.services.items()
                         if weeks})
        for rid, entry in parsed.residents.items()
    }
    if parsed.format < 2:   # its penalties were counted on format 1's weeks: not compared
        return Schedule(program=parsed.program, status=parsed.status, residents=residents,
                        blocks=[span.model_dump(exclude_none=True) for span in parsed.blocks],
                        conflicts=_conflicts(parsed), file_format=parsed.format), []
    return Schedule(program=parsed.program, status=parsed.status, objective=parsed.objective,
                    best_bound=parsed.best_bound, residents=residents, conflicts=_conflicts(parsed),
                    file_format=parsed.format,
                    blocks=[span.model_dump(exclude_none=True) for span in parsed.blocks],
                    weeks=[span.model_dump(exclude_none=True) for span in parsed.weeks],
                    unmet_requests=parsed.unmet_requests,
                    penalties=[p.model_dump() for p in parsed.penalties]), []


def _conflicts(parsed: _ScheduleFile) -> list[dict[str, str]]:
    """The conflicts a file names, each as text (`source`, `message`); what is no table is
    left out: a schedule, if there is one, is checked all the same."""
    return [{str(key): str(value) for key, value in conflict.items()}
            for conflict in parsed.conflicts or [] if isinstance(conflict, dict)]


def _format_1_weeks(parsed: _ScheduleFile) -> Callable[[int], int]:
    """How a week number of the file reads in format 2. Format 1 counted 7-day weeks from
    the year's first day (its `blocks` say which day that was): each such week becomes the
    Monday-to-Sunday week holding most of its weekdays (the earlier one on a tie), so a
    published vacation keeps its dates as nearly as the new weeks allow."""
    if parsed.format != 1 or not parsed.blocks:
        return lambda w: w
    try:
        calendar = Calendar(date.fromisoformat(parsed.blocks[0].start))
    except ValueError:
        return lambda w: w

    def week(old: int) -> int:
        first = calendar.year_start + timedelta(days=7 * (old - 1))
        days = [first + timedelta(days=k) for k in range(7)]
        named = [calendar.week_named_by(d) for d in days if d.weekday() < 5]
        found = [w for w in named if w is not None]
        return max(sorted(set(found)), key=found.count) if found else old

    return week


def as_file(data: Any) -> Schedule:
    """A schedule the app stored (its schedule file, as JSON data); ValueError when it cannot
    be read as one."""
    schedule, errors = parse_schedule(data)
    if schedule is None:
        raise ValueError("the stored schedule is unreadable: " + "; ".join(
            f"{e.path}: {e.message}" for e in errors))
    return schedule


def load_schedule_file(path: str | Path) -> tuple[Schedule | None, list[FileError]]:
    """Read a schedule file from disk, with errors instead of exceptions."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))   # a BOM is no part
    except OSError as exc:
        return None, [FileError("", f"cannot read {path}: {exc.strerror}")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [FileError("", f"not a JSON file: {exc}")]
    return parse_schedule(raw)


CSV_HEADER = ["resident", "block", "start", "end", "rotation", "vacation_weeks", "services"]


def csv_rows(program: Program, schedule: Schedule) -> Iterator[list[Any]]:
    """One row per resident and block: resident, block, start, end, rotation ('A / B' for a
    split block, first half first), the vacation
    weeks with a working day in the block (space-separated), and the service weeks there
    ('NF:14 NF:15'), in the order of CSV_HEADER."""
    weeks_of = program.calendar.weeks_of_block()
    for rid, assignment in schedule.residents.items():
        for block, code in zip(program.blocks, assignment.rotations, strict=False):
            weeks = [w for w in assignment.vacation_weeks if w in weeks_of[block.index]]
            services = [f"{service}:{w}" for service, served in assignment.services.items()
                        for w in served if w in weeks_of[block.index]]
            yield [rid, block.index, block.start.isoformat(), block.end.isoformat(),
                   cell_label(code), " ".join(str(w) for w in weeks), " ".join(services)]


def to_csv(program: Program, schedule: Schedule) -> str:
    """The schedule as CSV: CSV_HEADER, then csv_rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(program, schedule))
    return out.getvalue()


def to_grid(program: Program, schedule: Schedule) -> str:
    """A terminal grid: residents down, blocks across; '*' marks a block with vacation, '+'
    one with a service week."""
    weeks_of = program.calendar.weeks_of_block()
    width = max([len(cell_label(c)) for a in schedule.residents.values() for c in a.rotations]
                + [6]) + 2
    name_width = max([len(r) for r in schedule.residents] + [8])
    header = " " * (name_width + 5) + "".join(
        b.start.strftime("%b %d").ljust(width + 2) for b in program.blocks
    )
    lines = [header.rstrip()]
    for resident in program.residents:
        assignment = schedule.residents.get(resident.id)
        if assignment is None:
            continue
        cells = []
        for block, code in zip(program.blocks, assignment.rotations, strict=False):
            here = weeks_of[block.index]
            away = any(w in here for w in assignment.vacation_weeks)
            serving = any(w in here for weeks in assignment.services.values() for w in weeks)
            mark = ("*" if away else "") + ("+" if serving else "")
            cells.append((cell_label(code) + mark).ljust(width + 2))
        lines.append(f"{resident.id:<{name_width}} {resident.level:<4}" + "".join(cells).rstrip())
    lines.append("(* = vacation week in that block, + = weekly service week)")
    return "\n".join(lines)


def previous_errors(program: Program, previous: Schedule, freeze_through: int
                    ) -> list[FileError]:
    """What makes `previous` unusable as the schedule a re-solve of `program` keeps blocks
    1..`freeze_through` of (paths under `previous.`): a file without a schedule (INFEASIBLE,
    UNKNOWN), another calendar (its blocks' dates are not the program's), no resident of the
    program in it (another program's file), and in a frozen block a rotation the program no
    longer has or a row too short, or in a frozen week a service it no longer has. Each
    would otherwise read as a conflict of "keeps the previous schedule", or keep nothing."""
    errors: list[FileError] = []
    if previous.status not in SCHEDULED:
        errors.append(FileError("previous.status", f"{previous.status}: the file holds no "
                                                   "schedule to keep"))
    given = [(b.get("start"), b.get("end")) for b in previous.blocks]
    real = [(b["start"], b["end"]) for b in block_dicts(program)]
    if given and [start for start, _ in given] != [start for start, _ in real]:
        errors.append(FileError("previous.blocks", (
            f"its {len(given)} blocks begin {', '.join(str(s) for s, _ in given[:2])}...; this "
            f"program's {len(real)} begin {', '.join(s for s, _ in real[:2])}...: another "
            "calendar or year")))
    if previous.residents and not set(previous.residents) & set(program.resident_by_id):
        errors.append(FileError("previous.residents", (
            f"none of its {len(previous.residents)} residents is in this program: "
            f"a schedule of '{previous.program}'?" if previous.program else
            f"none of its {len(previous.residents)} residents is in this program")))
    if errors:
        return errors
    frozen_until = program.blocks[freeze_through - 1].end if freeze_through else None
    frozen_weeks = {w.index for w in program.calendar.weeks
                    if frozen_until is not None and w.start <= frozen_until}
    for rid, assignment in previous.residents.items():
        if rid not in program.resident_by_id:
            continue   # not in the program any more: nothing of theirs is kept
        path = f"previous.residents.{rid}"
        if len(assignment.rotations) < freeze_through:
            errors.append(FileError(f"{path}.rotations", (
                f"{len(assignment.rotations)} blocks, but blocks 1-{freeze_through} are "
                "to be kept")))
        gone: dict[str, list[int]] = {}   # rotation code -> the kept blocks naming it
        for b, cell in enumerate(assignment.rotations[:freeze_through]):
            for code in cell_codes(cell):
                if code not in program.rotation_by_code:
                    gone.setdefault(code, []).append(b + 1)
        for code, blocks in gone.items():
            errors.append(FileError(f"{path}.rotations[{blocks[0] - 1}]", (
                f"{code} in {'block' if len(blocks) == 1 else 'blocks'} {ranges(blocks)}, to be "
                f"kept, but the program has no rotation {code} any more")))
        for code, weeks in assignment.services.items():
            if code not in program.service_by_code and set(weeks) & frozen_weeks:
                errors.append(FileError(f"{path}.services.{code}", (
                    f"{code} in week {min(set(weeks) & frozen_weeks)}, which is to be kept, "
                    f"but the program has no service {code} any more")))
    return errors
