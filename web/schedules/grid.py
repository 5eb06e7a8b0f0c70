"""The schedule grid as a page shows it: residents x blocks, each cell a rotation coloured by
its group with its vacation weeks, a coverage row per rotation that turns red when out of
bounds, unmet requests flagged, and what the independent checker finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scheduler import Program as ProgramYear
from scheduler.schedule import Schedule as ScheduleFile
from scheduler.schedule import as_file
from solver import checker

PALETTE = ["#cfe3f7", "#f8d9c4", "#d5ecd4", "#eadcf5", "#f7efc2", "#d4eeee", "#f5d0dc",
           "#e3e3e3", "#c9d6f2", "#e8e0cc", "#d8f0c8", "#f2cfc9"]


@dataclass
class Cell:
    code: str
    colour: str
    vacation: list[int] = field(default_factory=list)   # week numbers in this block
    unmet: list[str] = field(default_factory=list)      # unmet requests touching the cell
    changed: str | None = None                          # the compared version's rotation


@dataclass
class Row:
    key: str
    label: str
    level: str
    track: str
    cells: list[Cell]


@dataclass
class Coverage:
    code: str
    low: int
    high: int | None
    counts: list[int]

    def ok(self, count: int) -> bool:
        return count >= self.low and (self.high is None or count <= self.high)


@dataclass
class Grid:
    blocks: list[Any]
    rows: list[Row]
    coverage: list[Coverage]
    legend: list[tuple[str, str]]
    report: checker.CheckReport
    changes: int = 0


def build(year: ProgramYear, data: dict[str, Any], level: str = "", track: str = "",
          compare: dict[str, Any] | None = None) -> Grid:
    """The grid of schedule `data` for the program `year`, filtered by level and track;
    cells that differ from `compare` (another version) are marked."""
    schedule = as_file(data)
    report = checker.check(year, schedule)
    colours = _colours(year)
    weeks_of_block = year.calendar.weeks_of_block()
    unmet = _unmet_cells(year, schedule, report.unmet_requests)
    before = as_file(compare).residents if compare else None
    rows, changes = [], 0
    for resident in year.residents:
        assignment = schedule.residents.get(resident.id)
        if assignment is None or (level and resident.level != level) \
                or (track and resident.track != track):
            continue
        away = set(assignment.vacation_weeks)
        old = before.get(resident.id) if before is not None else None
        cells = []
        for b, code in enumerate(assignment.rotations, start=1):
            cell = Cell(code, colours.get(code, "#ffffff"),
                        [w for w in weeks_of_block.get(b, []) if w in away],
                        unmet.get((resident.id, b), []))
            if before is not None:
                was = old.rotations[b - 1] if old and b <= len(old.rotations) else "—"
                if was != code:
                    cell.changed, changes = was, changes + 1
            cells.append(cell)
        rows.append(Row(resident.id, resident.name or resident.id, resident.level,
                        resident.track, cells))
    per_block = checker.block_counts((a.rotations for a in schedule.residents.values()),
                                     year.num_blocks)
    coverage = [Coverage(r.code, r.min, r.max, [per_block[b][r.code]
                                                for b in range(year.num_blocks)])
                for r in year.rotations]
    legend = [(group, colour) for group, colour in _group_colours(year).items()]
    return Grid(year.blocks, rows, coverage, legend, report, changes)


def _group_colours(year: ProgramYear) -> dict[str, str]:
    groups: dict[str, str] = {}
    for rotation in year.rotations:
        group = rotation.groups[0] if rotation.groups else rotation.code
        if group not in groups:
            groups[group] = PALETTE[len(groups) % len(PALETTE)]
    return groups


def _colours(year: ProgramYear) -> dict[str, str]:
    groups = _group_colours(year)
    return {r.code: groups[r.groups[0] if r.groups else r.code] for r in year.rotations}


def _unmet_cells(year: ProgramYear, schedule: ScheduleFile, unmet: list[int]
                 ) -> dict[tuple[str, int], list[str]]:
    """(resident, block) -> descriptions of the unmet requests that touch that cell."""
    from solver import describe

    cells: dict[tuple[str, int], list[str]] = {}
    for index in unmet:
        request = year.requests[index]
        if request.kind == "vacation":
            blocks = {year.calendar.block_of_week(w) for w in year.request_weeks(request)}
        elif request.kind == "assign":
            blocks = set(year.request_blocks(request))
        else:
            rows = schedule.residents.get(request.resident)
            codes = set(year.resolve(request.target))
            blocks = {b for b in year.request_blocks(request)
                      if rows and b <= len(rows.rotations) and rows.rotations[b - 1] in codes}
        text = f"{describe.entry(year, f'request[{index}]')} (weight {request.weight})"
        for block in blocks:
            cells.setdefault((request.resident, block), []).append(text)
    return cells
