"""`residency init-db` and `residency create-user` on a fresh SQLite database."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from web.cli import main


def run(args, db_path, **kwargs):
    env = {"RESIDENCY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"}
    return CliRunner().invoke(main, args, env=env, **kwargs)


def test_init_db_then_create_users(tmp_path):
    db_path = tmp_path / "fresh.db"
    result = run(["init-db"], db_path)
    assert result.exit_code == 0, result.output
    assert "database ready" in result.output

    result = run(["create-user", "ada.quill@example.org", "--program", "Duke IR",
                  "--role", "chief"], db_path, input="correct horse battery\n" * 2)
    assert result.exit_code == 0, result.output
    assert "created ada.quill@example.org: chief in Duke IR (new program)" in result.output

    result = run(["create-user", "ada.quill@example.org", "--program", "Duke IR",
                  "--role", "faculty", "--password", ""], db_path)
    assert result.exit_code == 0, result.output
    assert "updated ada.quill@example.org: faculty in Duke IR" in result.output

    roles = create_engine(f"sqlite:///{db_path}").connect().execute(
        text("SELECT role FROM membership ORDER BY role")).scalars().all()
    assert roles == ["chief", "faculty"]


def test_create_user_explains_a_refusal_and_changes_nothing(tmp_path):
    db_path = tmp_path / "fresh.db"
    run(["init-db"], db_path)
    result = run(["create-user", "ada.quill@example.org", "--program", "Duke IR",
                  "--role", "boss", "--password", "correct horse battery"], db_path)
    assert result.exit_code == 1
    assert "unknown role 'boss'" in result.output
    programs = create_engine(f"sqlite:///{db_path}").connect().execute(
        text("SELECT count(*) FROM program")).scalar()
    assert programs == 0


def test_the_engine_commands_are_there_too():
    result = CliRunner().invoke(main, ["--help"])
    for command in ("solve", "check", "init-db", "create-user", "serve"):
        assert command in result.output


def test_the_demo_loads_once_and_later_runs_keep_what_was_done(tmp_path):
    """`make run` runs `residency demo` every time: it must not wipe the work since."""
    db_path = tmp_path / "demo.db"
    first = run(["demo", "--time-limit", "5"], db_path)
    assert first.exit_code == 0, first.output
    assert "every password" in first.output
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE program SET change_weight = 7"))
    again = run(["demo", "--time-limit", "5"], db_path)
    assert again.exit_code == 0 and "kept as it is" in again.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT change_weight FROM program")).scalar() == 7
    refused = run(["demo", "--reset"], db_path, input="n\n")
    assert refused.exit_code == 1 and "Go on?" in refused.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT change_weight FROM program")).scalar() == 7
    reset = run(["demo", "--reset", "--yes", "--time-limit", "5"], db_path)
    assert reset.exit_code == 0, reset.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT change_weight FROM program")).scalar() != 7
    engine.dispose()
