"""The schedule grid as a page shows it: residents x blocks, each cell a rotation coloured by
its group with its vacation and weekly-service weeks (a split block shows both halves), a
coverage row per rotation that turns red when out of bounds (per half where they differ),
per-week rows for the residents away and each service's cover, unmet requests flagged, and
what the independent checker finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scheduler import Program as ProgramYear
from scheduler.schedule import Schedule as ScheduleFile
from scheduler.schedule import as_file, cell_label, halves
from solver import checker, describe

from ..entries import said_plainly

PALETTE = ["#cfe3f7", "#f8d9c4", "#d5ecd4", "#eadcf5", "#f7efc2", "#d4eeee", "#f5d0dc",
           "#e3e3e3", "#c9d6f2", "#e8e0cc", "#d8f0c8", "#f2cfc9"]


@dataclass
class Cell:
    code: str                                           # the label: 'CHEST / NEURO' if split
    colour: str
    first: str = ""                                     # the first half's rotation
    second: str = ""                                    # the second half's (same if whole)
    second_colour: str = ""
    vacation: list[int] = field(default_factory=list)   # weeks whose Monday is in the block
    services: list[tuple[str, int]] = field(default_factory=list)  # (code, week) likewise
    unmet: list[str] = field(default_factory=list)      # unmet requests touching the cell
    changed: str | None = None                          # the compared version's rotation
    continued: list[int] = field(default_factory=list)  # vacation weeks from the block before
    services_continued: list[tuple[str, int]] = field(default_factory=list)  # ... and services

    @property
    def service_counts(self) -> list[tuple[str, int]]:
        """(service code, weeks on it starting in the block), in the order of the weeks."""
        counts: dict[str, int] = {}
        for code, _ in self.services:
            counts[code] = counts.get(code, 0) + 1
        return list(counts.items())


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
    counts: list[tuple[int, int]]    # per block: residents in its first and second half

    def ok(self, count: tuple[int, int]) -> bool:
        return all(n >= self.low and (self.high is None or n <= self.high) for n in count)

    @staticmethod
    def shown(count: tuple[int, int]) -> str:
        """'3', or '2/3' when the halves differ."""
        return str(count[0]) if count[0] == count[1] else f"{count[0]}/{count[1]}"


@dataclass
class WeekRow:
    """A per-week row under the grid: residents away, or a weekly service's cover."""

    label: str
    counts: list[int | None]    # None: a week the service does not run
    low: int = 0
    high: int | None = None

    def ok(self, count: int | None) -> bool:
        return count is None or (count >= self.low and (self.high is None
                                                         or count <= self.high))


@dataclass
class Grid:
    blocks: list[Any]
    rows: list[Row]
    coverage: list[Coverage]
    legend: list[tuple[str, str]]
    report: checker.CheckReport
    changes: int = 0
    weeks: list[Any] = field(default_factory=list)
    week_rows: list[WeekRow] = field(default_factory=list)
    moved: int = 0   # residents whose vacation or service weeks differ from the compared
    penalty_parts: list[PenaltyPart] = field(default_factory=list)


@dataclass
class PenaltyPart:
    """What one entry of the program file costs the schedule: the rule in words, its cost
    in all, and each time it is broken."""

    source: str
    rule: str
    cost: int
    findings: list[str]


def penalty_parts(year: ProgramYear, report: checker.CheckReport) -> list[PenaltyPart]:
    """The penalty entry by entry, the costliest first ('IR call share: 9, three residents
    short of it'), so that a chief sees what the total is made of."""
    by_source: dict[str, list[checker.Finding]] = {}
    people = [(r.name or "", r.id) for r in year.residents]
    for finding in report.penalties:
        by_source.setdefault(finding.source, []).append(finding)
    parts = [PenaltyPart(source, _rule_words(year, source), sum(f.cost for f in found),
                         [f"{said_plainly(f.message, people)} ({f.cost})" for f in found])
             for source, found in by_source.items()]
    return sorted(parts, key=lambda part: (-part.cost, part.source))


def _rule_words(year: ProgramYear, source: str) -> str:
    """The rule an entry states, in words; its path where it has none."""
    try:
        return describe.entry(year, source)
    except Exception:   # a source no sentence covers: its path, not an error page
        return source


def home_blocks(year: ProgramYear) -> dict[int, int]:
    """Week -> the block its Monday falls in (the first block it touches, for a week that
    begins before the year): a week crossing two blocks is counted there, as a resident's
    own schedule lists it, and shown continuing in the next (browser walk-through: it was
    counted in both, "✈2" in a block allowing one week)."""
    calendar = year.calendar
    home = {}
    for week in calendar.weeks:
        monday = next((b.index for b in calendar.blocks if b.start <= week.start <= b.end), None)
        home[week.index] = monday if monday is not None else \
            min(calendar.blocks_of_week(week.index), default=1)
    return home


def build(year: ProgramYear, data: dict[str, Any], level: str = "", track: str = "",
          compare: dict[str, Any] | None = None, previous: ScheduleFile | None = None) -> Grid:
    """The grid of schedule `data` for the program `year`, filtered by level and track;
    cells that differ from `compare` (another version) are marked. A re-solved draft is
    checked against the version it was re-solved from (`previous`), as the solver was."""
    schedule = as_file(data)
    report = checker.check(year, schedule, previous)
    colours = _colours(year)
    weeks_of_block = year.calendar.weeks_of_block()
    home = home_blocks(year)
    unmet = _unmet_cells(year, schedule, report.unmet_requests)
    before = as_file(compare).residents if compare else None
    rows, changes, moved = [], 0, 0
    for resident in year.residents:
        assignment = schedule.residents.get(resident.id)
        if assignment is None or (level and resident.level != level) \
                or (track and resident.track != track):
            continue
        away = set(assignment.vacation_weeks)
        served = {w: code for code, weeks in assignment.services.items() for w in weeks}
        old = before.get(resident.id) if before is not None else None
        if old is not None and (sorted(old.vacation_weeks) != sorted(assignment.vacation_weeks)
                                or _service_weeks(old) != _service_weeks(assignment)):
            moved += 1
        cells = []
        for b, code in enumerate(assignment.rotations, start=1):
            here = weeks_of_block.get(b, [])
            first, second = halves(code)
            cell = Cell(cell_label(code), colours.get(first, "#ffffff"), first, second,
                        colours.get(second, "#ffffff"),
                        [w for w in here if w in away and home[w] == b],
                        [(served[w], w) for w in here if w in served and home[w] == b],
                        unmet.get((resident.id, b), []),
                        continued=[w for w in here if w in away and home[w] != b],
                        services_continued=[(served[w], w) for w in here
                                            if w in served and home[w] != b])
            if before is not None:
                was = old.rotations[b - 1] if old and b <= len(old.rotations) else "—"
                if was != code:
                    cell.changed, changes = cell_label(was), changes + 1
            cells.append(cell)
        rows.append(Row(resident.id, resident.called, resident.level,
                        resident.track, cells))
    per_half = checker.half_counts((a.rotations for a in schedule.residents.values()),
                                   year.num_blocks)
    coverage = [Coverage(r.code, r.min, r.max, [(per_half[b][0][r.code], per_half[b][1][r.code])
                                                for b in range(year.num_blocks)])
                for r in year.rotations]
    legend = [(group, colour) for group, colour in _group_colours(year).items()]
    return Grid(year.blocks, rows, coverage, legend, report, changes, year.calendar.weeks,
                _week_rows(year, schedule), moved, penalty_parts(year, report))


def _service_weeks(assignment: Any) -> dict[str, list[int]]:
    return {code: sorted(weeks) for code, weeks in assignment.services.items() if weeks}


def _week_rows(year: ProgramYear, schedule: ScheduleFile) -> list[WeekRow]:
    """Residents on vacation in each week (against the strictest hard away limit that counts
    everyone), and each weekly service's cover (against its min and max)."""
    weeks = range(1, year.calendar.num_weeks + 1)
    away: list[int | None] = [sum(w in a.vacation_weeks for a in schedule.residents.values())
                              for w in weeks]
    caps = [limit.max for limit in year.away_limits
            if limit.hard and limit.target is None and limit.levels is None
            and limit.tracks is None]
    found = [WeekRow("Residents away", away, 0, min(caps) if caps else None)]
    for service in year.services:
        running = set(year.service_weeks(service))
        cover = [sum(w in a.services.get(service.code, []) for a in schedule.residents.values())
                 for w in weeks]
        label = f"{service.code} cover" + (f" ({service.name})" if service.name else "")
        shown = [c if w in running else None
                 for w, c in zip(weeks, cover, strict=True)]
        found.append(WeekRow(label, shown, service.min, service.max))
    return found


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
    people = [(r.name or "", r.id) for r in year.residents]
    for index in unmet:
        request = year.requests[index]
        if request.kind == "vacation" or year.is_service(getattr(request, "target", "")):
            blocks = {b for w in year.request_weeks(request)
                      for b in year.calendar.blocks_of_week(w)}
        elif request.kind == "assign":
            blocks = set(year.request_blocks(request))
        else:
            rows = schedule.residents.get(request.resident)
            codes = set(year.resolve(request.target))
            blocks = {b for b in year.request_blocks(request)
                      if rows and b <= len(rows.rotations)
                      and codes & set(halves(rows.rotations[b - 1]))}
        text = said_plainly(f"{describe.entry(year, f'request[{index}]')} "
                            f"(weight {request.weight})", people)
        for block in blocks:
            cells.setdefault((request.resident, block), []).append(text)
    return cells
