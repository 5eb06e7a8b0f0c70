"""`python -m bench.run --programs DIR`: program files of other shapes, timed with the engine
and the plain model in the same run, in a table of their own."""

from __future__ import annotations

from bench.run import main

SMALL = """\
# Three residents, two rotations (invented names)
format = 2
[program]
name = "Bench file"
year_start = 2027-07-01
calendar = "months"
levels = ["R1", "R2"]
tracks = ["DR"]
vacation_weeks = 1

[[rotation]]
code = "BODY"
min_present = 1
[[rotation]]
code = "NEURO"
max = 2

[[resident]]
id = "ann"
level = "R1"
track = "DR"
[[resident]]
id = "ben"
level = "R1"
track = "DR"
[[resident]]
id = "cy"
level = "R2"
track = "DR"

[[request]]
resident = "ann"
kind = "assign"
rotation = "NEURO"
blocks = [1]
weight = 3
"""

# BODY must hold four residents on every working day, and the program has three
NO_SCHEDULE = SMALL.replace("min_present = 1", "min_present = 4", 1) \
    .replace('name = "Bench file"', 'name = "Bench file, no schedule"')


def test_every_file_is_solved_by_both_models_and_reported_with_its_ratio(tmp_path, capsys):
    programs = tmp_path / "programs"
    programs.mkdir()
    (programs / "b1-small.toml").write_text(SMALL)
    (programs / "b2-none.toml").write_text(NO_SCHEDULE)
    out = tmp_path / "bench.md"
    assert main(["--families", "", "--programs", str(programs), "--time-limit", "10",
                 "--out", str(out)]) == 0
    text = out.read_text()
    section = text.split(f"## Programs of other shapes ({programs})", 1)[1]
    section = section.split("### Every run", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in section.splitlines()
            if line.startswith("| b")}
    assert "OPTIMAL" in rows["b1-small"] and "x |" in rows["b1-small"]
    # no schedule: both models prove it, and the proofs are compared
    assert rows["b2-none"].split("|")[10].strip() == "INFEASIBLE"
    assert rows["b2-none"].split("|")[16].strip() == "INFEASIBLE -"
    assert "x |" in rows["b2-none"]


def test_an_invalid_file_stops_the_run_with_what_is_wrong(tmp_path, capsys):
    programs = tmp_path / "programs"
    programs.mkdir()
    (programs / "bad.toml").write_text(SMALL.replace('calendar = "months"', 'calendar = "weeks"'))
    assert main(["--families", "", "--programs", str(programs), "--out", "-"]) == 2
    assert "bad.toml: not a valid program" in capsys.readouterr().err
