"""Resident services: add or change a resident, delete one, import a roster from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from scheduler import FileError
from scheduler.identifiers import BadName, normalise

from ..accounts import normal_email
from ..entries import Outcome, delete_entry, parse_counts, save_entry, text
from ..extensions import db
from ..models import Program, Resident, User
from ..program_file import next_position, validate
from ..transaction import kept_if_ok

CSV_COLUMNS = ("id", "name", "level", "track", "vacation_weeks", "history")
REQUIRED_COLUMNS = ("id", "level", "track")
MAX_ROWS = 2000


def save_resident(program: Program, resident: Resident | None, data: dict[str, Any]
                  ) -> Outcome:
    """Create (`resident` None) or change a resident from form data, if the program stays
    valid. History is 'CODE = blocks, ...' by rotation code or group name."""
    try:
        history = parse_counts(data.get("history") or "")
    except ValueError as exc:
        return Outcome(field_errors={"history": [str(exc)]})
    email = normal_email(text(data, "account"))
    user = None
    if email:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or "resident" not in user.roles_in(program):
            return Outcome(field_errors={"account": [
                f"no account {email} with the resident role in this program "
                f"(create it first: residency create-user {email} --role resident)"]})
        other = db.session.scalar(select(Resident).where(
            Resident.program_id == program.id, Resident.user_id == user.id))
        if other is not None and other is not resident:
            return Outcome(field_errors={"account": [
                f"{email} is already linked to resident {other.key}"]})
    row = resident or Resident(position=next_position(Resident, program))

    def change(row: Resident) -> None:
        row.key = text(data, "key")
        row.name = text(data, "name")
        row.level, row.track = data["level"], data["track"]
        row.vacation_weeks = data["vacation_weeks"]
        row.max_vacation_weeks_per_block = data.get("max_vacation_weeks_per_block")
        row.history = history
        row.user = user

    return save_entry(program, "resident", row, program.residents, change,
                      field_names={"id": "key"})


@kept_if_ok
def delete_resident(program: Program, resident: Resident) -> Outcome:
    """Delete a resident and their requests; refused while they have logged cases (a case
    log is a training record and is never thrown away with a roster change)."""
    from ..models import Case

    logged = db.session.scalar(select(func.count(Case.id)).where(
        Case.resident_id == resident.id))
    if logged:
        return Outcome(field_errors={"": [
            f"{resident.label} has {logged} logged case(s): a resident with a case log "
            "cannot be deleted"]})
    with db.session.no_autoflush:
        for request in [r for r in program.requests if r.resident_id == resident.id]:
            program.requests.remove(request)
    return delete_entry(program, resident, program.residents)


@dataclass
class RosterImport:
    """The outcome of a CSV import: counts, or every bad row (and nothing changed)."""

    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@kept_if_ok
def import_csv(program: Program, text: str) -> RosterImport:
    """Add the CSV's residents to the program, updating those whose id is already there.
    Columns: id, level, track (required), name, vacation_weeks, history ('NM=2; BREAST=1').
    All or nothing: any bad row and nothing changes; every bad row is named. Flushes."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return RosterImport(errors=[f"the first row must name the columns; missing: "
                                    f"{', '.join(missing)} (columns: {', '.join(CSV_COLUMNS)})"])
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        return RosterImport(errors=[f"unknown column(s): {', '.join(unknown)} "
                                    f"(columns: {', '.join(CSV_COLUMNS)})"])
    reader.fieldnames = columns
    outcome = RosterImport()
    by_key = {r.key: r for r in program.residents}
    seen: dict[str, int] = {}
    row_of: dict[int, int] = {}  # index in program.residents -> CSV line
    position = next_position(Resident, program)
    with db.session.no_autoflush:
        for line, record in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                outcome.errors.append(f"more than {MAX_ROWS} rows; split the file")
                break
            if None in record:
                outcome.errors.append(f"row {line}: more cells than columns")
                continue
            values, bad = _normal_cells(record)
            if bad:
                outcome.errors.append(f"row {line}: {bad}")
                continue
            key = values.get("id", "")
            if not key:
                outcome.errors.append(f"row {line}: id is empty")
                continue
            if key in seen:
                outcome.errors.append(f"row {line}: id '{key}' is also on row {seen[key]}")
                continue
            seen[key] = line
            try:
                weeks = values.get("vacation_weeks", "")
                vacation_weeks = int(weeks) if weeks else None
                history = parse_counts(values.get("history", ""))
            except ValueError as exc:
                outcome.errors.append(f"row {line}: {_plain(exc)}")
                continue
            row = by_key.get(key)
            if row is None:
                row = Resident(key=key, position=position)
                position += 1
                program.residents.append(row)
                outcome.added += 1
            else:
                outcome.updated += 1
            row.name = values.get("name") or row.name or ""
            row.level, row.track = values.get("level", ""), values.get("track", "")
            row.vacation_weeks, row.history = vacation_weeks, history
            row_of[program.residents.index(row)] = line
        if not outcome.errors:
            outcome.errors = [_row_error(e, row_of) for e in validate(program).errors]
    if outcome.errors:
        return RosterImport(errors=outcome.errors)
    db.session.flush()
    return outcome


def _normal_cells(record: dict[str, str | None]) -> tuple[dict[str, str], str]:
    """A roster row's cells normalised as names are (`scheduler.identifiers`), or what is
    wrong with the first cell that cannot be."""
    values = {}
    for column, value in record.items():
        try:
            values[column] = normalise(value or "")
        except BadName as exc:
            return {}, f"{column} {exc}"
    return values, ""


def _plain(exc: ValueError) -> str:
    text = str(exc)
    if text.startswith("invalid literal for int()"):
        return "vacation_weeks must be a whole number"
    return text


def _row_error(error: FileError, row_of: dict[int, int]) -> str:
    """'resident[7].level: unknown level' -> 'row 4: level: unknown level'."""
    for index, line in row_of.items():
        prefix = f"resident[{index}]"
        if error.path == prefix or error.path.startswith(prefix + "."):
            column = error.path[len(prefix) + 1:]
            return f"row {line}: {column + ': ' if column else ''}{error.message}"
    return f"{error.path}: {error.message}"

