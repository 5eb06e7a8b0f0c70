"""Errors name their place as a person reads the file: counted from 1, with the line."""

from __future__ import annotations

from scheduler import load_program_text
from scheduler.positions import line_of, place

TEXT = """format = 2

[program]
name = "Bad"
year_start = 2027-07-01
levels = ["R1"]
tracks = ["DR"]
holidays = [2027-07-05, 2030-01-01]

[[rotation]]
code = "A"

[[rotation]]
code = "B"
min = 3
max = 2

[[resident]]
id = "x"
level = "R9"
track = "DR"

[[resident]]
id = "y"
track = "DR"
"""


def test_every_error_has_its_line_and_a_position_counted_from_one():
    errors = load_program_text(TEXT).errors
    found = {e.path: (e.line, e.where) for e in errors}
    assert found["rotation[1].max"] == (16, "line 16, rotation 2, max")
    assert found["resident[0].level"] == (20, "line 20, resident 1, level")
    # a missing key: the line of its entry's header
    assert found["resident[1].level"] == (23, "line 23, resident 2, level")
    assert found["program.holidays[1]"] == (8, "line 8, program, holidays 2")


def test_positions_of_tables_top_level_keys_and_the_whole_file():
    assert line_of(TEXT, "format") == 1
    assert line_of(TEXT, "program.name") == 4
    assert line_of(TEXT, "rotation[1]") == 13
    assert line_of(TEXT, "rotation[7].max") is None
    assert line_of(TEXT, "") is None
    assert place("") == "the file"
    assert place("call_pool[0].days[2]") == "call pool 1, days 3"


def test_a_toml_syntax_error_keeps_its_line():
    errors = load_program_text('format = 2\n[program]\nname = "x\n').errors
    assert errors[0].line == 3
