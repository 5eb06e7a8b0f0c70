"""Fuzzing: no program file, however broken, crashes the loader or `residency solve`.

Hypothesis mutates a small valid program file (wrong types, missing and extra keys, negative
and huge numbers, unicode, nested junk, dates outside the year or the calendar, duplicated
entries), writes it as TOML, or as raw text or bytes, and runs the real command line in
process. Whatever comes in, the command ends with exit status 0, 1 or 2 and a schedule file on
standard output; an INVALID answer (2) lists every error with a path and a message. The
loader, fed the dicts directly (including values TOML cannot even express), never raises.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st

from scheduler import FileError, load_program, load_program_text
from scheduler.schedule import parse_schedule
from solver import checker
from solver.cli import main

EXIT_STATUSES = {0: ("OPTIMAL", "FEASIBLE"), 1: ("INFEASIBLE", "UNKNOWN"), 2: ("INVALID",)}

BASE: dict[str, Any] = {
    "format": 1,
    "program": {
        "name": "Fuzz program",
        "year_start": date(2027, 7, 1),
        "calendar": "months",
        "levels": ["R1", "R2"],
        "tracks": ["IR", "DR"],
        "vacation_weeks": 1,
        "max_vacation_weeks_per_block": 1,
        "change_weight": 1,
    },
    "rotation": [
        {"code": "A", "name": "Alpha", "groups": ["G"], "min": 1, "site": "U"},
        {"code": "B", "groups": ["G"], "max": 2, "vacation": False},
        {"code": "C", "levels": ["R2"], "tracks": ["IR", "DR"], "min_present": 0},
    ],
    "resident": [
        {"id": "a", "name": "Ann", "level": "R1", "track": "IR", "history": {"A": 1}},
        {"id": "b", "level": "R2", "track": "DR", "vacation_weeks": 2},
    ],
    "requirement": [
        {"group": "G", "min": 2, "max": 12},
        {"name": "C once", "rotation": "C", "exactly": 1, "levels": ["R2"], "hard": False,
         "weight": 2},
        {"rotation": "A", "min": 2, "scope": "residency", "tracks": ["IR"]},
    ],
    "rule": [
        {"kind": "coverage", "rotation": "C", "max": 1, "blocks": [1, 2]},
        {"kind": "max_consecutive", "rotation": "A", "blocks": 6},
        {"kind": "min_consecutive", "group": "G", "blocks": 2, "hard": False, "weight": 1},
        {"kind": "prerequisite", "rotation": "C", "requires": "A", "levels": ["R2"]},
    ],
    "request": [
        {"resident": "a", "kind": "vacation", "weeks": [date(2027, 12, 20)], "weight": 3},
        {"resident": "b", "kind": "assign", "rotation": "C", "blocks": [8], "hard": True},
        {"resident": "a", "kind": "avoid", "group": "G", "blocks": [1], "weight": 2},
    ],
}

# -- junk values ---------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
KEYS = st.one_of(TEXT, st.sampled_from(["code", "min", "max", "kind", "rotation", "group",
                                        "levels", "weeks", "blocks", "hard", "weight", "id",
                                        "program", "format", "extra", "résumé", "名前"]))
INTERESTING = st.sampled_from([
    0, 1, -1, 2, 12, 13, 52, 53, 1000, 1001, 100_000, 100_001, 1_000_001, 2**31, 2**63 - 1,
    2**63, -(2**63), 10**30, 0.5, -0.0, 1e308, math.inf, -math.inf, math.nan, "", " ", "A",
    "B", "C", "G", "R1", "R2", "IR", "a", "b", "months", "4-week", "weeks", "year",
    "residency", "coverage", "max_consecutive", "min_consecutive", "prerequisite", "vacation",
    "assign", "avoid", "A B", "ünï", "😀", "\x00", "a\nb", True, False,
    date(2027, 7, 1), date(2027, 7, 2), date(2027, 6, 30), date(2028, 6, 30), date(2028, 7, 1),
    date(2028, 2, 29), date(1, 1, 1), date(9999, 12, 1), date(9999, 12, 31), date(9999, 1, 1),
    datetime(2027, 7, 1, 12, 0), time(12, 30),
])
SCALARS = st.one_of(
    INTERESTING,
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    TEXT,
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
TOML_JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=8,
)
# What only a caller of `load_program` (not a TOML file) can pass.
ANY_JUNK = st.recursive(
    st.one_of(SCALARS, st.none(), st.binary(max_size=4), st.just(object())),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=8,
)

# -- mutations of the valid program --------------------------------------------------------------


def _locations(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locations(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _locations(item, path + (i,))
    return found


def _get(root: Any, path: tuple) -> Any:
    for part in path:
        root = root[part]
    return root


OPS = ["replace", "replace", "delete", "delete", "extra", "negative", "huge", "stringify",
       "listify", "empty", "bad_date", "duplicate", "scalar_for_list"]
BAD_DATES = st.sampled_from([date(9999, 12, 1), date(9999, 7, 1), date(9999, 1, 1),
                             date(1, 1, 1), date(2027, 7, 2), date(2028, 7, 1),
                             date(2026, 1, 1), datetime(2027, 7, 1, 8, 0), time(9, 0),
                             "2027-07-01", "2027-02-30", "July", 20270701])


# Keys whose values steer the loader and the solver most: mutated more often.
HOT = [("program", "year_start"), ("program", "calendar"), ("program", "vacation_weeks"),
       ("program", "max_vacation_weeks_per_block"), ("program", "levels"), ("rotation", 0),
       ("rotation", 0, "code"), ("rotation", 1, "groups"), ("rotation", 0, "min"),
       ("rotation", 1, "max"), ("resident", 0, "id"), ("resident", 0, "history"),
       ("resident", 1, "vacation_weeks"), ("requirement", 0, "group"),
       ("requirement", 1, "exactly"), ("requirement", 2, "scope"), ("rule", 0, "kind"),
       ("rule", 0, "blocks"), ("rule", 1, "blocks"), ("rule", 3, "requires"),
       ("request", 0, "kind"), ("request", 0, "weeks"), ("request", 0, "weeks", 0),
       ("request", 1, "blocks"), ("request", 1, "resident"), ("request", 2, "blocks")]


def _exists(raw: Any, path: tuple) -> bool:
    for part in path:
        if isinstance(raw, dict) and part in raw:
            raw = raw[part]
        elif isinstance(raw, list) and isinstance(part, int) and part < len(raw):
            raw = raw[part]
        else:
            return False
    return True


def _mutate(draw, raw: dict[str, Any], junk) -> None:
    hot = [path for path in HOT if _exists(raw, path)]
    if hot and draw(st.booleans()):
        path = draw(st.sampled_from(hot))
    else:
        path = draw(st.sampled_from(_locations(raw)))
    value = _get(raw, path)
    op = draw(st.sampled_from(OPS))
    if op == "extra" or not path:
        if isinstance(value, dict):
            value[draw(KEYS)] = draw(junk)
        elif isinstance(value, list):
            value.insert(draw(st.integers(0, len(value))), draw(junk))
        return
    parent, key = _get(raw, path[:-1]), path[-1]
    if op == "delete":
        del parent[key]
        return
    if op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
        return
    if op == "negative":
        new = -abs(value) - 1 if isinstance(value, int) and not isinstance(value, bool) else -1
    elif op == "huge":
        new = draw(st.sampled_from([2**63 - 1, 2**63, 10**30, 100_001, 1_000_001, 1e300]))
    elif op == "stringify":
        new = str(value)
    elif op == "listify":
        new = [value]
    elif op == "empty":
        new = type(value)() if isinstance(value, (dict, list, str)) else ""
    elif op == "bad_date":
        new = draw(BAD_DATES)
    elif op == "scalar_for_list":
        new = draw(st.sampled_from(["A", "R1", 1, True, date(2027, 7, 1)]))
    else:
        new = draw(junk)
    parent[key] = new


@st.composite
def mutated_programs(draw, junk=TOML_JUNK) -> dict[str, Any]:
    """The valid base program with one to four random mutations."""
    raw = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        _mutate(draw, raw, junk)
    return raw


NAMES = ["A", "B", "C", "G", "R1", "R2", "IR", "DR", "a", "b", "months", "4-week", "year",
         "residency", "coverage", "max_consecutive", "min_consecutive", "prerequisite",
         "vacation", "assign", "avoid"]
CHOICES = {"scope": ["year", "residency"], "calendar": ["months", "4-week"],
           "name": ["x", "A"], "requires": ["A", "B", "C", "G"]}
REQUIRED = {"program", "name", "year_start", "levels", "tracks", "code", "id", "level", "track",
            "weeks", "resident", "requires"}
DATES = [date(2027, 7, 1), date(2027, 8, 1), date(2028, 2, 1), date(2028, 2, 29),
         date(2027, 12, 27), date(2028, 6, 30), date(2027, 7, 6)]


@st.composite
def tweaked_programs(draw) -> dict[str, Any]:
    """The base program with plausible edits: entries dropped or doubled, small numbers,
    other names, shorter lists, other dates. Many stay valid and reach the solver."""
    raw = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 5))):
        locations = [path for path in _locations(raw) if path]
        path = draw(st.sampled_from(locations))
        parent, key, value = _get(raw, path[:-1]), path[-1], _get(raw, path)
        if key in ("format", "kind"):
            continue
        if draw(st.integers(0, 3)) == 0 and (isinstance(parent, list) or key not in REQUIRED):
            del parent[key]
        elif isinstance(value, bool):
            parent[key] = not value
        elif isinstance(value, int):
            parent[key] = draw(st.sampled_from([0, 1, 2, 3, 5, 12, 13, 52, 53]))
        elif isinstance(value, str):
            parent[key] = draw(st.sampled_from(CHOICES.get(key, NAMES)))
        elif isinstance(value, date):
            parent[key] = draw(st.sampled_from(DATES))
        elif isinstance(value, list):
            if value and draw(st.booleans()):
                value.append(copy.deepcopy(draw(st.sampled_from(value))))
            else:
                parent[key] = value[:draw(st.integers(0, len(value)))]
        elif key == "history":
            parent[key] = {}
    return raw


@st.composite
def mutated_texts(draw) -> str:
    """The base program's TOML with random edits: characters inserted, cut or replaced."""
    text = tomli_w.dumps(BASE)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "replace"]))
        piece = draw(st.one_of(TEXT, st.sampled_from(["[", "]", "=", '"', "\n", "[[rule]]\n",
                                                      "-1", "1e9", "#", ",", "{", "}", "'''"])))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        else:
            end = at + draw(st.integers(1, 20))
            text = text[:at] + (piece if op == "replace" else "") + text[end:]
    return text


def _as_toml(raw: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(raw)
    except (TypeError, ValueError):
        return None  # not expressible in TOML


# -- the command line ----------------------------------------------------------------------------


def run_cli(content: str | bytes) -> dict[str, Any]:
    """Run `residency solve` on a file with this content; check it ends well."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "program.toml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        result = CliRunner().invoke(main, ["solve", str(path), "--time-limit", "2"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}") from result.exception
    assert result.exit_code in EXIT_STATUSES, (result.exit_code, result.output)
    schedule = json.loads(result.stdout)
    if currently_in_test_context():
        event(f"status {schedule['status']}")
    assert schedule["status"] in EXIT_STATUSES[result.exit_code]
    if result.exit_code == 2:
        errors = schedule["errors"]
        assert isinstance(errors, list) and errors
        for error in errors:
            assert isinstance(error["path"], str)
            assert isinstance(error["message"], str) and error["message"]
    else:
        assert schedule["errors"] == []
    return schedule


FUZZ = settings(max_examples=600, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


@FUZZ
@given(st.one_of(mutated_programs(), tweaked_programs()))
def test_cli_survives_mutated_program_files(raw):
    text = _as_toml(raw)
    if text is None:
        return
    note(text)
    schedule = run_cli(text)
    if schedule["status"] in ("OPTIMAL", "FEASIBLE"):
        # Whatever odd program got through, its schedule must pass the independent checker.
        program = load_program_text(text).program
        parsed, errors = parse_schedule(schedule)
        assert program is not None and parsed is not None and not errors
        report = checker.check(program, parsed)
        assert report.ok, report.errors + report.violations
        assert report.total_penalty == schedule["objective"]
    elif schedule["status"] == "INFEASIBLE":
        assert schedule["conflicts"], "INFEASIBLE without a conflict set"


@settings(FUZZ, max_examples=300)
@given(st.one_of(mutated_texts(), TEXT.map(lambda t: "format = 1\n" + t),
                 st.text(max_size=200)))
def test_cli_survives_raw_text(text):
    note(repr(text))
    run_cli(text.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=100)
@given(st.binary(max_size=200))
def test_cli_survives_raw_bytes(data):
    run_cli(data)


# -- the loader ----------------------------------------------------------------------------------


def check_loaded(raw: Any) -> None:
    result = load_program(raw)
    assert result.ok == (result.program is not None)
    assert result.ok == (not result.errors)
    for error in result.errors:
        assert isinstance(error, FileError)
        assert isinstance(error.path, str) and isinstance(error.message, str) and error.message
    if result.ok:
        # An accepted program has a calendar the solver can lay out.
        program = result.program
        assert len(program.blocks) == program.num_blocks
        assert program.calendar.year_end > program.calendar.year_start


@settings(FUZZ, max_examples=1500)
@given(st.one_of(mutated_programs(ANY_JUNK), tweaked_programs(), ANY_JUNK))
def test_loader_never_raises(raw):
    note(repr(raw))
    check_loaded(raw)


@settings(FUZZ, max_examples=500)
@given(st.one_of(mutated_texts(), st.text(max_size=200)))
def test_text_loader_never_raises(text):
    result = load_program_text(text)
    assert result.ok == (not result.errors)


def test_base_program_solves():
    run_cli(tomli_w.dumps(BASE))
    assert load_program(copy.deepcopy(BASE)).ok


# -- crashes the fuzzers found, pinned down ------------------------------------------------------

MINIMAL_HEADER = """format = 1
[program]
name = "p"
year_start = {start}
calendar = "{calendar}"
levels = ["R1"]
tracks = ["IR"]
[[rotation]]
code = "A"
[[resident]]
id = "a"
level = "R1"
track = "IR"
"""


def _minimal(start: str = "2027-07-01", calendar: str = "months", body: str = "") -> str:
    return MINIMAL_HEADER.format(start=start, calendar=calendar) + body


def test_a_kind_that_is_not_a_string_is_an_error_not_a_crash():
    for body in ("[[rule]]\nkind = []\nrotation = \"A\"\n",
                 "[[request]]\nkind = {}\nresident = \"a\"\n"):
        result = load_program_text(_minimal(body=body))
        assert not result.ok
        assert any(e.path.endswith(".kind") for e in result.errors), result.errors
        run_cli(_minimal(body=body))


def test_a_year_the_calendar_cannot_hold_is_an_error_not_a_crash():
    cases = [("9999-07-01", "months", ""), ("9999-01-01", "4-week", ""),
             ("9999-01-01", "4-week",
              "[[request]]\nresident = \"a\"\nkind = \"vacation\"\nweeks = [9999-01-05]\n")]
    for start, calendar, body in cases:
        text = _minimal(start, calendar, body)
        check_loaded(tomllib.loads(text))
        run_cli(text)
