"""Schedule exports: CSV (one row per resident and block, as `residency solve --format csv`)
and an Excel workbook (the grid, coloured by rotation group, plus the same rows)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scheduler import Program as ProgramYear
from scheduler.calendar import day_in_words
from scheduler.schedule import CSV_HEADER, cell_label, csv_rows, halves
from scheduler.schedule import Schedule as ScheduleFile

from ..spreadsheets import as_text_cells, csv_row
from .grid import _colours, home_blocks


def csv_text(year: ProgramYear, schedule: ScheduleFile) -> str:
    """The spec's CSV, with any cell a spreadsheet would run as a formula (a resident or
    rotation named `=...` in the program file) given a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(record) for record in csv_rows(year, schedule))
    return out.getvalue()


def xlsx_bytes(year: ProgramYear, schedule: ScheduleFile, title: str) -> bytes:
    """A workbook with a 'Grid' sheet (residents x blocks, coloured) and a 'Rows' sheet."""
    book = Workbook()
    grid = book.active
    grid.title = "Grid"
    grid.append([title])
    grid["A1"].font = Font(bold=True, size=13)
    header = ["Resident", "Level", "Track"] + [
        f"{b.index}: {day_in_words(b.start, year=False)}" for b in year.blocks]
    grid.append(header)
    for cell in grid[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    colours = _colours(year)
    home = home_blocks(year)
    starting: dict[int, list[int]] = {b.index: [] for b in year.blocks}
    for week, block in sorted(home.items()):
        starting[block].append(week)
    for resident in year.residents:
        assignment = schedule.residents.get(resident.id)
        if assignment is None:
            continue
        away = set(assignment.vacation_weeks)
        cells = []
        for b, code in enumerate(assignment.rotations, start=1):
            here = starting[b]   # a week crossing two blocks counts where it starts, as on
            # the screen and the printout
            n = sum(1 for w in here if w in away)
            weeks_away = [f"vac {n}"] if n else []
            weeks_away += [f"{service} {len(on)}" for service, served in
                           assignment.services.items()
                           if (on := [w for w in here if w in served])]
            cells.append(f"{cell_label(code)} ({', '.join(weeks_away)})" if weeks_away
                         else cell_label(code))
        grid.append([resident.called, resident.level, resident.track, *cells])
        row = grid.max_row
        for b, code in enumerate(assignment.rotations, start=1):
            colour = colours.get(halves(code)[0], "#ffffff").lstrip("#")
            grid.cell(row=row, column=3 + b).fill = PatternFill("solid", fgColor=colour)
    grid.freeze_panes = "D3"
    grid.column_dimensions["A"].width = 24
    for column in range(4, 4 + year.num_blocks):
        grid.column_dimensions[get_column_letter(column)].width = 11
    rows = book.create_sheet("Rows")
    for record in [CSV_HEADER, *csv_rows(year, schedule)]:
        rows.append(record)
    for cell in rows[1]:
        cell.font = Font(bold=True)
    as_text_cells(grid.iter_rows())
    as_text_cells(rows.iter_rows())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
