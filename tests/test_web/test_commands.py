"""`residency init-db`, `create-user` and `reset-password` on a fresh SQLite database."""

from __future__ import annotations

from datetime import date

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
    assert "director@millbrook.example" in first.output    # the second program's people
    year = date.today().year - (date.today().month < 7)     # the year holding today
    assert f"academic year {year}-07-01 to {year + 1}-06-30" in first.output
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE program SET change_weight = 7"))
    again = run(["demo", "--time-limit", "5"], db_path)
    assert again.exit_code == 0 and "kept as it is" in again.output
    assert "director@millbrook.example" in again.output
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


def test_accounts_made_or_reset_on_the_command_line_choose_their_own_password_first(tmp_path):
    """A password typed by an administrator is temporary (unless it is their own account):
    the person is sent to choose their own before any page; resetting someone's password
    also ends their sessions."""
    from web_support import csrf_token, sign_in

    from web import create_app
    from web.extensions import db

    db_path = tmp_path / "fresh.db"
    run(["init-db"], db_path)
    for email, extra in (("ines.okafor@example.org", []),
                         ("own.admin@example.org", ["--no-temporary"])):
        result = run(["create-user", email, "--program", "Duke IR", "--role", "chief",
                      "--password", "typed by the admin", *extra], db_path)
        assert result.exit_code == 0, result.output
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    browser, laptop = app.test_client(), app.test_client()

    def sent_to(client) -> str | None:
        response = client.get("/")
        return response.headers["Location"] if response.status_code == 302 else None

    sign_in(browser, "ines.okafor@example.org", "typed by the admin")
    assert sent_to(browser) == "/account/password?next=/"
    sign_in(laptop, "own.admin@example.org", "typed by the admin")
    assert sent_to(laptop) is None

    result = run(["reset-password", "own.admin@example.org", "--password",
                  "a temporary one"], db_path)
    assert result.exit_code == 0, result.output
    assert "they choose their own at their next sign-in" in result.output
    assert sent_to(laptop).startswith("/login")                 # signed out
    assert sign_in(laptop, "own.admin@example.org", "typed by the admin").status_code == 200
    sign_in(laptop, "own.admin@example.org", "a temporary one")
    assert sent_to(laptop) == "/account/password?next=/"
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account/password")})

    refused = run(["reset-password", "nobody@example.org", "--password", "a temporary one"],
                  db_path)
    assert refused.exit_code == 1 and "no account nobody@example.org" in refused.output
    with app.app_context():
        db.engine.dispose()


def test_create_user_refuses_an_address_sign_in_would_refuse_and_a_program_name_it_cannot_find(
        tmp_path):
    """'chief@riverbend.test' could never sign in (a reserved domain): refused, nothing
    made. The first program is made by naming it; once there is one, a name that matches
    none is refused (it is likely mistyped), saying which programs there are and the one
    meant, unless the person asks for a new program."""
    db_path = tmp_path / "fresh.db"
    run(["init-db"], db_path)
    result = run(["create-user", "chief@riverbend.test", "--program", "Riverbend IR",
                  "--role", "chief", "--password", "correct horse battery"], db_path)
    assert result.exit_code == 1
    assert "'chief@riverbend.test' is not an e-mail address anyone can sign in with" \
        in result.output
    result = run(["create-user", "ada.quill@example.org", "--program", "Riverbend IR",
                  "--role", "chief", "--password", "correct horse battery"], db_path)
    assert result.exit_code == 0 and "chief in Riverbend IR (new program)" in result.output
    result = run(["create-user", "bo.quill@example.org", "--program", "Rivrebend IR",
                  "--role", "chief", "--password", "correct horse battery"], db_path)
    assert result.exit_code == 1
    assert ("no program is named 'Rivrebend IR'; did you mean 'Riverbend IR'? The programs "
            "are: 'Riverbend IR'. To make a new program, add --new-program.") in result.output
    result = run(["create-user", "bo.quill@example.org", "--program", "riverbend ir",
                  "--new-program", "--role", "chief", "--password", "correct horse battery"],
                 db_path)
    assert result.exit_code == 1 and "a program named 'Riverbend IR' exists already" \
        in result.output
    result = run(["create-user", "bo.quill@example.org", "--program", "Riverbend DR",
                  "--new-program", "--role", "chief", "--password", "correct horse battery"],
                 db_path)
    assert result.exit_code == 0 and "chief in Riverbend DR (new program)" in result.output
