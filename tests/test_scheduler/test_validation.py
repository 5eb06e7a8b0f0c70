"""Loading program files: a wrong file is INVALID, with every error listed by path and in words."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from program_helpers import ICU_PAIR

from scheduler import load_program, load_program_file, load_program_text

HEADER = """\
format = 1
[program]
name = "Test program"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2", "R3"]
tracks = ["IR", "DR"]
"""

ROTATIONS = ICU_PAIR + '[[rotation]]\ncode = "NM"\n'

RESIDENTS = """
[[resident]]
id = "ahmed"
level = "R1"
track = "IR"

[[resident]]
id = "baker"
level = "R2"
track = "DR"
"""


def load(body: str = "", header: str = HEADER, top: str = ""):
    """Load `top` keys, the header, then the rotations, residents and `body`."""
    text = textwrap.dedent(top) + header + ROTATIONS + RESIDENTS + textwrap.dedent(body)
    return load_program_text(text)


def errors_of(body: str = "", header: str = HEADER, top: str = "") -> dict[str, str]:
    """path -> message for an invalid file (asserting it is invalid)."""
    result = load(body, header, top)
    assert not result.ok
    assert result.program is None
    assert result.errors
    found: dict[str, str] = {}
    for error in result.errors:
        assert error.message, error
        found.setdefault(error.path, error.message)
    return found


def test_the_base_file_is_valid():
    result = load()
    assert result.ok, result.errors
    assert [r.code for r in result.program.rotations] == ["SICU", "MICU", "NM"]
    assert result.program.groups == {"ICU": ("SICU", "MICU")}


# -- not a program file at all -------------------------------------------------------------------


def test_text_that_is_not_toml():
    result = load_program_text("[program\nname = ")
    assert not result.ok
    assert len(result.errors) == 1
    assert result.errors[0].path == ""
    assert "not valid TOML" in result.errors[0].message


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "program.toml"
    path.write_bytes(b"format = 1\nname = \"\xff\xfe\"\n")
    result = load_program_file(path)
    assert not result.ok
    assert "UTF-8" in result.errors[0].message


def test_missing_file(tmp_path):
    result = load_program_file(tmp_path / "nowhere.toml")
    assert not result.ok
    assert "cannot read" in result.errors[0].message


def test_file_read_from_disk(tmp_path):
    path = tmp_path / "program.toml"
    path.write_text(HEADER + ROTATIONS + RESIDENTS, encoding="utf-8")
    result = load_program_file(path)
    assert result.ok, result.errors
    assert [r.id for r in result.program.residents] == ["ahmed", "baker"]


@pytest.mark.parametrize("value", ["3", '"1"', "0"])
def test_format_other_than_1_or_2(value):
    header = HEADER.replace("format = 1", f"format = {value}")
    found = errors_of(header=header)
    assert set(found) == {"format"}
    assert "format must be 1 or 2" in found["format"]


@pytest.mark.parametrize("value", ["true", "1.0"])
def test_format_must_be_the_integer_1_not_a_boolean_or_float(value):
    header = HEADER.replace("format = 1", f"format = {value}")
    found = errors_of(header=header)
    assert set(found) == {"format"}


def test_missing_format():
    found = errors_of(header=HEADER.replace("format = 1\n", ""))
    assert set(found) == {"format"}


def test_missing_program_table():
    result = load_program_text("format = 1\n")
    assert not result.ok
    assert "program" in {e.path for e in result.errors}
    assert any("[program]" in e.message for e in result.errors)


def test_program_that_is_not_a_table_of_keys():
    result = load_program([1, 2, 3])
    assert not result.ok
    assert result.errors[0].path == ""


# -- unknown keys and wrong types ------------------------------------------------------------------


def test_unknown_top_level_key():
    found = errors_of(top='colour = "blue"\n')
    assert found == {"colour": "unknown key 'colour'"}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nmni = 2\n', "requirement[0].mni"),
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 1\nblock = [1]\n', "rule[0].block"),
        ('[[request]]\nkind = "avoid"\nresident = "ahmed"\nrotation = "NM"\nwieght = 2\n',
         "request[0].wieght"),
    ],
)
def test_unknown_key_in_an_entry(body, path):
    found = errors_of(body)
    key = path.rsplit(".", 1)[1]
    assert found == {path: f"unknown key '{key}'"}


def test_unknown_key_in_program_and_rotation_and_resident():
    header = HEADER + "vacation_week = 2\n"
    result = load_program_text(
        header + ROTATIONS.replace('code = "NM"', 'code = "NM"\nmim = 1')
        + RESIDENTS.replace('id = "baker"', 'id = "baker"\nhistroy = { NM = 1 }')
    )
    found = {e.path: e.message for e in result.errors}
    assert found == {
        "program.vacation_week": "unknown key 'vacation_week'",
        "rotation[2].mim": "unknown key 'mim'",
        "resident[1].histroy": "unknown key 'histroy'",
    }


@pytest.mark.parametrize(
    ("snippet", "path", "words"),
    [
        ('[[rotation]]\ncode = "X"\nmin = "1"\n', "rotation[3].min", "integer"),
        ('[[rotation]]\ncode = "X"\nmax = 1.5\n', "rotation[3].max", "integer"),
        ('[[rotation]]\ncode = "X"\nvacation = "yes"\n', "rotation[3].vacation", "boolean"),
        ('[[rotation]]\ncode = "X"\ngroups = "ICU"\n', "rotation[3].groups", "list"),
        ('[[rotation]]\ncode = "X Y"\n', "rotation[3].code", "pattern"),
        ('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\nhistory = { NM = "two" }\n',
         "resident[2].history.NM", "integer"),
        ('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\nvacation_weeks = true\n',
         "resident[2].vacation_weeks", "integer"),
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nscope = "career"\n',
         "requirement[0].scope", "'year' or 'residency'"),
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nhard = "no"\n', "requirement[0].hard",
         "boolean"),
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 1\nblocks = 3\n', "rule[0].blocks",
         "list"),
        ('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = [3]\n', "rule[0].blocks",
         "integer"),
        ('[[request]]\nkind = "vacation"\nresident = "ahmed"\nweeks = ["2027-07-05"]\n',
         "request[0].weeks[0]", "date"),
        ('[[request]]\nkind = "vacation"\nresident = "ahmed"\nweeks = [2027-07-05T08:00:00]\n',
         "request[0].weeks[0]", "date"),
        ('[[request]]\nkind = "assign"\nresident = "ahmed"\nrotation = "NM"\nblocks = ["1"]\n',
         "request[0].blocks[0]", "integer"),
    ],
)
def test_wrong_types_name_the_key(snippet, path, words):
    found = errors_of(snippet)
    assert path in found, found
    assert words in found[path]


def test_wrong_types_in_program_table():
    header = HEADER.replace('year_start = 2027-07-01', 'year_start = "2027-07-01"').replace(
        'calendar = "months"', 'calendar = "weekly"')
    found = errors_of(header=header)
    assert "program.year_start" in found
    assert "date" in found["program.year_start"]
    assert "program.calendar" in found
    assert "'months' or '4-week'" in found["program.calendar"]


def test_section_given_as_a_table_instead_of_a_list_of_tables():
    found = errors_of(top="", header=HEADER + '[requirement]\nrotation = "NM"\nmin = 1\n')
    assert "requirement" in found
    assert "[[requirement]]" in found["requirement"]


def test_missing_required_keys():
    found = errors_of('[[resident]]\nid = "c"\n'
                      '[[request]]\nkind = "avoid"\nrotation = "NM"\n')
    assert found["resident[2].level"] == "missing required key 'level'"
    assert found["resident[2].track"] == "missing required key 'track'"
    assert found["request[0].resident"] == "missing required key 'resident'"


# -- unknown codes -----------------------------------------------------------------------------


def test_unknown_rotation_in_requirement():
    found = errors_of('[[requirement]]\nrotation = "SICUU"\nmin = 1\n')
    assert found == {"requirement[0].rotation": "unknown rotation or group 'SICUU'"}


def test_unknown_group_in_requirement():
    found = errors_of('[[requirement]]\ngroup = "ICUS"\nmin = 1\n')
    assert found == {"requirement[0].group": "unknown rotation or group 'ICUS'"}


def test_a_group_name_and_a_rotation_code_are_both_valid_targets():
    result = load('[[requirement]]\ngroup = "ICU"\nmin = 1\n'
                  '[[requirement]]\nrotation = "SICU"\nmax = 1\n')
    assert result.ok, result.errors


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ('[[rule]]\nkind = "coverage"\nrotation = "XX"\nmin = 1\n', "rule[0].rotation"),
        ('[[rule]]\nkind = "max_consecutive"\ngroup = "XX"\nblocks = 2\n', "rule[0].group"),
        ('[[rule]]\nkind = "min_consecutive"\nrotation = "XX"\nblocks = 2\n', "rule[0].rotation"),
        ('[[rule]]\nkind = "prerequisite"\nrotation = "XX"\nrequires = "NM"\n',
         "rule[0].rotation"),
        ('[[rule]]\nkind = "prerequisite"\nrotation = "NM"\nrequires = "XX"\n',
         "rule[0].requires"),
        ('[[request]]\nkind = "assign"\nresident = "ahmed"\nrotation = "XX"\nblocks = [1]\n',
         "request[0].rotation"),
        ('[[request]]\nkind = "avoid"\nresident = "ahmed"\ngroup = "XX"\n', "request[0].group"),
        ('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\nhistory = { XX = 1 }\n',
         "resident[2].history.XX"),
    ],
)
def test_unknown_rotation_or_group_anywhere(snippet, path):
    found = errors_of(snippet)
    assert list(found) == [path]
    assert "'XX'" in found[path]
    assert "unknown" in found[path]


def test_history_keyed_by_a_group_name_is_valid():
    result = load('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\n'
                  'history = { ICU = 2, NM = 1 }\n')
    assert result.ok, result.errors


def test_target_given_twice_or_not_at_all():
    found = errors_of('[[requirement]]\nrotation = "NM"\ngroup = "ICU"\nmin = 1\n'
                      '[[rule]]\nkind = "max_consecutive"\nblocks = 2\n')
    assert found["requirement[0]"] == "give only one of rotation, group"
    assert found["rule[0]"] == "missing target: give rotation or group or service"


# -- duplicates, levels, tracks ----------------------------------------------------------------


def test_duplicate_rotation_code():
    found = errors_of('[[rotation]]\ncode = "NM"\n')
    assert found == {"rotation[3].code": "duplicate rotation code 'NM' (also rotation[2])"}


def test_duplicate_resident_id():
    found = errors_of('[[resident]]\nid = "ahmed"\nlevel = "R3"\ntrack = "DR"\n')
    assert found == {"resident[2].id": "duplicate resident id 'ahmed' (also resident[0])"}


def test_duplicate_levels_and_tracks_in_program():
    header = HEADER.replace('["R1", "R2", "R3"]', '["R1", "R2", "R1", "R3"]').replace(
        '["IR", "DR"]', '["IR", "DR", "DR"]')
    found = errors_of(header=header)
    assert found == {"program.levels[2]": "duplicate level 'R1'",
                     "program.tracks[2]": "duplicate track 'DR'"}


def test_a_group_may_share_a_rotation_codes_name_and_each_key_names_its_own():
    result = load('[[rotation]]\ncode = "X"\ngroups = ["NM"]\n'
                  '[[requirement]]\ngroup = "NM"\nmin = 1\n'
                  '[[requirement]]\nrotation = "NM"\nmax = 1\n')
    assert result.ok, result.errors
    program = result.program
    group, rotation = (r.target for r in program.requirements[-2:])
    assert program.resolve(group) == ("X",)  # the group NM holds X only
    assert program.resolve(rotation) == ("NM",)
    assert program.resolve("NM") == ("NM",)  # a bare name is the rotation


def test_unknown_level_and_track_of_a_resident():
    found = errors_of('[[resident]]\nid = "c"\nlevel = "R9"\ntrack = "ESIR"\n')
    assert found == {"resident[2].level": "unknown level 'R9'",
                     "resident[2].track": "unknown track 'ESIR'"}


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ('[[rotation]]\ncode = "X"\nlevels = ["R1", "R7"]\n', "rotation[3].levels[1]"),
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nlevels = ["PGY1"]\n',
         "requirement[0].levels[0]"),
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 1\nlevels = ["R4"]\n',
         "rule[0].levels[0]"),
    ],
)
def test_unknown_level_in_a_filter(snippet, path):
    found = errors_of(snippet)
    assert list(found) == [path]
    assert found[path].startswith("unknown level")


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ('[[rotation]]\ncode = "X"\ntracks = ["ESIR"]\n', "rotation[3].tracks[0]"),
        ('[[requirement]]\nrotation = "NM"\nmin = 1\ntracks = ["DR", "XR"]\n',
         "requirement[0].tracks[1]"),
        ('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = 2\ntracks = ["XR"]\n',
         "rule[0].tracks[0]"),
    ],
)
def test_unknown_track_in_a_filter(snippet, path):
    found = errors_of(snippet)
    assert list(found) == [path]
    assert found[path].startswith("unknown track")


# -- the year: blocks, weeks, start date ---------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "path", "block"),
    [
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 1\nblocks = [1, 13]\n',
         "rule[0].blocks[1]", 13),
        ('[[request]]\nkind = "assign"\nresident = "ahmed"\nrotation = "NM"\nblocks = [0]\n',
         "request[0].blocks[0]", 0),
        ('[[request]]\nkind = "avoid"\nresident = "ahmed"\nrotation = "NM"\nblocks = [2, -1]\n',
         "request[0].blocks[1]", -1),
    ],
)
def test_blocks_outside_the_year(snippet, path, block):
    found = errors_of(snippet)
    assert found == {path: f"block {block} is outside the year (1-12)"}


def test_block_13_exists_only_in_a_four_week_calendar():
    snippet = '[[request]]\nkind = "assign"\nresident = "ahmed"\nrotation = "NM"\nblocks = [13]\n'
    assert load(snippet, header=HEADER.replace('"months"', '"4-week"')).ok
    found = errors_of(snippet)
    assert found == {"request[0].blocks[0]": "block 13 is outside the year (1-12)"}
    four_week = HEADER.replace('"months"', '"4-week"')
    found = errors_of(snippet.replace("[13]", "[14]"), header=four_week)
    assert found == {"request[0].blocks[0]": "block 14 is outside the year (1-13)"}


def test_vacation_request_dates_outside_the_year():
    found = errors_of('[[request]]\nkind = "vacation"\nresident = "ahmed"\n'
                      'weeks = [2027-06-30, 2027-07-01, 2028-06-30, 2028-07-01]\n')
    assert found == {
        "request[0].weeks[0]": "2027-06-30 is outside the year (2027-07-01 to 2028-06-30)",
        "request[0].weeks[3]": "2028-07-01 is outside the year (2027-07-01 to 2028-06-30)",
    }


def test_vacation_request_needs_at_least_one_week():
    found = errors_of('[[request]]\nkind = "vacation"\nresident = "ahmed"\nweeks = []\n')
    assert list(found) == ["request[0].weeks"]


def test_months_calendar_must_start_on_the_first():
    header = HEADER.replace("2027-07-01", "2027-07-05")
    found = errors_of(header=header)
    assert found == {"program.year_start": "a 'months' calendar must start on the 1st of a month"}


def test_four_week_calendar_may_start_on_any_day():
    header = HEADER.replace("2027-07-01", "2027-07-05").replace('"months"', '"4-week"')
    result = load(header=header)
    assert result.ok, result.errors
    assert result.program.num_blocks == 13
    assert result.program.calendar.year_start == date(2027, 7, 5)


# -- numbers and bounds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ('[[rotation]]\ncode = "X"\nmin = -1\n', "rotation[3].min"),
        ('[[rotation]]\ncode = "X"\nmax = -2\n', "rotation[3].max"),
        ('[[rotation]]\ncode = "X"\nmin_present = -1\n', "rotation[3].min_present"),
        ('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\nvacation_weeks = -1\n',
         "resident[2].vacation_weeks"),
        ('[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\nhistory = { NM = -1 }\n',
         "resident[2].history.NM"),
        ('[[requirement]]\nrotation = "NM"\nmin = -1\n', "requirement[0].min"),
        ('[[requirement]]\nrotation = "NM"\nexactly = -1\n', "requirement[0].exactly"),
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nhard = false\nweight = -5\n',
         "requirement[0].weight"),
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmax = -1\n', "rule[0].max"),
        ('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = 0\n', "rule[0].blocks"),
        ('[[rule]]\nkind = "min_consecutive"\nrotation = "NM"\nblocks = -3\n', "rule[0].blocks"),
        ('[[request]]\nkind = "avoid"\nresident = "ahmed"\nrotation = "NM"\nweight = -1\n',
         "request[0].weight"),
    ],
)
def test_negative_numbers(snippet, path):
    found = errors_of(snippet)
    assert path in found, found
    assert "greater than or equal to" in found[path]


def test_negative_program_numbers():
    header = HEADER + "vacation_weeks = -1\nmax_vacation_weeks_per_block = -1\nchange_weight = -1\n"
    found = errors_of(header=header)
    assert {"program.vacation_weeks", "program.max_vacation_weeks_per_block",
            "program.change_weight"} <= set(found)


def test_more_vacation_weeks_than_the_year_holds():
    header = HEADER + "vacation_weeks = 53\n"
    found = errors_of(header=header, body='[[resident]]\nid = "c"\nlevel = "R1"\ntrack = "IR"\n'
                      'vacation_weeks = 60\n')
    assert found == {"program.vacation_weeks": "at most 52 weeks in a year",
                     "resident[2].vacation_weeks": "at most 52 weeks in a year"}


def test_rotation_max_below_min():
    found = errors_of('[[rotation]]\ncode = "X"\nmin = 3\nmax = 2\n')
    assert found == {"rotation[3].max": "max 2 is below min 3"}


def test_rotation_min_present_above_max():
    found = errors_of('[[rotation]]\ncode = "X"\nmin_present = 3\nmax = 2\n')
    assert list(found) == ["rotation[3].min_present"]


def test_requirement_max_below_min():
    found = errors_of('[[requirement]]\nrotation = "NM"\nmin = 3\nmax = 1\n')
    assert found == {"requirement[0].max": "max 1 is below min 3"}


def test_coverage_max_below_min():
    found = errors_of('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 2\nmax = 1\n')
    assert found == {"rule[0].max": "max 1 is below min 2"}


def test_equal_bounds_are_fine():
    result = load('[[rotation]]\ncode = "X"\nmin = 2\nmax = 2\nmin_present = 2\n'
                  '[[requirement]]\nrotation = "NM"\nmin = 1\nmax = 1\n'
                  '[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 0\nmax = 0\n')
    assert result.ok, result.errors


def test_exactly_combined_with_min_or_max():
    found = errors_of('[[requirement]]\nrotation = "NM"\nexactly = 2\nmin = 1\n'
                      '[[requirement]]\nrotation = "NM"\nexactly = 2\nmax = 3\n')
    assert found == {"requirement[0].exactly": "exactly cannot be combined with min or max",
                     "requirement[1].exactly": "exactly cannot be combined with min or max"}


def test_requirement_without_any_bound():
    found = errors_of('[[requirement]]\nrotation = "NM"\n')
    assert found == {"requirement[0]": "give exactly, or min and/or max"}


def test_coverage_rule_without_any_bound():
    found = errors_of('[[rule]]\nkind = "coverage"\nrotation = "NM"\nblocks = [1]\n')
    assert found == {"rule[0]": "a coverage rule needs min and/or max"}


# -- soft entries, rule kinds, requests ----------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ('[[requirement]]\nrotation = "NM"\nmin = 1\nhard = false\n', "requirement[0].weight"),
        ('[[rule]]\nkind = "coverage"\nrotation = "NM"\nmin = 1\nhard = false\n',
         "rule[0].weight"),
        ('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = 2\nhard = false\n',
         "rule[0].weight"),
        ('[[rule]]\nkind = "min_consecutive"\nrotation = "NM"\nblocks = 2\nhard = false\n',
         "rule[0].weight"),
        ('[[rule]]\nkind = "prerequisite"\nrotation = "NM"\nrequires = "ICU"\nhard = false\n',
         "rule[0].weight"),
    ],
)
def test_soft_entry_without_weight(snippet, path):
    found = errors_of(snippet)
    assert found == {path: "a soft entry (hard = false) needs a weight: what breaking it costs"}


def test_soft_request_weight_defaults_to_1_and_hard_defaults_to_false():
    result = load('[[request]]\nkind = "avoid"\nresident = "ahmed"\nrotation = "NM"\n')
    assert result.ok, result.errors
    request = result.program.requests[0]
    assert request.hard is False
    assert request.weight == 1


def test_rules_default_to_hard():
    result = load('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = 2\n'
                  '[[requirement]]\nrotation = "NM"\nmin = 1\n')
    assert result.ok, result.errors
    assert result.program.rules[0].hard is True
    assert result.program.requirements[0].hard is True
    assert result.program.requirements[0].scope == "year"


def test_rule_of_unknown_kind():
    found = errors_of('[[rule]]\nkind = "spacing"\nrotation = "NM"\nblocks = 2\n'
                      '[[rule]]\nrotation = "NM"\nblocks = 2\n')
    assert set(found) == {"rule[0].kind", "rule[1].kind"}
    assert "'spacing'" in found["rule[0].kind"]
    assert "max_consecutive" in found["rule[0].kind"]


def test_request_of_unknown_kind():
    found = errors_of('[[request]]\nkind = "swap"\nresident = "ahmed"\n')
    assert set(found) == {"request[0].kind"}
    assert "vacation" in found["request[0].kind"]


def test_keys_of_another_rule_kind_are_unknown():
    found = errors_of('[[rule]]\nkind = "max_consecutive"\nrotation = "NM"\nblocks = 2\n'
                      'requires = "ICU"\n')
    assert found == {"rule[0].requires": "unknown key 'requires'"}


@pytest.mark.parametrize(
    "snippet",
    [
        '[[request]]\nkind = "vacation"\nresident = "zoe"\nweeks = [2027-12-20]\n',
        '[[request]]\nkind = "assign"\nresident = "zoe"\nrotation = "NM"\nblocks = [1]\n',
        '[[request]]\nkind = "avoid"\nresident = "zoe"\ngroup = "ICU"\n',
    ],
)
def test_request_for_unknown_resident(snippet):
    found = errors_of(snippet)
    assert found == {"request[0].resident": "unknown resident 'zoe'"}


def test_no_rotations_for_residents():
    result = load_program_text(HEADER + RESIDENTS)
    assert not result.ok
    assert [e.path for e in result.errors] == ["rotation"]


# -- all errors at once ----------------------------------------------------------------------------


def test_a_file_with_several_errors_lists_all_of_them():
    body = """
    [[rotation]]
    code = "NM"

    [[resident]]
    id = "c"
    level = "R9"
    track = "IR"
    history = { XRAY = 1 }

    [[requirement]]
    rotation = "SICUU"
    min = 1

    [[requirement]]
    group = "ICU"
    min = 4
    max = 2
    hard = false

    [[rule]]
    kind = "coverage"
    rotation = "NM"
    min = -1
    colour = "red"

    [[rule]]
    kind = "nonsense"

    [[request]]
    kind = "vacation"
    resident = "nobody"
    weeks = [2030-01-01]

    [[request]]
    kind = "assign"
    resident = "ahmed"
    rotation = "NM"
    blocks = [99]
    """
    result = load(body, top='extra = 1\n')
    assert not result.ok
    paths = [e.path for e in result.errors]
    assert set(paths) == {
        "extra",
        "rotation[3].code",
        "resident[2].level",
        "resident[2].history.XRAY",
        "requirement[0].rotation",
        "requirement[1].max",
        "requirement[1].weight",
        "rule[0].min",
        "rule[0].colour",
        "rule[1].kind",
        "request[0].resident",
        "request[0].weeks[0]",
        "request[1].blocks[0]",
    }
    assert all(e.message for e in result.errors)


def test_errors_in_program_table_do_not_hide_errors_elsewhere():
    # [program] lacks its name, and a requirement names a rotation that does not exist:
    # both are errors of the file, and the loader must list every one.
    header = HEADER.replace('name = "Test program"\n', "")
    result = load('[[requirement]]\nrotation = "SICUU"\nmin = 1\n'
                  '[[request]]\nkind = "avoid"\nresident = "nobody"\nrotation = "NM"\n',
                  header=header)
    assert not result.ok
    paths = {e.path for e in result.errors}
    assert "program.name" in paths
    assert "requirement[0].rotation" in paths
    assert "request[0].resident" in paths


# -- format 2 ------------------------------------------------------------------------------------


def test_every_bad_format_2_key_is_reported_at_once_with_its_path():
    header = HEADER.replace("format = 1", "format = 3").replace(
        'tracks = ["IR", "DR"]',
        'tracks = ["IR", "DR"]\nfinal_level = { DR = "R2", IR = "R9" }\n'
        'holidays = [2027-06-30]\nsplit_blocks = false')
    found = errors_of("""
        [[rotation]]
        code = "HALF"
        split = true

        [[resident]]
        id = "senior"
        level = "R3"
        track = "DR"

        [[blackout]]
        from = 2027-12-20
        to = 2028-01-02
        [[blackout]]
        from = 2027-12-27
        to = 2027-12-31
        [[blackout]]
        from = 2028-06-20
        to = 2028-07-10

        [[service]]
        code = "NM"
        [[service]]
        code = "NF"
        not_from = ["NOWHERE"]
        weeks = [1, 52]

        [[requirement]]
        service = "NF"
        min = 1
        scope = "residency"

        [[rule]]
        kind = "coverage"
        service = "NF"
        min = 1
    """, header=header)
    assert found == {
        "format": "format must be 1 or 2 (got 3)",
        "program.final_level.IR": "unknown level 'R9'",
        "program.holidays[0]": "2027-06-30 is outside the year (2027-07-01 to 2028-06-30)",
        "rotation[3].split": ("a split rotation needs split blocks switched on "
                              "(program.split_blocks = true)"),
        "resident[2].level": "R3 is above the DR track's final level R2",
        "blackout[1].from": "overlaps blackout[0] (2027-12-20 to 2028-01-02) for all "
                            "residents, whom both bind",
        "blackout[2].to": "2028-07-10 is outside the year (2027-07-01 to 2028-06-30)",
        "service[0].code": "'NM' is already a rotation code",
        "service[1].not_from[0]": "unknown rotation or group 'NOWHERE'",
        "service[1].weeks[1]": "week 52 is outside the year (1-51)",
        "requirement[0].scope": 'a requirement on a service counts weeks of this year: scope '
                                'must be "year"',
        "rule[0].service": "this entry cannot name a service",
    }


def test_a_request_about_a_service_names_weeks_not_blocks():
    found = errors_of("""
        [[service]]
        code = "NF"
        [[request]]
        resident = "ahmed"
        kind = "avoid"
        service = "NF"
        blocks = [1]
        [[request]]
        resident = "ahmed"
        kind = "assign"
        rotation = "NM"
        weeks = [2027-12-20]
    """)
    assert found == {
        "request[0].blocks": "a request about a service names weeks (dates), not blocks",
        "request[0].weeks": "a request about a service needs weeks (dates)",
        "request[1].weeks": "weeks (dates) are for requests about a service; a rotation or "
                            "group takes blocks",
        "request[1].blocks": "missing required key 'blocks'",
    }


def test_a_service_code_may_not_be_a_group_name_either():
    found = errors_of('[[service]]\ncode = "ICU"\n')
    assert found == {"service[0].code": "'ICU' is already a group name"}


def test_overlapping_blackouts_name_the_residents_both_bind():
    """Board-exam weeks inside a blackout for everyone overlap only for the R3s, and the
    message says so (not 'the same residents'); blackouts for different residents may
    overlap."""
    found = errors_of("""
        [[blackout]]
        name = "Year end"
        from = 2028-06-12
        to = 2028-06-25
        [[blackout]]
        name = "Board exam"
        from = 2028-05-29
        to = 2028-06-16
        levels = ["R3"]
        [[blackout]]
        from = 2028-06-01
        to = 2028-06-05
        levels = ["R1"]
        tracks = ["IR"]
    """, header=HEADER.replace("format = 1", "format = 2"))
    assert found == {"blackout[1].from": "overlaps blackout[0] (2028-06-12 to 2028-06-25) for "
                                         "R3 residents, whom both bind"}


def test_lists_no_program_needs_are_refused_with_one_error_each():
    """A file with 400 holidays, 31 levels or 501 history entries is refused, one error on
    each list, its line found (an attacker's files: 300,000 holidays took ten minutes to
    refuse, 100,000 levels two minutes to accept)."""
    holidays = ", ".join(["2027-11-25"] * 400)
    levels = ", ".join(f'"L{i}"' for i in range(31))
    history = "\n".join(f'X{i} = 1' for i in range(501))
    header = HEADER.replace('levels = ["R1", "R2", "R3"]', f"levels = [{levels}]").replace(
        'calendar = "months"', f'calendar = "months"\nholidays = [{holidays}]')
    text = header + ROTATIONS + RESIDENTS + "[resident.history]\n" + history + "\n"
    result = load_program_text(text)
    found = {e.path: e for e in result.errors}
    assert "at most 366 items" in found["program.holidays"].message
    assert "at most 30 items" in found["program.levels"].message
    assert "at most 500 items" in found["resident[1].history"].message
    assert found["program.holidays"].line == 6
    assert len(result.errors) == 3, result.errors


def test_a_byte_order_mark_before_the_file_is_not_part_of_it(tmp_path):
    """Windows editors write one; the file reads as without it (an outside tester's file got
    'Invalid statement' at line 1)."""
    text = HEADER + ROTATIONS + RESIDENTS
    path = tmp_path / "program.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = load_program_file(str(path))
    assert result.ok, result.errors
    assert load_program_text("\ufeff" + text).ok


def test_an_invalid_entry_is_still_checked_across_the_file_and_named_only_once():
    """Every error at once (an outside tester's files): a rotation whose `min_present` is
    wrong is still the rotation a requirement names (no "unknown rotation"), and a wrong key
    of [program] does not hide a level listed twice, a final level that is not a level or a
    date outside the year; a key found wrong is not complained of again at its default."""
    header = HEADER.replace('levels = ["R1", "R2", "R3"]', 'levels = ["R1", "R3", "R2", "R2"]') \
        .replace("format = 1", "format = 2") + "change_weight = -1\nfinal_level = {IR = \"R7\"}\n"
    body = """
    [[rotation]]
    code = "B"
    min_present = -1
    [[requirement]]
    rotation = "B"
    min = 1
    [[requirement]]
    rotation = "NM"
    min = 1
    weight = -2
    hard = false
    [[request]]
    kind = "vacation"
    resident = "ahmed"
    weeks = [2026-01-01]
    """
    found = errors_of(body, header=header)
    assert set(found) == {"rotation[3].min_present", "program.change_weight",
                          "program.levels[3]", "program.final_level.IR",
                          "requirement[1].weight", "request[0].weeks[0]"}, found
    assert found["program.levels[3]"] == "duplicate level 'R2'"
    assert found["program.final_level.IR"] == "unknown level 'R7'"
    assert "outside the year" in found["request[0].weeks[0]"]


# -- choices the contract left open (docs/program-format.md) ----------------------------------


def test_a_program_must_name_its_levels_and_tracks():
    header = HEADER.replace('tracks = ["IR", "DR"]\n', "").replace(
        'levels = ["R1", "R2", "R3"]\n', "")
    found = errors_of(header=header)
    assert found["program.levels"] == "missing required key 'levels'"
    assert found["program.tracks"] == "missing required key 'tracks'"


def test_a_format_1_file_may_use_format_2_keys_with_their_meaning():
    header = HEADER + "holidays = [2027-11-25]\nsplit_blocks = true\n"
    result = load(header=header)
    assert result.ok, result.errors
    assert result.program.info.holidays == [date(2027, 11, 25)]
    assert not result.program.calendar.is_working_day(date(2027, 11, 25))


def test_history_keyed_by_a_group_counts_for_the_group_not_for_its_member_rotations():
    result = load('[[resident]]\nid = "c"\nlevel = "R3"\ntrack = "IR"\n'
                  'history = { ICU = 2, SICU = 1 }\n')
    assert result.ok, result.errors
    program = result.program
    resident = program.residents[2]
    assert program.history_count(resident, "ICU") == 3    # the group's own and SICU's
    assert program.history_count(resident, "SICU") == 1   # which member it was is unknown
    assert program.history_count(resident, "MICU") == 0
