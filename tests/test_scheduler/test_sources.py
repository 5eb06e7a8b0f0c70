"""Sources name places in a program file the same way everywhere: written, read back and put
in the file's order by one type."""

from __future__ import annotations

import pytest

from scheduler.sources import Source, file_order, source_path


@pytest.mark.parametrize("text, parts", [
    ("rotation[3].max", ("rotation", 3, "max")),
    ("rule[0]", ("rule", 0, "")),
    ("program.vacation_weeks", ("program", None, "vacation_weeks")),
    ("previous.residents.ahmed", ("previous", None, "residents.ahmed")),
    ("requirement[12].levels[0]", ("requirement", 12, "levels[0]")),
])
def test_a_source_reads_back_as_written(text, parts):
    place = Source.parse(text)
    assert place is not None and (place.section, place.index, place.field) == parts
    assert str(place) == source_path(*parts) == text


def test_the_whole_entry_of_a_field():
    assert str(Source.parse("rotation[3].min_present").entry) == "rotation[3]"


@pytest.mark.parametrize("text", ["", "[3]", "Rotation[3]", "rotation[x]", "rotation[3"])
def test_what_is_not_a_source_says_so(text):
    assert Source.parse(text) is None


def test_sources_sort_in_the_order_of_the_file():
    shuffled = ["request[0]", "rule[2]", "previous.residents.bo", "rotation[10].max",
                "program.vacation_weeks", "rotation[2].min", "resident[1].vacation_weeks",
                "requirement[0]", "rotation[2].max", "(file)"]
    assert sorted(shuffled, key=file_order) == [
        "program.vacation_weeks", "rotation[2].max", "rotation[2].min", "rotation[10].max",
        "resident[1].vacation_weeks", "requirement[0]", "rule[2]", "request[0]",
        "previous.residents.bo", "(file)"]


def test_every_section_that_lists_entries_is_one_a_program_lists():
    """A conflict's `rotation[3]` is checked against the program's rotations: every section
    that lists entries (LISTS) has its list in the program, and no table section has one."""
    from program_helpers import make_program

    from scheduler.sources import LISTS, SECTIONS

    program = make_program('[[rotation]]\ncode = "A"\n[[resident]]\nid = "a"\nlevel = "R1"\n'
                           'track = "IR"\n')
    assert all(program.listed(section) is not None for section in LISTS)
    assert all(program.listed(section) is None for section in SECTIONS if section not in LISTS)
