"""Fuzzing the case-log import: whatever file comes in, it is imported whole or refused with
clear errors, never a crash.

Random bytes and text, CSV files with a valid header and mutated cells (odd dates, huge
numbers, unicode, empty cells, formulas, NUL characters, very long fields, ragged rows,
duplicate or unknown headers, byte-order marks, semicolons), real Excel workbooks with odd
cells and files named .xlsx that are not Excel go to the importer — the service for most
examples, the upload pages for a few. An accepted file adds exactly the cases it reports, and
again adds none; a refused one adds no row and says what is wrong, row and column; a page
answers 200 or 422, never a server error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from web_support import csrf_token, sign_in

from bench.uploads import workbook_bomb
from web.cases.imports import COLUMNS, import_cases
from web.extensions import db
from web.models import Case, CaseProcedure, Program, Resident

FUZZ = settings(deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
TODAY = date.today()
# A refusal names the row and the column, or says what is wrong with the whole file.
ROW_ERROR = re.compile(r"^row \d+: (" + "|".join(COLUMNS) + r"): \S")

# -- cells ---------------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from([
        "", " ", "2027-02-30", "0000-00-00", "99999-01-01", "1/1/1", "13/13/2013", "1e309",
        "9" * 400, "-1", "NaN", "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3", "\x00",
        "a\x00b", "\ufeffPICC", "PICC\x00", "😀", "Ω" * 500, "x" * 1001, "'; DROP TABLE case;--",
        "a\nb", 'say "hi"', ";", "PICC;", "\u202eCCIP", "John Smith", "123-45-6789",
        "\t", "\r", "None", "null", "TRUE"]),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
)
# Free text in a good row is ordinary wording; hostile rows put hostile text anywhere, free
# text included, where it is stored as it comes unless it looks like patient information (a
# name, a number, a date: refused with the row and column).
FREE = st.one_of(st.just(""), st.sampled_from(["uneventful", "R CFA access, 5F sheath",
                                               "University", "2 vials"]),
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyz -,", max_size=30))
GOOD = {
    "date": st.builds(lambda day, style: [day.isoformat(), f"{day.month}/{day.day}/{day.year}",
                                          day.strftime("%d-%b-%Y")][style],
                      st.dates(TODAY - timedelta(days=300), TODAY), st.integers(0, 2)),
    "resident": st.sampled_from(["ash", "Ash", "ash@example.org", "ASH"]),
    "procedure": st.sampled_from(["PICC", "picc", "PARACENTESIS", "UFE",
                                  "Uterine fibroid embolization", "BIOPSY-LIVER"]),
    "other procedures": st.sampled_from(["", "ANGIO-ARTERIAL", "ANGIO-ARTERIAL; EMBO-OTHER",
                                         "PICC, PICC", "ANGIO-VENOUS;;"]),
    "role": st.sampled_from(["", "primary", "Assistant", "observer", "surgeon"]),
    "attending": st.sampled_from(["", "dr.quill@example.org", "DR.OTHER@example.org"]),
    "complications": st.sampled_from(["", "none", "minor", "Major"]),
    "reference": st.sampled_from(["", "K7", "case 12", "bed 4"]),
    "status": st.sampled_from(["", "pending", "Pending"]),
    "entered in acgme": st.sampled_from(["", "yes", "no", "x", "0"]),
    "notes": FREE, "site": FREE, "rotation": FREE,
}
NAMES = [name for names in COLUMNS.values() for name in names]
HEADERS = st.one_of(
    st.sampled_from(NAMES + ["Pager", "", "DATE", "Procedure_Date", "  procedure  ", "\ufeffdate",
                             "date;procedure", "résumé"]),
    st.text(max_size=20))


@st.composite
def spreadsheets(draw) -> list[list[object]]:
    """A header (mostly the columns we read, sometimes odd) and rows of good cells with
    some cells replaced by hostile ones; rows may be shorter or longer than the header."""
    columns = draw(st.lists(st.sampled_from(list(GOOD)), min_size=1, max_size=8, unique=True))
    order = draw(st.integers(0, 3))
    if order:        # the required columns first, or anywhere
        others = [c for c in columns if c not in ("date", "procedure")]
        columns = ["date", "procedure", *others] if order > 1 else draw(
            st.permutations(["date", "procedure", *others]))
    header: list[object] = [draw(st.sampled_from(COLUMNS[c])) for c in columns]
    if draw(st.integers(0, 3)) == 0:    # an odd header: a duplicate, an unknown or junk
        header.insert(draw(st.integers(0, len(header))), draw(HEADERS))
    rows = [header]
    hostile = draw(st.integers(0, 2)) == 0   # else every cell is a good one
    for _ in range(draw(st.integers(0, 6))):
        row: list[object] = [draw(GOOD[c]) for c in columns]
        for _ in range(draw(st.integers(0, 2)) if hostile else 0):
            row[draw(st.integers(0, len(row) - 1))] = draw(HOSTILE)
        cut = draw(st.integers(0, 8 if hostile else 20))
        if cut == 0:
            row = row[:draw(st.integers(0, len(row)))]
        elif cut == 1 and hostile:
            row += draw(st.lists(HOSTILE, max_size=3))
        rows.append(row)
    return rows


def _csv(rows: list[list[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


EXCEL_CELLS = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False),
                        st.booleans(), st.dates(), st.datetimes(), st.times(),
                        st.just(time(12, 30)), st.just(datetime(2027, 7, 1, 8)))


def _workbook(rows: list[list[object]]) -> bytes:
    """An Excel workbook of these rows (control characters Excel cannot hold dropped)."""
    book = Workbook()
    for row in rows:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                            for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def excel_sheets(draw) -> list[list[object]]:
    """Spreadsheet rows with some cells replaced by what only Excel holds (numbers, dates,
    times, booleans, empty cells)."""
    rows = draw(spreadsheets())
    for row in rows[1:]:
        for i in range(len(row)):
            if draw(st.integers(0, 3)) == 0:
                row[i] = draw(EXCEL_CELLS)
    return rows


def _damaged(draw, workbook: bytes) -> bytes:
    """A workbook with a byte changed, cut short, or whose sheet is cut short inside a
    sound zip (which only shows once the rows are read)."""
    how = draw(st.sampled_from(["byte", "cut", "sheet"]))
    if how == "sheet":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
                zipfile.ZipFile(out, "w") as damaged:
            for name in source.namelist():
                data = source.read(name)
                if name.endswith("sheet1.xml"):
                    data = data[:draw(st.integers(0, len(data) - 1))]
                damaged.writestr(name, data)
        return out.getvalue()
    at = draw(st.integers(0, len(workbook) - 1))
    if how == "cut":
        return workbook[:at]
    return workbook[:at] + bytes([workbook[at] ^ 0xFF]) + workbook[at + 1:]


@st.composite
def files(draw) -> tuple[str, bytes]:
    """(file name, content) of a file a user might upload, or of one nobody should."""
    kind = draw(st.sampled_from(["csv"] * 6 + ["xlsx"] * 2 + ["damaged-xlsx"] * 2 + [
        "bytes", "text", "fake-xlsx", "semicolons", "bom", "cp1252", "utf-16", "huge-cell"]))
    if kind in ("xlsx", "damaged-xlsx"):
        content = _workbook(draw(excel_sheets()))
        if kind == "damaged-xlsx":
            content = _damaged(draw, content)
        return draw(st.sampled_from(["cases.xlsx", "CASES.XLSX"])), content
    if kind == "huge-cell":   # beyond the csv module's limit on a cell
        return "cases.csv", _csv([["date", "procedure", "notes"],
                                  [TODAY.isoformat(), "PICC", "x" * 140_000]]).encode()
    if kind == "bytes":
        return draw(st.sampled_from(["cases.csv", "cases.xlsx", "cases"])), draw(
            st.binary(max_size=400))
    if kind == "text":
        return "cases.csv", draw(st.text(max_size=400)).encode("utf-8", "surrogatepass")
    text = _csv(draw(spreadsheets()), ";" if kind == "semicolons" else ",")
    if kind == "fake-xlsx":
        return "cases.xlsx", text.encode()
    if kind == "bom":
        return "cases.csv", b"\xef\xbb\xbf" + text.encode()
    if kind in ("cp1252", "utf-16"):
        return "cases.csv", text.encode(kind, errors="replace")
    return "cases.csv", text.encode("utf-8", "surrogatepass")


# -- the service ------------------------------------------------------------------------------

def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Case.id))),
            db.session.scalar(select(func.count(CaseProcedure.id))))


def _check_refusal(result) -> None:
    assert result.errors and result.added == 0
    for error in result.errors:
        assert isinstance(error, str) and error.strip(), result.errors
        if error.startswith("row "):
            assert ROW_ERROR.match(error), error


def test_any_file_is_imported_whole_or_refused_with_clear_errors(app, cases):
    outcomes = Counter()

    @settings(FUZZ, max_examples=300)
    @given(upload=files(), as_staff=st.booleans())
    def imported(upload, as_staff):
        filename, data = upload
        note(f"{filename}: {data[:3000]!r}")
        with app.app_context():
            program = db.session.get(Program, cases["id"])
            ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
            before = _counts()
            result = import_cases(program, filename, data, resident=None if as_staff else ash,
                                  may_verify=as_staff)
            if not result.ok:
                db.session.rollback()
                _check_refusal(result)
                assert _counts() == before
                outcomes["refused"] += 1
            else:
                db.session.commit()
                assert _counts()[0] == before[0] + result.added
                again = import_cases(program, filename, data,
                                     resident=None if as_staff else ash, may_verify=as_staff)
                assert (again.ok, again.added, again.already) == (
                    True, 0, result.added + result.already)
                db.session.rollback()
                outcomes["added" if result.added else "nothing new"] += 1
            db.session.remove()

    imported()
    assert outcomes["added"] >= 20 and outcomes["refused"] >= 50, outcomes


# -- the pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("who, page", [("ash@example.org", "my/cases/import"),
                                       ("pd@example.org", "case-logs/import")])
def test_the_import_pages_never_fail_on_a_file(app, client, cases, make_user, who, page):
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, who)
    path = f"/programs/{cases['id']}/{page}"
    token = csrf_token(client, path)

    @settings(FUZZ, max_examples=15)
    @given(upload=files())
    def uploaded(upload):
        filename, data = upload
        with app.app_context():
            before = _counts()
        response = client.post(path, data={"file": (io.BytesIO(data), filename),
                                           "csrf_token": token},
                               content_type="multipart/form-data")
        assert response.status_code in (200, 422), response.status_code
        with app.app_context():
            if response.status_code == 422:   # refused: every reason shown, nothing added
                assert 'role="alert"' in response.get_data(as_text=True)
                assert _counts() == before
            else:
                assert "case(s) added" in response.get_data(as_text=True)

    uploaded()


# -- what the fuzzing found, pinned ---------------------------------------------------------

def _sheet_cut_short() -> bytes:
    workbook = _workbook([["date", "procedure"]] + [[TODAY, "PICC"]] * 50)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as cut:
        for name in source.namelist():
            data = source.read(name)
            cut.writestr(name, data[:len(data) // 2] if name.endswith("sheet1.xml") else data)
    return out.getvalue()


def test_files_that_crashed_the_import_are_refused_with_a_reason(app, cases):
    day = TODAY.isoformat()
    refused = {   # file -> what the refusal says
        ("short.csv", b"resident,date,procedure\r\n" + day.encode() + b"\r\n"):
            "row 2: date: '' is not a date",
        ("nul.csv", f"date,procedure,notes\n{day},PICC,left\x00arm\n".encode()):
            "row 2: notes: a NUL character cannot be stored",
        ("huge.csv", f"date,procedure,notes\n{day},PICC,{'x' * 140_000}\n".encode()):
            "not a readable CSV file (line 2: field larger than field limit",
        ("cut.xlsx", _sheet_cut_short()): "not a readable Excel workbook (ParseError)",
    }
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        for (filename, data), reason in refused.items():
            result = import_cases(program, filename, data, resident=ash)
            assert not result.ok and result.errors[0].startswith(reason), result.errors
        db.session.rollback()
        assert _counts() == (0, 0)


def test_mac_and_utf16_line_endings_and_encodings_import(app, cases):
    day = (TODAY - timedelta(days=1)).isoformat()
    accepted = [("mac.csv", f"date,procedure\r{day},PICC\r{day},UFE\r".encode()),
                ("unicode.csv", f"date,procedure\r\n{day},PARACENTESIS\r\n".encode("utf-16"))]
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        added = [import_cases(program, name, data, resident=ash) for name, data in accepted]
        assert [(r.ok, r.added) for r in added] == [(True, 2), (True, 1)], added


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, cases):
    """F2: an .xlsx whose shared strings inflate a thousandfold is refused by its directory
    alone; a workbook too large unpacked is refused by its total."""
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        ash = db.session.scalar(select(Resident).where(Resident.key == "ash"))
        bomb = workbook_bomb(50_000_000, b"A")   # shared strings: one letter, 50 MB
        assert len(bomb) < 200_000
        result = import_cases(program, "bomb.xlsx", bomb, resident=ash)
        assert not result.ok
        assert "xl/sharedStrings.xml is packed" in result.errors[0]
        assert "this is not an ordinary spreadsheet" in result.errors[0]
        db.session.rollback()
        assert _counts() == (0, 0)
