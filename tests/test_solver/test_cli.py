"""The `residency` command line: solve and check, exit codes, outputs, re-solving."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.cli import main

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """\
format = 1

[program]
name = "CLI program"
year_start = 2027-07-01
calendar = "{calendar}"
levels = ["R1", "R2"]
tracks = ["IR"]
vacation_weeks = 2

[[rotation]]
code = "A"
min = 1
[[rotation]]
code = "B"

[[resident]]
id = "ann"
level = "R1"
track = "IR"
[[resident]]
id = "bob"
level = "R2"
track = "IR"

[[request]]
resident = "ann"
kind = "vacation"
weeks = [2027-12-20]
hard = true

[[request]]
resident = "bob"
kind = "assign"
rotation = "A"
blocks = [1, 2]
weight = 3

[[request]]
resident = "bob"
kind = "avoid"
rotation = "A"
blocks = [2]
weight = 5
"""

INFEASIBLE = """\
format = 1
[program]
name = "Too small"
year_start = 2027-07-01
levels = ["R1"]
tracks = ["IR"]
[[rotation]]
code = "A"
max = 1
[[rotation]]
code = "B"
max = 1
[[resident]]
id = "a"
level = "R1"
track = "IR"
[[resident]]
id = "b"
level = "R1"
track = "IR"
[[resident]]
id = "c"
level = "R1"
track = "IR"
"""

INVALID = """\
format = 1
[program]
name = "Broken"
year_start = 2027-07-03
levels = ["R1"]
tracks = ["IR"]
[[rotation]]
code = "A"
mim = 1
[[resident]]
id = "a"
level = "R9"
track = "IR"
[[requirement]]
rotation = "SICUU"
min = 1
"""

FIELDS = {"format", "program", "status", "objective", "best_bound", "wall_time_s", "blocks",
          "residents", "unmet_requests", "conflicts", "errors"}


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "program.toml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def solve_json(*args: str) -> tuple[int, dict, str]:
    result = run("solve", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


# -- solve -----------------------------------------------------------------------------------------


def test_solve_prints_a_schedule_file_and_exits_0(write):
    code, data, err = solve_json(write(PROGRAM.format(calendar="months")), "--time-limit", "20")
    assert code == 0
    assert FIELDS <= set(data)
    assert data["format"] == 2
    assert data["program"] == "CLI program"
    assert data["status"] == "OPTIMAL"
    assert data["objective"] == 3  # bob cannot be on A in block 2 and avoid it: weight 3 lost
    assert data["best_bound"] == 3
    assert isinstance(data["wall_time_s"], (int, float)) and data["wall_time_s"] >= 0
    assert data["blocks"][0] == {"index": 1, "start": "2027-07-01", "end": "2027-07-31"}
    assert len(data["blocks"]) == 12
    assert set(data["residents"]) == {"ann", "bob"}
    ann = data["residents"]["ann"]
    assert len(ann["rotations"]) == 12
    assert 25 in ann["vacation_weeks"] and len(ann["vacation_weeks"]) == 2
    assert data["unmet_requests"] == [1]
    assert data["conflicts"] == []
    assert data["errors"] == []
    assert "OPTIMAL" in err


def test_solve_writes_the_schedule_to_a_file_with_o(write, tmp_path):
    out = tmp_path / "schedule.json"
    result = run("solve", write(PROGRAM.format(calendar="4-week")), "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "OPTIMAL"
    assert len(data["blocks"]) == 13
    assert len(data["residents"]["bob"]["rotations"]) == 13
    assert "OPTIMAL" in result.stderr


def test_quiet_solve_says_nothing_on_stderr(write):
    result = run("solve", "--quiet", write(PROGRAM.format(calendar="months")))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["status"] == "OPTIMAL"


def test_solve_csv_has_one_row_per_resident_and_block(write):
    result = run("solve", "--format", "csv", "--quiet", write(PROGRAM.format(calendar="months")))
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["resident", "block", "start", "end", "rotation", "vacation_weeks",
                       "services"]
    body = rows[1:]
    assert len(body) == 24
    ann = [r for r in body if r[0] == "ann"]
    assert [r[1] for r in ann] == [str(b) for b in range(1, 13)]
    assert ann[0][2:4] == ["2027-07-01", "2027-07-31"]
    assert ann[5][2:4] == ["2027-12-01", "2027-12-31"]
    assert all(r[4] in ("A", "B") for r in body)
    # ann's two vacation weeks are listed in their blocks, week 25 in December.
    assert "25" in ann[5][5].split()
    assert sum(len(r[5].split()) for r in ann) == 2


def test_solve_csv_to_a_file(write, tmp_path):
    out = tmp_path / "schedule.csv"
    program = write(PROGRAM.format(calendar="4-week"))
    result = run("solve", "--format", "csv", "-o", str(out), program)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 1 + 2 * 13
    assert rows[-1][1:4] == ["13", "2028-06-01", "2028-06-30"]


def test_infeasible_exits_1_with_conflicts(write):
    code, data, err = solve_json(write(INFEASIBLE))
    assert code == 1
    assert FIELDS <= set(data)
    assert data["status"] == "INFEASIBLE"
    assert data["residents"] == {}
    assert data["objective"] is None
    assert {c["source"] for c in data["conflicts"]} == {"rotation[0].max", "rotation[1].max"}
    assert all(c["message"] for c in data["conflicts"])
    assert data["errors"] == []
    assert "rotation[0].max" in err


def test_infeasible_with_csv_format_still_exits_1(write):
    result = run("solve", "--format", "csv", "--quiet", write(INFEASIBLE))
    assert result.exit_code == 1


def test_invalid_program_exits_2_and_lists_every_error(write):
    code, data, err = solve_json(write(INVALID))
    assert code == 2
    assert FIELDS <= set(data)
    assert data["status"] == "INVALID"
    assert data["residents"] == {}
    assert data["conflicts"] == []
    paths = {e["path"] for e in data["errors"]}
    assert paths == {"program.year_start", "rotation[0].mim", "resident[0].level",
                     "requirement[0].rotation"}
    assert all(e["message"] for e in data["errors"])
    assert "INVALID" in err
    assert "requirement[0].rotation" in err


def test_invalid_program_written_with_o(write, tmp_path):
    out = tmp_path / "schedule.json"
    result = run("solve", "-o", str(out), write(INVALID))
    assert result.exit_code == 2
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "INVALID"


def test_not_toml_is_invalid(write):
    code, data, _ = solve_json(write("this is [not toml"))
    assert code == 2
    assert data["status"] == "INVALID"
    assert data["errors"][0]["path"] == ""
    assert "TOML" in data["errors"][0]["message"]


def test_missing_program_file_is_invalid(tmp_path):
    code, data, _ = solve_json(str(tmp_path / "absent.toml"))
    assert code == 2
    assert data["status"] == "INVALID"
    assert data["errors"]


def test_wrong_format_number_is_invalid(write):
    code, data, _ = solve_json(write(PROGRAM.format(calendar="months").replace("format = 1",
                                                                               "format = 3")))
    assert code == 2
    assert [e["path"] for e in data["errors"]] == ["format"]


def test_real_command_in_a_subprocess(write):
    path = write(PROGRAM.format(calendar="months"))
    done = subprocess.run([sys.executable, "-m", "solver.cli", "solve", path, "--workers", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "OPTIMAL"
    assert data["objective"] == 3
    assert "penalty 3" in done.stderr
    done = subprocess.run([sys.executable, "-m", "solver.cli", "solve", write(INVALID, "bad.toml")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert json.loads(done.stdout)["status"] == "INVALID"


# -- re-solving --------------------------------------------------------------------------------


def test_resolve_with_previous_keeps_frozen_blocks(write, tmp_path):
    first = tmp_path / "first.json"
    assert run("solve", "-o", str(first), write(PROGRAM.format(calendar="months"))).exit_code == 0
    old = json.loads(first.read_text(encoding="utf-8"))
    # The program changes: bob now must be on B all year from block 4.
    changed = PROGRAM.format(calendar="months") + """
[[request]]
resident = "bob"
kind = "avoid"
rotation = "A"
blocks = [4, 5, 6, 7, 8, 9, 10, 11, 12]
hard = true
"""
    code, data, _ = solve_json(write(changed, "changed.toml"), "--previous", str(first),
                               "--freeze-through", "3")
    assert code == 0
    for rid in ("ann", "bob"):
        assert data["residents"][rid]["rotations"][:3] == old["residents"][rid]["rotations"][:3]
        frozen_old = [w for w in old["residents"][rid]["vacation_weeks"] if w <= 13]
        frozen_new = [w for w in data["residents"][rid]["vacation_weeks"] if w <= 13]
        assert frozen_new == frozen_old  # weeks 1-13 start in July-September
    assert data["residents"]["bob"]["rotations"][3:] == ["B"] * 9
    assert data["residents"]["ann"]["rotations"][3:] == ["A"] * 9
    moved = sum(a != b for rid in ("ann", "bob") for a, b in zip(
        data["residents"][rid]["rotations"], old["residents"][rid]["rotations"], strict=True))
    assert data["objective"] == 3 + moved


@pytest.mark.parametrize("value", ["-1", "13"])
def test_freeze_through_outside_the_year_is_invalid(write, tmp_path, value):
    first = tmp_path / "first.json"
    program = write(PROGRAM.format(calendar="months"))
    assert run("solve", "-o", str(first), program).exit_code == 0
    code, data, _ = solve_json(program, "--previous", str(first), "--freeze-through", value)
    assert code == 2
    assert data["status"] == "INVALID"
    assert [e["path"] for e in data["errors"]] == ["freeze_through"]


def test_freeze_through_13_is_fine_in_a_four_week_calendar(write, tmp_path):
    first = tmp_path / "first.json"
    program = write(PROGRAM.format(calendar="4-week"))
    assert run("solve", "-o", str(first), program).exit_code == 0
    code, data, _ = solve_json(program, "--previous", str(first), "--freeze-through", "13")
    assert code == 0
    old = json.loads(first.read_text(encoding="utf-8"))
    assert data["residents"] == old["residents"]


def test_freeze_through_without_previous_is_invalid(write):
    code, data, _ = solve_json(write(PROGRAM.format(calendar="months")), "--freeze-through", "2")
    assert code == 2
    assert data["status"] == "INVALID"
    assert [e["path"] for e in data["errors"]] == ["freeze_through"]


def test_freeze_through_not_a_number_is_a_usage_error(write):
    result = run("solve", write(PROGRAM.format(calendar="months")), "--freeze-through", "three")
    assert result.exit_code == 2


def test_previous_that_is_not_json_is_invalid(write):
    code, data, _ = solve_json(write(PROGRAM.format(calendar="months")),
                               "--previous", write("{oops", "old.json"), "--freeze-through", "1")
    assert code == 2
    assert data["status"] == "INVALID"
    assert data["errors"][0]["path"].startswith("previous")


def test_a_previous_schedule_that_cannot_be_kept_is_invalid_and_says_why(write, tmp_path):
    """A re-solve keeps what the previous schedule says: a file of another calendar, one
    without a schedule, another program's, or one whose kept blocks name a rotation the
    program no longer has is refused, naming why, instead of an INFEASIBLE answer that
    blames "keeps the previous schedule" or a solve that keeps nothing (an outside
    tester's re-solves)."""
    months = write(PROGRAM.format(calendar="months"))
    first = tmp_path / "first.json"
    assert run("solve", "-o", str(first), months).exit_code == 0
    solved = json.loads(first.read_text(encoding="utf-8"))

    def errors(program: str, data: dict) -> dict[str, str]:
        old = write(json.dumps(data), "old.json")
        code, answer, _ = solve_json(program, "--previous", old, "--freeze-through", "2")
        assert code == 2 and answer["status"] == "INVALID"
        return {e["path"]: e["message"] for e in answer["errors"]}

    four_weeks = write(PROGRAM.format(calendar="4-week"), "four.toml")
    assert "another calendar" in errors(four_weeks, solved)["previous.blocks"]
    assert "holds no schedule" in errors(months, {**solved, "status": "INFEASIBLE"})[
        "previous.status"]
    strangers = {**solved, "program": "Elsewhere", "residents": {
        "zed": solved["residents"]["ann"]}}
    assert "a schedule of 'Elsewhere'" in errors(months, strangers)["previous.residents"]
    renamed = {**solved, "residents": {**solved["residents"], "ann": {
        **solved["residents"]["ann"], "rotations": ["OLD", "OLD"] + ["A"] * 10}}}
    assert errors(months, renamed)["previous.residents.ann.rotations[0]"] == (
        "OLD in blocks 1-2, to be kept, but the program has no rotation OLD any more")


# -- check ---------------------------------------------------------------------------------------


def test_check_a_solved_schedule_exits_0(write, tmp_path):
    program = write(PROGRAM.format(calendar="months"))
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 0
    result = run("check", program, str(out))
    assert result.exit_code == 0
    assert "valid" in result.stdout
    assert "penalty 3" in result.stdout
    assert "1 request(s) unmet" in result.stdout


def test_check_a_hand_edited_schedule_exits_1(write, tmp_path):
    program = write(PROGRAM.format(calendar="months"))
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["residents"]["ann"]["rotations"] = ["B"] * 12
    data["residents"]["bob"]["rotations"] = ["B"] * 12
    data["residents"]["ann"]["vacation_weeks"] = [1, 2]
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 1
    assert "NOT valid" in result.stdout
    assert "BROKEN  rotation[0].min" in result.stdout
    assert "BROKEN  program.max_vacation_weeks_per_block" in result.stdout
    assert "BROKEN  request[0]" in result.stdout


def test_check_says_what_a_schedule_file_claims_untruly(write, tmp_path):
    """A file whose rotations keep every rule but which says a lower penalty than they cost,
    no unmet request, a block starting on another day, a week not starting on a Monday, or
    INFEASIBLE beside a schedule is not valid; each untrue claim is named (an outside
    tester's edited files). A week listed twice is a file error."""
    program = write(PROGRAM.format(calendar="months"))
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 0
    solved = json.loads(out.read_text(encoding="utf-8"))
    assert solved["objective"] == 3 and solved["unmet_requests"]
    edits = {
        "objective": lambda d: d.update(objective=1, best_bound=1),
        "unmet_requests": lambda d: d.update(unmet_requests=[]),
        "blocks[3]": lambda d: d["blocks"][3].update(start="2027-10-04"),
        "weeks[0]": lambda d: d["weeks"][0].update(start="2027-07-06"),
        "status": lambda d: d.update(status="INFEASIBLE"),
    }
    for source, edit in edits.items():
        data = json.loads(json.dumps(solved))
        edit(data)
        out.write_text(json.dumps(data), encoding="utf-8")
        result = run("check", program, str(out))
        assert result.exit_code == 1, (source, result.stdout)
        assert f"UNTRUE  {source}: " in result.stdout, (source, result.stdout)
        assert "0 hard rule(s) broken, " in result.stdout
    data = json.loads(json.dumps(solved))
    data["residents"]["ann"]["vacation_weeks"] += data["residents"]["ann"]["vacation_weeks"][:1]
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 2 and "listed twice" in result.stderr


def test_check_holds_an_optimal_file_to_its_total_and_bound(write, tmp_path):
    """A file that says OPTIMAL but gives no objective, or no bound, claims a proof it does
    not show: each is named untrue (an outside tester's file passed as valid)."""
    program = write(PROGRAM.format(calendar="months"))
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 0
    solved = json.loads(out.read_text(encoding="utf-8"))
    assert solved["status"] == "OPTIMAL"
    for key, edit in (("objective", {"objective": None}), ("best_bound", {"best_bound": None}),
                      ("best_bound", {"best_bound": "drop"})):
        data = {**solved, **edit}
        if edit.get("best_bound") == "drop":
            del data["best_bound"]
        out.write_text(json.dumps(data), encoding="utf-8")
        result = run("check", program, str(out))
        assert result.exit_code == 1, result.stdout
        assert f"UNTRUE  {key}: not given, though the file says OPTIMAL" in result.stdout
    out.write_text(json.dumps({**solved, "status": "FEASIBLE", "best_bound": None}),
                   encoding="utf-8")
    assert run("check", program, str(out)).exit_code == 0   # claims no proof
    # a format-1 file's total was counted on its own weeks: it is not compared, so not asked
    out.write_text(json.dumps({**solved, "format": 1, "weeks": [], "objective": None}),
                   encoding="utf-8")
    assert run("check", program, str(out)).exit_code == 0
    # conflicts of any shape beside a schedule are no reason to refuse the file
    out.write_text(json.dumps({**solved, "conflicts": None}), encoding="utf-8")
    assert run("check", program, str(out)).exit_code == 0
    out.write_text(json.dumps({**solved, "conflicts": ["rotation[0]", 3]}), encoding="utf-8")
    assert run("check", program, str(out)).exit_code == 0
    out.write_text(json.dumps({**solved, "status": "DONE"}), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 1
    assert "UNTRUE  status: 'DONE' is no status of a schedule file (OPTIMAL, " in result.stdout


def test_check_of_a_file_without_a_schedule_says_so_and_checks_its_conflicts(write, tmp_path):
    """An INFEASIBLE answer holds no schedule: `check` says that, lists the conflict it
    names, and exits 1 (no valid schedule), instead of calling each resident's missing
    schedule a broken rule. A conflict naming an entry the program does not have is
    untrue."""
    program = write(INFEASIBLE)
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 1
    answer = json.loads(out.read_text(encoding="utf-8"))
    assert answer["status"] == "INFEASIBLE" and answer["conflicts"]
    result = run("check", program, str(out))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "NO SCHEDULE  the file says INFEASIBLE: it holds no schedule to check"
    assert [line.split(":")[0] for line in lines[1:-1]] == [
        f"CONFLICT  {c['source']}" for c in answer["conflicts"]]
    assert lines[-1] == f"no schedule: INFEASIBLE, {len(answer['conflicts'])} conflict(s) named"
    assert "BROKEN" not in result.stdout
    answer["conflicts"] += [{"source": "rotation[40].min", "message": "made up"},
                            {"source": "nonsense", "message": "made up"}]
    out.write_text(json.dumps(answer), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 1
    n = len(answer["conflicts"])
    assert f"UNTRUE  conflicts[{n - 2}]: names 'rotation[40].min', which the program does " \
           "not have" in result.stdout
    assert f"UNTRUE  conflicts[{n - 1}]: names 'nonsense'" in result.stdout
    # its dates and its status are what it says of itself too
    answer["blocks"][0]["start"] = "2027-07-02"
    answer["status"] = "IMPOSSIBLE"
    out.write_text(json.dumps(answer), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 1
    assert "UNTRUE  blocks[0]: block 1 is 2027-07-02 to " in result.stdout
    assert "UNTRUE  status: 'IMPOSSIBLE' is no status of a schedule file" in result.stdout


def test_check_a_schedule_with_unknown_residents_is_not_valid(write, tmp_path):
    program = write(PROGRAM.format(calendar="months"))
    out = tmp_path / "schedule.json"
    assert run("solve", "-o", str(out), program).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["residents"]["zoe"] = {"rotations": ["A"] * 12, "vacation_weeks": []}
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", program, str(out))
    assert result.exit_code == 1
    assert "residents.zoe" in result.stdout


def test_check_with_invalid_files_exits_2(write):
    program = write(PROGRAM.format(calendar="months"))
    assert run("check", program, write("not json", "s.json")).exit_code == 2
    schedule = write(json.dumps({"residents": {}}), "empty.json")
    assert run("check", write(INVALID, "bad.toml"), schedule).exit_code == 2


def test_check_against_a_previous_schedule(write, tmp_path):
    program = write(PROGRAM.format(calendar="months"))
    first = tmp_path / "first.json"
    assert run("solve", "-o", str(first), program).exit_code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    swapped = "B" if data["residents"]["bob"]["rotations"][0] == "A" else "A"
    data["residents"]["bob"]["rotations"][0] = swapped
    edited = write(json.dumps(data), "edited.json")
    frozen = run("check", program, edited, "--previous", str(first), "--freeze-through", "1")
    assert frozen.exit_code == 1
    assert "previous.residents.bob" in frozen.stdout
    free = run("check", program, edited, "--previous", str(first))
    assert "previous.residents.bob" in free.stdout
    assert "frozen" not in free.stdout
    bad = run("check", program, edited, "--previous", str(first), "--freeze-through", "99")
    assert bad.exit_code == 2


def test_an_error_that_points_to_another_entry_counts_it_from_1_as_its_place_does(write):
    """'blackout 2, from: overlaps blackout 1', not 'overlaps blackout[0]' beside it."""
    code, _, err = solve_json(write(INVALID.replace("format = 1", "format = 2").replace(
        "[[rotation]]", """[[blackout]]
from = 2027-07-05
to = 2027-07-20
[[blackout]]
from = 2027-07-10
to = 2027-07-30
[[rotation]]""", 1)))
    assert code == 2
    line = next(line for line in err.splitlines() if "overlaps" in line)
    assert "blackout 2, from: overlaps blackout 1 (" in line, line
    assert line.endswith("(blackout[1].from)")


def test_an_invalid_program_still_names_itself_in_the_schedule_file(write):
    """The INVALID answer carries the program's name the file gives (normalised), so that a
    chief who solves several files knows which one it is."""
    code, data, _ = solve_json(write(INVALID.replace('name = "Broken"',
                                                     'name = "  Broken   program "')))
    assert code == 2 and data["status"] == "INVALID"
    assert data["program"] == "Broken program"


def test_a_re_solved_file_checks_true_with_or_without_its_previous_schedule(write, tmp_path):
    """A re-solve's objective counts its change costs: checked without the previous
    schedule, the file's own list of them stands in (an outside reviewer found its own
    re-solved files called untrue)."""
    program = write(PROGRAM.format(calendar="months"))
    first = tmp_path / "first.json"
    assert run("solve", "-o", str(first), program).exit_code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    for rid in ("ann", "bob"):   # a previous year that leaves A without its resident
        data["residents"][rid]["rotations"] = ["B"] * 12
    old = write(json.dumps(data), "old.json")
    again = tmp_path / "again.json"
    assert run("solve", "-o", str(again), program, "--previous", old).exit_code == 0
    solved = json.loads(again.read_text(encoding="utf-8"))
    assert any(p["source"].startswith("previous") for p in solved["penalties"])
    with_it = run("check", program, str(again), "--previous", old)
    assert with_it.exit_code == 0, with_it.stdout
    without = run("check", program, str(again))
    assert without.exit_code == 0, without.stdout


def test_the_command_line_starts_without_pandas_and_leaves_the_real_one_to_whoever_asks(
        write, tmp_path):
    """OR-Tools' cp_model imports pandas, a third of the command line's start-up; the solver
    imports it with a stand-in (solver/__init__.py). A solve from the command line never
    loads pandas, and a program that imports pandas after the solver gets the real one."""
    solved = subprocess.run(
        [sys.executable, "-c", "import atexit, sys; atexit.register(lambda: print(sorted("
         "m for m in sys.modules if m.split('.')[0] == 'pandas'))); "
         "from solver.cli import main; "
         "main(['solve', sys.argv[1], '--quiet', '--time-limit', '20', '-o', "
         "sys.argv[2]])", write(PROGRAM.format(calendar="months")),
         str(tmp_path / "schedule.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert solved.returncode == 0, solved.stderr
    assert solved.stdout.strip() == "[]"
    assert json.loads((tmp_path / "schedule.json").read_text())["status"] == "OPTIMAL"
    later = subprocess.run(
        [sys.executable, "-c", "import solver.engine, pandas; "
         "print(pandas.DataFrame({'a': [1, 2]})['a'].sum())"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert later.stdout.strip() == "3", later.stderr
