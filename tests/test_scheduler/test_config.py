"""Installation settings: defaults, overrides, and clear errors for wrong keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.config import ConfigError, load_settings
from solver.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_config_file_is_valid_and_states_the_defaults():
    settings = load_settings(ROOT / "config.toml")
    assert settings.solver.time_limit == 60.0
    assert settings.solver.workers == 0
    assert settings.solver.explain_time_limit == 30.0


def test_a_missing_default_file_means_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RESIDENCY_CONFIG", raising=False)
    assert load_settings().solver.time_limit == 60.0


def test_environment_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "site.toml"
    path.write_text("[solver]\ntime_limit = 5\n")
    monkeypatch.setenv("RESIDENCY_CONFIG", str(path))
    assert load_settings().solver.time_limit == 5.0


def test_a_named_file_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("RESIDENCY_CONFIG", str(tmp_path / "nowhere.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings()


@pytest.mark.parametrize("text, where", [
    ("[solver]\ntime_limt = 5\n", "solver.time_limt"),
    ("[solver]\nworkers = -1\n", "solver.workers"),
    ("[solver]\nexplain_time_limit = 0\n", "solver.explain_time_limit"),
    ("[solvr]\n", "solvr"),
])
def test_wrong_keys_and_values_name_the_key(tmp_path, text, where):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
        load_settings(path)


def test_broken_toml_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[solver\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(path)


def test_the_command_line_takes_its_time_limit_from_the_settings(tmp_path):
    (tmp_path / "config.toml").write_text("[solver]\ntime_limit = -3\n")
    program = ROOT / "samples" / "duke.toml"
    done = subprocess.run([sys.executable, "-m", "solver.cli", "solve", str(program)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "solver.time_limit" in done.stderr


def test_upper_case_keys_are_the_web_apps_and_left_to_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('SQLALCHEMY_DATABASE_URI = "sqlite:///x.db"\n[solver]\nworkers = 2\n')
    assert load_settings(path).solver.workers == 2


def test_the_shipped_limits_are_the_defaults_and_a_file_over_one_is_invalid(tmp_path,
                                                                             monkeypatch):
    """F3: limits on the size of a program, named with their value when exceeded."""
    from scheduler import load_program_text
    from scheduler.limits import DEFAULT_LIMITS

    assert load_settings(ROOT / "config.toml").limits == DEFAULT_LIMITS
    path = tmp_path / "site.toml"
    path.write_text("[limits]\nresidents = 2\nrotations = 1\n")
    monkeypatch.setenv("RESIDENCY_CONFIG", str(path))
    limits = load_settings().limits
    residents = "".join(f'[[resident]]\nid = "r{i}"\nlevel = "R1"\ntrack = "IR"\n'
                        for i in range(3))
    text = ('format = 1\n[program]\nname = "P"\nyear_start = 2027-07-01\nlevels = ["R1"]\n'
            'tracks = ["IR"]\n[[rotation]]\ncode = "IR"\n' + residents)
    loaded = load_program_text(text, limits=limits)
    assert [e.as_dict() for e in loaded.errors] == [{
        "path": "resident", "message": "3 resident entries; this installation takes at most 2 "
                                       "per program (limits.residents in config.toml)"}]
    assert load_program_text(text).ok     # the defaults take it

    program = tmp_path / "program.toml"
    program.write_text(text)
    result = CliRunner().invoke(main, ["solve", str(program), "--quiet"])
    assert result.exit_code == 2
    answer = json.loads(result.stdout)
    assert answer["status"] == "INVALID"
    assert "limits.residents in config.toml" in answer["errors"][0]["message"]


def test_format_2_sections_have_their_limits_too():
    from scheduler import load_program_text
    from scheduler.limits import Limits

    services = "".join(f'[[service]]\ncode = "S{i}"\n' for i in range(3))
    text = ('format = 2\n[program]\nname = "P"\nyear_start = 2027-07-01\nlevels = ["R1"]\n'
            'tracks = ["IR"]\n[[rotation]]\ncode = "IR"\n' + services)
    loaded = load_program_text(text, limits=Limits(services=2))
    assert [e.as_dict() for e in loaded.errors] == [{
        "path": "service", "message": "3 service entries; this installation takes at most 2 "
                                      "per program (limits.services in config.toml)"}]
    assert load_program_text(text).ok
