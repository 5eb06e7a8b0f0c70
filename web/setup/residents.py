"""Resident services: add or change a resident; archive one who leaves (or restore them);
delete one entered by mistake; import a roster from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from scheduler import FileError
from scheduler.identifiers import BadName, normalise

from .. import accounts, audit, setup_audit
from ..accounts import normal_email
from ..entries import Outcome, delete_entry, labelled, parse_counts, save_entry, text
from ..extensions import db
from ..models import Case, Program, Resident, Schedule, User
from ..models.columns import now
from ..program_file import next_position, validate
from ..transaction import kept_if_ok

CSV_COLUMNS = ("id", "name", "level", "track", "vacation_weeks", "history")
REQUIRED_COLUMNS = ("id", "level", "track")
MAX_ROWS = 2000


def save_resident(program: Program, resident: Resident | None, data: dict[str, Any],
                  actor: User | None = None) -> Outcome:
    """Create (`resident` None) or change a resident from form data, if the program stays
    valid. History is 'CODE = blocks, ...' by rotation code or group name. Linking a
    sign-in account to the resident, or taking it away, is audited: the account reads the
    resident's schedule and logs cases as them."""
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
                f"no account {email} with the resident role in this program: the program "
                "director gives it on the People page first"]})
        other = db.session.scalar(select(Resident).where(
            Resident.program_id == program.id, Resident.user_id == user.id))
        if other is not None and other is not resident:
            return Outcome(field_errors={"account": [
                f"{email} is already linked to {other.label}"]})
    archived = _archived_with_key(program, text(data, "key"))
    if archived is not None and archived is not resident:
        return Outcome(field_errors={"key": [
            f"id {archived.key} belongs to {archived.label}, who is archived: restore them "
            "from the list of archived residents, or choose another id"]})
    row = resident or Resident(position=next_position(Resident, program))

    def change(row: Resident) -> None:
        row.key = text(data, "key")
        row.name = text(data, "name")
        row.level, row.track = data["level"], data["track"]
        row.vacation_weeks = data["vacation_weeks"]
        row.max_vacation_weeks_per_block = data.get("max_vacation_weeks_per_block")
        row.history = history
        row.user = user

    linked = row.user
    outcome = setup_audit.saved(program, "resident", row, actor, lambda: save_entry(
        program, "resident", row, program.residents, change, field_names={"id": "key"}))
    if outcome.ok and row.user is not linked:
        # The private calendar address was the old account's: it stops working (the new
        # account makes its own), or its holder would go on reading the resident's calls
        # with no page left on which to turn it off.
        row.calendar_token = None
        _audit_link(program, row, linked, actor)
    return outcome


def _audit_link(program: Program, row: Resident, before: User | None,
                actor: User | None) -> None:
    """Record the resident's account link as changed from `before` to `row.user`."""
    if before is not None:
        audit.record("resident.unlinked", program=program, actor=actor,
                     subject=f"{before.email} from {row.label}", resident=row.key)
    if row.user is not None:
        audit.record("resident.linked", program=program, actor=actor,
                     subject=f"{row.user.email} to {row.label}", resident=row.key)


def _archived_with_key(program: Program, key: str) -> Resident | None:
    try:
        key = normalise(key)
    except BadName:
        return None     # the program file's check says what is wrong with it
    return next((r for r in program.archived_residents if r.key == key), None)


def published_in(program: Program, resident: Resident) -> list[int]:
    """The published versions (numbers) that name the resident."""
    rows = db.session.execute(select(Schedule.version, Schedule.data).where(
        Schedule.program_id == program.id, Schedule.state == "published")).all()
    return sorted(version for version, data in rows
                  if resident.key in (data or {}).get("residents", {}))


def logged_cases(resident: Resident) -> int:
    return db.session.scalar(select(func.count(Case.id)).where(
        Case.resident_id == resident.id)) or 0


def deletable(program: Program, resident: Resident) -> str:
    """Why the resident cannot be deleted ('' when they can): one who has a case log or is
    named by a published version is part of the record, and is archived instead."""
    logged = logged_cases(resident)
    if logged:
        return f"{resident.label} has {logged} logged case(s)"
    versions = published_in(program, resident)
    if versions:
        return f"{resident.label} is in published version(s) " + \
            ", ".join(str(v) for v in versions)
    return ""


@kept_if_ok
def delete_resident(program: Program, resident: Resident, user: User | None) -> Outcome:
    """Delete a resident entered by mistake, with their requests: refused for anyone who is
    part of the record (see `deletable`; archive them instead). Audited."""
    why = deletable(program, resident)
    if why:
        return Outcome(field_errors={"": [f"{why}: archive them instead (they are then kept "
                                          "in history and out of new solves)"]})
    key, label = resident.key, resident.label
    with db.session.no_autoflush:
        for request in [r for r in program.requests if r.resident_id == resident.id]:
            program.requests.remove(request)
    outcome = delete_entry(program, resident, program.residents)
    if outcome.ok:
        audit.record("resident.deleted", program=program, actor=user,
                     subject=f"{label} ({key})", resident=key)
    return outcome


@kept_if_ok
def archive_resident(program: Program, resident: Resident, user: User | None) -> Outcome:
    """A resident leaves the program: they are kept (their case log, their requests, the
    published versions that name them) but leave the program file, its pages and every
    new solve, and their account loses its resident role here. Refused while an entry of the
    program still names them. Audited."""
    if resident.archived_at is not None:
        return Outcome(field_errors={"": [f"{resident.label} is already archived"]})
    resident.archived_at = now()
    outcome = _kept_if_valid(program, resident, user, "resident.archived")
    if outcome.ok and resident.user is not None and user is not None:
        # Someone who left no longer sees the program as its resident (their case log stays,
        # for the program director to export); a chief archiving themselves keeps theirs.
        for membership in list(resident.user.memberships):
            if membership.program_id == program.id and membership.role == "resident" \
                    and membership.user_id != user.id:
                accounts.revoke_role(program, membership, user)
    return outcome


@kept_if_ok
def restore_resident(program: Program, resident: Resident, user: User | None) -> Outcome:
    """Bring an archived resident back into the program (and its next solves), if the
    program stays valid with them (their level may no longer exist, say). Audited."""
    if resident.archived_at is None:
        return Outcome(field_errors={"": [f"{resident.label} is not archived"]})
    resident.archived_at = None
    resident.position = next_position(Resident, program)
    return _kept_if_valid(program, resident, user, "resident.restored")


def _kept_if_valid(program: Program, resident: Resident, user: User | None, action: str
                   ) -> Outcome:
    """After archiving or restoring: the errors the program would then have (and the
    caller's kept_if_ok undoes the change), or the change recorded in the audit log."""
    db.session.flush()
    db.session.expire(program, ["residents", "archived_residents"])
    errors = labelled(program, validate(program).errors)
    if errors:
        return Outcome(errors=errors)
    audit.record(action, program=program, actor=user,
                 subject=f"{resident.label} ({resident.key})", resident=resident.key)
    return Outcome()


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
def import_csv(program: Program, text: str, actor: User | None = None) -> RosterImport:
    """Add the CSV's residents to the program, updating those whose id is already there.
    Columns: id, level, track (required), name, vacation_weeks, history ('NM=2; BREAST=1').
    All or nothing: any bad row and nothing changes; every bad row is named. What it added
    and changed is audited as done by `actor`, in one entry. Flushes."""
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
    were = {r.key: setup_audit.entry("resident", r) for r in program.residents}
    by_key = {r.key: r for r in program.residents + program.archived_residents}
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
            if row is None or row.archived_at is not None:   # new, or back in the program
                if row is None:
                    row = Resident(key=key)
                row.archived_at, row.position = None, position
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
    setup_audit.imported(program, were, actor)
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

