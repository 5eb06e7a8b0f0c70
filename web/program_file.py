"""The program file (format 2) of a program in the database: export and import.

`document(program)` is the program as the file contract describes it, the same dict
`tomllib` would read; `export_toml` writes it. `import_text` validates a file with the engine's
validator (`scheduler.validation`: every error, with its path) and, when it is valid, makes the
program's set-up exactly the file's. Export after import gives back the same entries: the
round trip is exact. Requests that are still pending or were declined are not part of the file
(the solver must not see them); an import keeps them when their resident is still there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import tomli_w
from flask import current_app
from sqlalchemy import func, select

from scheduler import FileError, LoadResult, load_program, load_program_text
from scheduler import Program as ProgramYear
from scheduler.identifiers import name_key
from scheduler.limits import DEFAULT_LIMITS, Limits
from scheduler.positions import line_of
from scheduler.schema import ProgramInfo
from scheduler.validation import MAX_PROGRAM_FILE_BYTES

from . import audit, settings_audit, setup_changes
from .extensions import db
from .file_entries import kept_entry, resident_entry, rotation_entry
from .models import (
    AwayLimit,
    Blackout,
    Program,
    Request,
    Requirement,
    Resident,
    Rotation,
    Rule,
    Service,
    User,
)
from .models.columns import now
from .transaction import kept_if_ok

SOLVED_STATUSES = ("approved", "wish")


def info_entry(program: Program) -> dict[str, Any]:
    """The [program] table, as stored (the validator checks it, with the file's paths);
    raises ValueError when the year has not been set up."""
    if program.year_start is None:
        raise ValueError("the academic year's start date is not set (Settings)")
    return ProgramInfo.model_construct(
        name=program.name, year_start=program.year_start,
        calendar=program.calendar,  # the database checks it
        levels=list(program.levels), tracks=list(program.tracks),
        vacation_weeks=program.vacation_weeks,
        max_vacation_weeks_per_block=program.max_vacation_weeks_per_block,
        change_weight=program.change_weight,
        final_level=dict(program.final_level or {}),
        holidays=[date.fromisoformat(d) for d in program.holidays or []],
        split_blocks=bool(program.split_blocks),
    ).model_dump(exclude_defaults=True)


def request_entry(request: Request) -> dict[str, Any]:
    entry: dict[str, Any] = {"resident": request.resident.key, "kind": request.kind}
    for key, value in request.details.items():
        entry[key] = [date.fromisoformat(day) for day in value] if key == "weeks" else value
    if request.status == "approved":
        entry["hard"] = True
    if request.weight != 1:
        entry["weight"] = request.weight
    return entry


def solved_requests(program: Program) -> list[Request]:
    """The requests the solver sees, in file order: approved ones and wishes of the
    program's residents (an archived resident's stay in the database, out of the file)."""
    return [r for r in program.requests
            if r.status in SOLVED_STATUSES and r.resident.archived_at is None]


def stored_entry(entry: Any) -> dict[str, Any]:
    """A validated entry as the database keeps it: JSON, the file's key names, defaults left
    out."""
    found: dict[str, Any] = entry.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    return found


# The program file's call sections (scheduler/call_rules.py), kept whole in
# `Program.call_rules`: the table first, then the lists.
CALL_TABLE = "call"
CALL_LISTS = ("work_hours", "call_pool", "call_request")
CALL_DATE_KEYS = ("from", "to", "date")


def _dated(entry: dict[str, Any]) -> dict[str, Any]:
    """A kept call entry with its dates as dates again (`not_both` holds date pairs)."""
    found: dict[str, Any] = {key: date.fromisoformat(value) if key in CALL_DATE_KEYS else value
                             for key, value in entry.items()}
    if "not_both" in entry:
        found["not_both"] = [[date.fromisoformat(d) for d in pair] for pair in entry["not_both"]]
    return found


def call_document(program: Program) -> dict[str, Any]:
    """The program's call sections as the file has them; requests of residents no longer on
    the roster are left out (as their other requests are)."""
    kept = program.call_rules or {}
    doc: dict[str, Any] = {}
    if kept.get(CALL_TABLE):
        doc[CALL_TABLE] = _dated(kept[CALL_TABLE])
    active = {r.key for r in program.residents}
    for name in CALL_LISTS:
        entries = [_dated(e) for e in kept.get(name, [])
                   if name != "call_request" or e.get("resident") in active]
        if entries:
            doc[name] = entries
    return doc


def stored_call_rules(year: ProgramYear) -> dict[str, Any]:
    """A validated program's call sections as `Program.call_rules` keeps them."""
    return {
        CALL_TABLE: stored_entry(year.call),
        "work_hours": [stored_entry(w) for w in year.work_hours],
        "call_pool": [stored_entry(p) for p in year.call_pools],
        "call_request": [stored_entry(c) for c in year.call_requests],
    }


def document(program: Program) -> dict[str, Any]:
    """The program as a program-file dict (format 2)."""
    doc: dict[str, Any] = {"format": 2, "program": info_entry(program)}
    sections = {
        "rotation": [rotation_entry(r) for r in program.rotations],
        "resident": [resident_entry(r) for r in program.residents],
        "requirement": [kept_entry(r.entry) for r in program.requirements],
        "rule": [kept_entry(r.entry) for r in program.rules],
        "request": [request_entry(r) for r in solved_requests(program)],
        "blackout": [kept_entry(b.entry) for b in program.blackouts],
        "away_limit": [kept_entry(a.entry) for a in program.away_limits],
        "service": [kept_entry(s.entry) for s in program.services],
    }
    doc.update({name: entries for name, entries in sections.items() if entries})
    doc.update(call_document(program))
    return doc


def export_toml(program: Program) -> str:
    """The program file, as TOML text."""
    return tomli_w.dumps(document(program))


def validate(program: Program) -> LoadResult:
    """The program as the engine reads it, or every error in it (with file paths)."""
    try:
        doc = document(program)
    except ValueError as exc:
        return LoadResult(errors=[FileError("program.year_start", str(exc))])
    return load_program(doc, installation_limits())


@kept_if_ok
def import_text(program: Program, text: str, max_bytes: int = MAX_PROGRAM_FILE_BYTES,
                user: User | None = None) -> LoadResult:
    """Replace the program's set-up with the file's, when the file is valid; otherwise change
    nothing and return its errors. Residents it archives or brings back, the year settings
    it changes, and the set-up entries it adds, changes and removes (but not on the program's
    first set-up) are audited as done by `user`. Flushes, does not commit."""
    loaded = load_program_text(text, max_bytes, installation_limits())
    if loaded.program is None:
        return loaded
    year = loaded.program
    unstorable = _unstorable(year)
    if unstorable:
        return LoadResult(errors=[replace(e, line=line_of(text, e.path)) for e in unstorable])
    taken = name_taken(year.info.name, program)
    if taken is not None:
        return LoadResult(errors=[FileError(
            "program.name", f"another program on this site is already called '{taken}' "
                            "(names are compared ignoring case and spacing)")])
    settings_were, setup_were = settings_audit.settings(program), setup_changes.snapshot(program)
    archived = {r.key for r in program.archived_residents}
    _apply_info(program, year)
    settings_audit.record(program, settings_were, user, "by an imported program file")
    _apply_rotations(program, year)
    residents = _apply_residents(program, year, user)
    program.requirements = [Requirement(position=i, entry=stored_entry(r))
                            for i, r in enumerate(year.requirements)]
    program.rules = [Rule(position=i, kind=r.kind, entry=stored_entry(r))
                     for i, r in enumerate(year.rules)]
    program.blackouts = [Blackout(position=i, entry=stored_entry(b))
                         for i, b in enumerate(year.blackouts)]
    program.away_limits = [AwayLimit(position=i, entry=stored_entry(a))
                           for i, a in enumerate(year.away_limits)]
    program.services = [Service(position=i, entry=stored_entry(s))
                        for i, s in enumerate(year.services)]
    _apply_requests(program, year, residents)
    program.call_rules = stored_call_rules(year)
    db.session.flush()
    if settings_were["year_start"]:   # not a program's first set-up
        setup_changes.file_imported(program, setup_were, archived, user)
    return loaded


def installation_limits() -> Limits:
    """How much one program may hold here (`[limits]` in config.toml)."""
    settings = current_app.config.get("SOLVER_SETTINGS")
    return settings.limits if settings is not None else DEFAULT_LIMITS


def name_taken(name: str, program: Program) -> str | None:
    """The name of another program that already has this name, compared as names are
    (normalised and case-folded: `scheduler.identifiers.name_key`), or None."""
    return db.session.scalar(select(Program.name).where(
        Program.name_key == name_key(name), Program.id != program.id))


def _unstorable(year: ProgramYear) -> list[FileError]:
    """Text the engine accepts but a database column cannot keep: longer than the column.
    (A NUL character, which PostgreSQL refuses in any text column, is refused by the
    engine's validator with every other control character.)"""
    fields = [("program.name", year.info.name, Program.name)]
    for i, rotation in enumerate(year.rotations):
        fields += [(f"rotation[{i}].{key}", getattr(rotation, key), getattr(Rotation, key))
                   for key in ("code", "name", "site")]
    for i, resident in enumerate(year.residents):
        fields += [(f"resident[{i}].id", resident.id, Resident.key)]
        fields += [(f"resident[{i}].{key}", getattr(resident, key), getattr(Resident, key))
                   for key in ("name", "level", "track")]
    found = []
    for path, value, column in fields:
        limit = column.type.length
        if limit is not None and len(value) > limit:
            found.append(FileError(path, f"at most {limit} characters here"))
    return found


def _apply_info(program: Program, year: ProgramYear) -> None:
    info = year.info
    program.name = info.name
    program.year_start = info.year_start
    program.calendar = info.calendar
    program.levels = list(info.levels)
    program.tracks = list(info.tracks)
    program.vacation_weeks = info.vacation_weeks
    program.max_vacation_weeks_per_block = info.max_vacation_weeks_per_block
    program.change_weight = info.change_weight
    program.final_level = dict(info.final_level)
    program.holidays = [day.isoformat() for day in info.holidays]
    program.split_blocks = info.split_blocks


def _apply_rotations(program: Program, year: ProgramYear) -> None:
    """Rotations keep their rows (and ids) when their code stays."""
    existing = {r.code: r for r in program.rotations}
    rows = []
    for i, entry in enumerate(year.rotations):
        row = existing.pop(entry.code, None) or Rotation(code=entry.code)
        values = entry.model_dump()
        for key in ("name", "groups", "site", "min", "max", "min_present", "levels",
                    "tracks", "vacation", "split"):
            setattr(row, key, values[key])
        row.position = i
        rows.append(row)
    program.rotations = rows


def _apply_residents(program: Program, year: ProgramYear, user: User | None
                     ) -> dict[str, Resident]:
    """Residents keep their rows (ids, linked accounts, case logs) when their id stays; a
    resident the file leaves out is archived, never deleted, and an archived resident the
    file names again is back in the program; both are audited."""
    existing = {r.key: r for r in program.residents + program.archived_residents}
    kept = {r.key for r in program.residents}
    returning = {r.key for r in program.archived_residents}
    rows = []
    for i, entry in enumerate(year.residents):
        row = existing.pop(entry.id, None) or Resident(key=entry.id)
        row.name, row.level, row.track = entry.name, entry.level, entry.track
        row.vacation_weeks = entry.vacation_weeks
        row.max_vacation_weeks_per_block = entry.max_vacation_weeks_per_block
        row.history = dict(entry.history)
        row.position = i
        row.archived_at = None
        rows.append(row)
    for row in existing.values():
        if row.key in kept:
            row.archived_at = now()
            audit.record("resident.archived", program=program, actor=user,
                         subject=f"{row.label} ({row.key}), left out of an imported file",
                         resident=row.key)
    for row in rows:
        if row.key in returning:
            audit.record("resident.restored", program=program, actor=user,
                         subject=f"{row.label} ({row.key}), named again by an imported file",
                         resident=row.key)
    program.residents.extend(row for row in rows if row.key not in kept)
    db.session.flush()
    db.session.expire(program, ["residents", "archived_residents"])
    return {r.key: r for r in rows}


def _apply_requests(program: Program, year: ProgramYear,
                    residents: dict[str, Resident]) -> None:
    """The file's requests become approved (hard) or wishes (soft); pending and declined
    requests of residents still in the program stay, after them, and so does every request
    of an archived resident (the file never holds them; they come back with the resident)."""
    kept = [r for r in program.requests
            if r.resident.archived_at is not None
            or (r.status not in SOLVED_STATUSES and r.resident.key in residents)]
    rows = []
    for i, entry in enumerate(year.requests):
        details = entry.model_dump(mode="json", exclude_defaults=True,
                                   exclude={"resident", "kind", "hard", "weight"})
        rows.append(Request(
            program=program, resident=residents[entry.resident], position=i, kind=entry.kind,
            details=details, weight=entry.weight,
            status="approved" if entry.hard else "wish"))
    for j, request in enumerate(kept, start=len(rows)):
        request.position = j
    program.requests = rows + kept


def next_position(model, program: Program) -> int:
    """The position after the last entry of this kind (new entries go last, as in a file)."""
    last = db.session.scalar(select(func.max(model.position))
                             .where(model.program_id == program.id))
    return 0 if last is None else last + 1
