"""Names in a program file are normalised where they enter: look-alike spacing, full-width
letters and case never make a second name, references find what they name, and control or
invisible characters are refused with the path and the character."""

from __future__ import annotations

import pytest

from scheduler import load_program
from scheduler.identifiers import BadName, cleaned, name_key, normalise


@pytest.mark.parametrize("typed, kept", [
    ("Duke IR", "Duke IR"),
    ("  Duke IR ", "Duke IR"),
    ("Duke\u00a0IR\u00a0", "Duke IR"),           # no-break spaces
    ("Duke \u3000\u2003 IR", "Duke IR"),         # ideographic and em spaces
    ("ＤＵＫＥ ＩＲ", "DUKE IR"),                 # full-width letters
    ("Ellen Ö'Brien", "Ellen Ö'Brien"),          # real names stay as typed
    ("Ŝ\u0308", "Ŝ\u0308"),                      # combining marks are kept (composed form)
])
def test_names_are_kept_in_one_normal_form(typed, kept):
    assert normalise(typed) == normalise(kept) == kept.strip()


@pytest.mark.parametrize("typed, said", [
    ("Duke\nIR", "a line break at character 5"),
    ("Duke\r\nIR", "a carriage return at character 5"),
    ("Duke\tIR", "a tab"),
    ("Duke\u200bIR", "U+200B zero width space"),
    ("Duke\u200dIR", "U+200D zero width joiner"),
    ("\ufeffDuke", "U+FEFF"),
    ("Duke IR\u202e", "U+202E right-to-left override"),
    ("Duke\u2028IR", "U+2028 line separator"),
    ("Duke\x00IR", "U+0000"),
    ("Duke\x7fIR", "U+007F"),
])
def test_control_and_invisible_characters_are_refused_and_named(typed, said):
    with pytest.raises(BadName, match=said.replace("+", r"\+")):
        normalise(typed)
    assert refused_is_removed_by_cleaned(typed)


def refused_is_removed_by_cleaned(typed: str) -> bool:
    return cleaned(typed) in {"DukeIR", "Duke", "Duke IR"}


def test_names_that_differ_in_case_or_spacing_share_one_key():
    assert len({name_key(n) for n in ("Duke IR", "duke ir", "DUKE\u00a0IR ", "ＤＵＫＥ ir")}) == 1
    assert name_key("Straße") == name_key("STRASSE")


def _file(**names: str) -> dict:
    return {
        "format": 1,
        "program": {"name": names.get("program", "Duke IR"), "year_start": _day(),
                    "levels": ["R1", names.get("level", "R2")], "tracks": ["IR"]},
        "rotation": [{"code": names.get("code", "IR"), "groups": [names.get("group", "ALL")],
                      "name": names.get("rotation_name", "Interventional")},
                     {"code": "DR", "groups": ["ALL"]}],
        "resident": [{"id": names.get("resident", "ash"), "level": "R1", "track": "IR",
                      "history": {names.get("history", "IR"): 1}}],
        "requirement": [{"rotation": names.get("target", "IR"), "min": 1}],
        "request": [{"resident": names.get("request_resident", "ash"), "kind": "avoid",
                     "group": names.get("request_group", "ALL"), "blocks": [3]}],
    }


def _day():
    from datetime import date

    return date(2027, 7, 1)


def test_a_program_file_keeps_every_name_normalised_and_references_still_match():
    loaded = load_program(_file(
        program="\u00a0Duke\u00a0\u00a0IR ", code="ＩＲ", group="ALL\u00a0", resident=" ash",
        history="IR\u00a0", target="IR ", request_resident="ash\u00a0", request_group=" ALL",
        rotation_name="Interventional\u00a0Radiology", level="R2\u00a0"))
    assert loaded.ok, loaded.errors
    program = loaded.program
    assert program.info.name == "Duke IR"
    assert program.info.levels == ["R1", "R2"]
    assert [r.code for r in program.rotations] == ["IR", "DR"]
    assert program.rotations[0].groups == ["ALL"]
    assert program.rotations[0].name == "Interventional Radiology"
    assert program.residents[0].id == "ash" and program.residents[0].history == {"IR": 1}
    assert program.requirements[0].rotation == "IR"
    assert program.requests[0].resident == "ash" and program.requests[0].group == "ALL"


def test_a_program_file_names_every_invisible_character_with_its_path():
    loaded = load_program(_file(program="Duke\u200bIR", code="I\nR", resident="ash\u202e",
                                target="IR\u2060", request_group="ALL\r"))
    assert not loaded.ok
    errors = {e.path: e.message for e in loaded.errors}
    assert "U+200B zero width space" in errors["program.name"]
    assert "a line break" in errors["rotation[0].code"]
    assert "U+202E" in errors["resident[0].id"]
    assert "U+2060 word joiner" in errors["requirement[0].rotation"]
    assert "a carriage return" in errors["request[0].group"]


def test_two_rotations_whose_codes_only_look_different_are_one_code_twice():
    raw = _file(code="ＤＲ")         # full-width DR: the same code as the second rotation
    loaded = load_program(raw)
    assert not loaded.ok
    assert any(e.path == "rotation[1].code" and "duplicate" in e.message.lower()
               for e in loaded.errors), loaded.errors
