"""Case-log import (a resident's spreadsheet, another system's export) and the ACGME export.

Import reads CSV or Excel (.xlsx): a header row, then one case per row. All or nothing: any
bad row and nothing is added, and every bad row is named with its column. Idempotent: each
row's digest (with its repeat number within the file, so two identical routine cases both
count) is kept as the case's import key, and a row whose key is already there is skipped, so
the same file imported twice adds nothing the second time, and a running export of all of a
resident's cases adds only the new ones (a row identical to one imported before, from any
file, is taken as that case).

Export gives the fields the ACGME Case Log form asks for, one row per case, with the case's
"entered in ACGME" mark, so a resident types each case into ACGME once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload, selectinload

from caselog import reference_problem

from .. import audit, bulk, clock
from ..extensions import db
from ..models import Case, CaseProcedure, Program, Resident, User
from ..models.cases import CASE_ROLES, COMPLICATIONS
from ..models.columns import now, table_of
from ..spreadsheets import csv_row, imported_text
from ..transaction import kept_if_ok
from . import services, tally

MAX_ROWS = 200_000

# Column -> the header names it is recognised by (lower case; first one is the canonical).
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "procedure date", "case date", "day"),
    "resident": ("resident", "resident id", "resident key"),
    "procedure": ("procedure", "primary procedure", "procedure code", "primary cpt",
                  "cpt", "cpt code"),
    "other procedures": ("other procedures", "others", "other cpt", "additional cpt"),
    "role": ("role", "resident role"),
    "attending": ("attending", "supervisor", "attending physician"),
    "site": ("site", "institution", "hospital"),
    "rotation": ("rotation",),
    "complications": ("complications", "complication"),
    "notes": ("notes", "comments", "comment"),
    "reference": ("reference", "patient reference", "case id", "case reference"),
    "status": ("status", "verification"),
    "entered in acgme": ("entered in acgme", "acgme", "in acgme"),
}
REQUIRED = ("date", "procedure")
# Limits on an Excel upload, checked before it is unpacked (see check_workbook): a 100,000-row
# case log unpacks to about 60 MB and packs about 14 to 1 (measured on a generated one).
MAX_WORKBOOK_BYTES = 200_000_000
MAX_WORKBOOK_PARTS = 1_000
MAX_COMPRESSION_RATIO = 200
MAX_COLUMNS = 64   # cells read per row; a case log has about 15 columns
ROLE_WORDS = {"primary": "primary", "primary operator": "primary", "surgeon": "primary",
              "assistant": "assistant", "assist": "assistant", "observer": "observer",
              "observe": "observer"}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class CaseImport:
    """The outcome: cases added and rows already imported, or every bad row (nothing added)."""

    added: int = 0
    already: int = 0
    verified: int = 0     # of the cases added, those imported as verified (staff only)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)   # header names we do not read

    @property
    def ok(self) -> bool:
        return not self.errors


class UnreadableFile(ValueError):
    """The file is not a CSV or Excel sheet we can read."""


def read_table(filename: str, data: bytes) -> tuple[list[str], Iterator[list[Any]]]:
    """(header, rows) of a CSV or .xlsx file; raises UnreadableFile with a reason."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        check_workbook(data)
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:   # openpyxl raises many kinds on a damaged file
            raise UnreadableFile(f"not a readable Excel workbook ({exc.__class__.__name__})"
                                 ) from exc
        rows = _sheet_rows(sheet)
        header = next(rows, None) or ()
        return [str(h or "").strip() for h in header], rows
    try:
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = _csv_rows(csv.reader(io.StringIO(text, newline="")))   # \r, \n or \r\n ends a row
    header = next(reader, [])
    return [h.strip() for h in header], reader


def check_workbook(data: bytes) -> None:
    """Refuse an Excel file (a zip of XML parts) whose parts would inflate beyond what any
    case log needs, before a byte of it is inflated: a "zip bomb" of a few MB can hold
    gigabytes. The sizes come from the zip's directory; Python's zipfile never inflates a
    part beyond its stated size, so a part cannot lie its way past the limits."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile("not a readable Excel workbook (not a zip file)") from exc
    if len(parts) > MAX_WORKBOOK_PARTS:
        raise UnreadableFile(f"the workbook has {len(parts):,} parts; at most "
                             f"{MAX_WORKBOOK_PARTS:,} are read")
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(f"the workbook's part {part.filename} is packed "
                                 f"{ratio:,.0f} to 1 (at most {MAX_COMPRESSION_RATIO} to 1 is "
                                 "read): this is not an ordinary spreadsheet")
    total = sum(p.file_size for p in parts)
    if total > MAX_WORKBOOK_BYTES:
        raise UnreadableFile(f"the workbook unpacks to {total:,} bytes; at most "
                             f"{MAX_WORKBOOK_BYTES:,} are read (split it into smaller files)")


def _sheet_rows(sheet) -> Iterator[list[Any]]:
    """The rows of a worksheet, read as they come; a damaged sheet is UnreadableFile."""
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    except Exception as exc:   # the sheet's XML is cut short or broken
        raise UnreadableFile(f"not a readable Excel workbook ({exc.__class__.__name__})"
                             ) from exc


def _csv_rows(reader) -> Iterator[list[str]]:
    """The rows of a CSV reader; a file it cannot split into cells is UnreadableFile."""
    try:
        yield from reader
    except csv.Error as exc:   # a cell over the csv module's size limit ...
        raise UnreadableFile(f"not a readable CSV file (line {reader.line_num}: {exc})"
                             ) from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return imported_text(str(value).strip())


def parse_day(value: Any) -> date:
    """A date cell: an Excel date, ISO 2027-08-14, or US 8/14/2027."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in ( "%m/%d/%Y", "%m/%d/%y", "%d-%b-%Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use 2027-08-14 or 8/14/2027)")


class _Lookups:
    """The program's procedures, attendings and residents by every name a file may use."""

    def __init__(self, program: Program):
        self.types: dict[str, int] = {}
        cpt: dict[str, set[int]] = {}
        for category in services.categories(program):
            for t in category.types:
                self.types[t.code.lower()] = t.id
                self.types.setdefault(t.name.lower(), t.id)
                for code in t.cpt:
                    cpt.setdefault(code.lower(), set()).add(t.id)
        for code, ids in cpt.items():       # a CPT code names a type only when it is unique
            if len(ids) == 1:
                self.types.setdefault(code, next(iter(ids)))
        self.attendings: dict[str, int] = {}
        for user in services.attendings(program):
            self.attendings[user.email.lower()] = user.id
            if user.name:
                self.attendings.setdefault(user.name.lower(), user.id)
        self.residents: dict[str, Resident] = {}
        for resident in program.residents:
            self.residents[resident.key.lower()] = resident
            if resident.name:
                self.residents.setdefault(resident.name.lower(), resident)
            if resident.user is not None:
                self.residents.setdefault(resident.user.email.lower(), resident)


def _columns(header: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Column -> index, the header names ignored, and the problems with the header."""
    alias = {name: column for column, names in COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    ignored, problems = [], []
    for index, name in enumerate(header):
        column = alias.get(" ".join(name.lower().replace("_", " ").split()))
        if column is None:
            if name:
                ignored.append(name)
        elif column in found:
            problems.append(f"two columns mean '{column}': '{header[found[column]]}' and "
                            f"'{name}'")
        else:
            found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        problems.append("the first row must name the columns; missing: " + ", ".join(
            missing) + " (columns read: " + ", ".join(COLUMNS) + ")")
    return found, ignored, problems


@kept_if_ok
def import_cases(program: Program, filename: str, data: bytes, *,
                 resident: Resident | None = None, may_verify: bool = False,
                 actor: User | None = None) -> CaseImport:
    """Add a file's cases to the program. With `resident` every row is that resident's (a
    `resident` column, if any, must name them); otherwise the column says whose each row is.
    `may_verify`: a `status` column of 'verified' is honoured (program staff moving records
    from another system); otherwise imported cases wait for their attending, and the audit
    log records who imported cases as verified (`actor`). All or nothing. Flushes."""
    try:
        header, rows = read_table(filename, data)
        result = _import_rows(program, header, rows, resident, may_verify)
    except UnreadableFile as exc:   # also while reading the rows, which come one by one
        return CaseImport(errors=[str(exc)])
    if result.ok and result.verified:
        audit.record("case.verified", program=program, actor=actor,
                     subject=f"{result.verified} imported case(s) from {filename}",
                     imported=result.verified)
    return result


def _import_rows(program: Program, header: list[str], rows: Iterator[list[Any]],
                 resident: Resident | None, may_verify: bool) -> CaseImport:
    column, ignored, problems = _columns(header)
    if resident is None and "resident" not in column:
        problems.append("add a 'resident' column: whose case each row is")
    if problems:
        return CaseImport(errors=problems, ignored=ignored)
    reader = _RowReader(program, resident, may_verify)
    errors: list[str] = []
    cases: list[dict[str, Any]] = []
    procedures: list[tuple[int, ...]] = []
    for line, cells in enumerate(rows, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(f"more than {MAX_ROWS:,} rows; split the file")
            break
        row = {name: _text(cells[i]) if i < len(cells) else "" for name, i in column.items()}
        if not any(row.values()):
            continue
        day = cells[column["date"]] if column["date"] < len(cells) else None   # a short row
        wrong, case, types = reader.read(row, day)
        if wrong:
            errors.extend(f"row {line}: {w}" for w in wrong)
        elif not errors:       # once the file is refused, spare the work for good rows
            cases.append(case)
            procedures.append(types)
    if errors:
        return CaseImport(errors=errors, ignored=ignored)
    return _add(program, cases, procedures, ignored)


class _RowReader:
    """Checks one row at a time against the program; gives a case's row for the database."""

    def __init__(self, program: Program, resident: Resident | None, may_verify: bool):
        self.program, self.resident, self.may_verify = program, resident, may_verify
        self.look = _Lookups(program)
        self.sites = services.program_sites(program)
        self.rotation_on = services.rotation_finder(program)
        self.today = clock.today()
        self.earliest = self.today - timedelta(days=services.EARLIEST_DAYS)
        self.created = now()
        self.repeats: Counter[str] = Counter()
        self.digests: dict[str, str] = {}

    def read(self, row: dict[str, str], raw_day: Any
             ) -> tuple[list[str], dict[str, Any], tuple[int, ...]]:
        """(what is wrong with the row, the case's columns, its procedure type ids)."""
        wrong: list[str] = [f"{name}: a NUL character cannot be stored"
                            for name, value in row.items() if "\x00" in value]
        day = self._day(raw_day, wrong)
        who = self._resident(row.get("resident", ""), wrong)
        primary = self.look.types.get(row["procedure"].lower())
        if primary is None:
            wrong.append(f"procedure: '{row['procedure']}' is not in the program's catalogue "
                         "(use its code, its name or a CPT code the catalogue has)")
        others: list[int] = []
        for part in row.get("other procedures", "").replace(",", ";").split(";"):
            if part.strip():
                other = self.look.types.get(part.strip().lower())
                if other is None:
                    wrong.append(f"other procedures: '{part.strip()}' is not in the catalogue")
                elif other != primary and other not in others:
                    others.append(other)
        role = ROLE_WORDS.get(row.get("role", "").lower() or "primary")
        if role is None:
            wrong.append(f"role: '{row['role']}' is not one of {', '.join(CASE_ROLES)}")
        attending = None
        if row.get("attending"):
            attending = self.look.attendings.get(row["attending"].lower())
            if attending is None:
                wrong.append(f"attending: '{row['attending']}' is not one of the program's "
                             "faculty (use their name or e-mail)")
            elif who is not None and attending == who.user_id:
                wrong.append("attending: a resident cannot be the attending of their own case")
        complications = row.get("complications", "").lower() or "none"
        if complications not in COMPLICATIONS:
            wrong.append(f"complications: '{complications}' is not one of "
                         f"{', '.join(COMPLICATIONS)}")
        reference = row.get("reference", "")
        trouble = reference_problem(reference) if reference else None
        if trouble:
            wrong.append(f"reference: {trouble}")     # the value itself is never echoed
        status = row.get("status", "").lower() or "pending"
        if status not in ("pending", "verified"):
            wrong.append(f"status: '{status}' is not pending or verified")
        elif status == "verified" and not self.may_verify:
            wrong.append("status: only program staff may import cases as verified")
        acgme = row.get("entered in acgme", "").lower()
        if acgme not in YES | NO:
            wrong.append(f"entered in acgme: '{acgme}' is not yes or no")
        notes, given_site = row.get("notes", ""), row.get("site", "")
        if len(notes) > 1000:
            wrong.append("notes: longer than 1000 characters")
        if len(given_site) > 200:
            wrong.append("site: longer than 200 characters")
        if len(notes) <= 1000 and len(given_site) <= 200:   # as the form takes them
            for name, messages in services.phi_errors(
                    self.program, {"site": given_site, "notes": notes}, self.sites).items():
                wrong += [f"{name}: {message}" for message in messages]
        if wrong or who is None or primary is None:
            return wrong, {}, ()
        rotation, site = self.rotation_on(who.key, day)
        rotation = row.get("rotation", "")[:64] or rotation
        patient_hash = self._digest(reference) if reference else None
        facts = (who.key, day.isoformat(), primary, tuple(sorted(others)), role, attending,
                 row.get("site", ""), rotation, complications, notes, patient_hash, status)
        digest = hashlib.sha256(repr(facts).encode()).hexdigest()[:48]
        self.repeats[digest] += 1
        return wrong, {
            "program_id": self.program.id, "resident_id": who.id, "day": day, "role": role,
            "attending_id": attending, "site": given_site or site,
            "rotation": rotation, "complications": complications, "notes": notes,
            "patient_hash": patient_hash, "state": status, "comment": "",
            "verified_at": self.created if status == "verified" else None,
            "entered_in_acgme": acgme in YES, "created_at": self.created,
            "import_key": f"{digest}-{self.repeats[digest]}"}, (primary, *others)

    def _day(self, raw: Any, wrong: list[str]) -> date:
        try:
            day = parse_day(raw)
        except ValueError as exc:
            wrong.append(f"date: {exc}")
            return self.today
        if day > self.today:
            wrong.append("date: a case cannot be in the future")
        elif day < self.earliest:
            wrong.append("date: that is before this residency")
        return day

    def _resident(self, named: str, wrong: list[str]) -> Resident | None:
        if not named:
            if self.resident is None:
                wrong.append("resident: empty")
            return self.resident
        found = self.look.residents.get(named.lower())
        if found is None:
            wrong.append(f"resident: no resident '{named}' in this program")
        elif self.resident is not None and found.id != self.resident.id:
            wrong.append(f"resident: '{named}' is not you; import only your own cases")
            return None
        return found

    def _digest(self, reference: str) -> str:
        if reference not in self.digests:
            self.digests[reference] = services.reference_digest(self.program, reference)
        return self.digests[reference]


def _add(program: Program, cases: list[dict[str, Any]], procedures: list[tuple[int, ...]],
         ignored: list[str]) -> CaseImport:
    """Insert the rows not imported before (a row whose import key is there is skipped by
    the database itself), their procedures and their tally, in bulk."""
    if bulk.copies(len(cases)):
        added = _add_by_copy(cases, procedures)
    else:
        ids: dict[str, int] = dict(bulk.insert(table_of(Case), cases,
                                               key=("program_id", "import_key"),
                                               returning=("import_key", "id")))
        bulk.insert(table_of(CaseProcedure), [
            {"case_id": ids[c["import_key"]], "type_id": type_id, "primary": i == 0}
            for c, types in zip(cases, procedures, strict=True) if c["import_key"] in ids
            for i, type_id in enumerate(types)])
        added = set(ids)
    new = [(c, types) for c, types in zip(cases, procedures, strict=True)
           if c["import_key"] in added]
    tally.record(program, [tally.CaseFacts(c["resident_id"], c["day"], c["rotation"],
                                           c["state"], types) for c, types in new])
    return CaseImport(added=len(new), already=len(cases) - len(new), ignored=ignored,
                      verified=sum(c["state"] == "verified" for c, _ in new))


def _add_by_copy(cases: list[dict[str, Any]], procedures: list[tuple[int, ...]]) -> set[str]:
    """PostgreSQL, many rows: cases and procedures go by COPY into scratch tables, then one
    statement inserts the new cases and, joined on the import key, their procedures (no
    case ids travel back and forth). Returns the import keys of the cases added."""
    names = ", ".join(f'"{c}"' for c in cases[0])
    bulk.scratch("case_import", f'AS SELECT {names} FROM "case" WITH NO DATA', cases)
    bulk.scratch("case_import_procedure",
                 '(import_key varchar(64), type_id integer, "primary" boolean)',
                 [{"import_key": c["import_key"], "type_id": t, "primary": i == 0}
                  for c, types in zip(cases, procedures, strict=True)
                  for i, t in enumerate(types)])
    return set(db.session.scalars(text(f"""
        WITH added AS (
            INSERT INTO "case" ({names}) SELECT {names} FROM case_import
            ON CONFLICT (program_id, import_key) DO NOTHING RETURNING id, import_key),
        linked AS (
            INSERT INTO case_procedure (case_id, type_id, "primary")
            SELECT added.id, p.type_id, p."primary"
            FROM added JOIN case_import_procedure p ON p.import_key = added.import_key)
        SELECT import_key FROM added""")))


# ---- export -------------------------------------------------------------------------------

ACGME_COLUMNS = ("Case ID", "Procedure Date", "Resident", "Resident Role", "Attending",
                 "Institution", "Primary CPT", "Other CPT", "Primary Procedure",
                 "Other Procedures", "Rotation", "Complications", "Notes", "Verification",
                 "Entered in ACGME")


def acgme_rows(program: Program, resident: Resident | None = None,
               only_not_entered: bool = False) -> Iterator[list[str]]:
    """The ACGME Case Log form's fields, one row per case (oldest first): case number (ours,
    never a patient identifier), date, role, attending, institution, CPT codes."""
    query = (select(Case).where(Case.program_id == program.id).order_by(Case.day, Case.id)
             .options(selectinload(Case.procedures).joinedload(CaseProcedure.type),
                      joinedload(Case.attending), joinedload(Case.resident)))
    if resident is not None:
        query = query.where(Case.resident_id == resident.id)
    if only_not_entered:
        query = query.where(Case.entered_in_acgme.is_(False))
    for case in db.session.scalars(query.execution_options(yield_per=1000)):
        primary = [p.type for p in case.procedures if p.primary]
        others = [p.type for p in case.procedures if not p.primary]
        yield [f"C{case.id:07d}", case.day.isoformat(), case.resident.label,
               case.role, (case.attending.name or case.attending.email) if case.attending
               else "", case.site, "; ".join(c for t in primary for c in t.cpt),
               "; ".join(c for t in others for c in t.cpt),
               "; ".join(t.name for t in primary), "; ".join(t.name for t in others),
               case.rotation, case.complications, case.notes, case.state,
               "yes" if case.entered_in_acgme else "no"]


def acgme_csv(program: Program, resident: Resident | None = None,
              only_not_entered: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACGME_COLUMNS)
    writer.writerows(csv_row(row) for row in acgme_rows(program, resident, only_not_entered))
    return out.getvalue()


def mark_entered(program: Program, resident: Resident, case_ids: list[int],
                 entered: bool = True) -> int:
    """Mark the resident's chosen cases as entered in ACGME (or not); returns how many."""
    cases = db.session.scalars(select(Case).where(
        Case.program_id == program.id, Case.resident_id == resident.id,
        Case.id.in_(case_ids))).all()
    for case in cases:
        case.entered_in_acgme = entered
    db.session.flush()
    return len(cases)
