"""Exported cells a spreadsheet will not run. Text that begins with =, +, -, @ (or a tab or
carriage return) is taken for a formula by Excel and LibreOffice when a CSV is opened, so a
case note such as `=HYPERLINK(...)` typed by anyone could act on the reader's machine. CSV
exports put an apostrophe before such text (spreadsheets show it as plain text; our importer
takes it off again); workbooks store it as a text cell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """The value to write in a CSV file: text a spreadsheet would run gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def imported_text(text: str) -> str:
    """A cell read from a CSV: the apostrophe an export put before formula-like text is
    taken off, so an exported file imports as what was logged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def as_text_cells(rows: Iterable[Any]) -> None:
    """openpyxl rows: every cell openpyxl took for a formula (its text began with =) is
    stored as the text it is."""
    for row in rows:
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
