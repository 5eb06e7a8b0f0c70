"""Program names and other identifiers: a look-alike name is never a second program, a role is
granted in the program the access check resolved, and every entry point normalises names
(program file, settings page, set-up forms, roster CSV, command line) or refuses them on the
field with the character named."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError
from test_solving import TINY
from web_support import post_form, program_id, sign_in, upload

from web.cli import main
from web.extensions import db
from web.models import Membership, Program, Resident, Rotation, User

VICTIM = "Duke Radiology"
LOOK_ALIKES = [
    "Duke Radiology\u00a0",          # a trailing no-break space
    "Duke\u00a0Radiology",           # a no-break space inside
    "  Duke   Radiology ",           # runs of plain spaces
    "DUKE RADIOLOGY",                # another case
    "Ｄｕｋｅ Radiology",             # full-width letters
]
INVISIBLE = [
    ("Duke\u200bRadiology", "U+200B"),   # zero-width space
    ("Duke Radiology\u202e", "U+202E"),  # right-to-left override
    ("Duke\nRadiology", "a line break"),
    ("Duke\rRadiology", "a carriage return"),
    ("Duke\x07Radiology", "U+0007"),
]
SETTINGS = {"year_start": "2027-07-01", "calendar": "months", "levels": "R1, R2",
            "tracks": "IR", "vacation_weeks": "0", "max_vacation_weeks_per_block": "1",
            "change_weight": "1"}


def _program_file(name: str) -> str:
    return TINY.replace('name = "Tiny IR"', f'name = "{_toml_escape(name)}"', 1)


def _toml_escape(name: str) -> str:
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                   for c in name)


def _memberships(app, program: str) -> set[tuple[str, str]]:
    with app.app_context():
        return set(db.session.execute(
            select(User.email, Membership.role).join(Membership.user).join(Membership.program)
            .where(Program.name == program)).all())


@pytest.fixture
def two_programs(app, client, make_user):
    """Duke Radiology (its director: victim@) and an attacker who directs another program,
    signed in; the attacker's program id."""
    make_user("victim@example.org", VICTIM, "program_director")
    make_user("attacker@example.org", "Attacker Program", "program_director")
    sign_in(client, "attacker@example.org")
    pid = program_id(app, "Attacker Program")
    post_form(client, f"/programs/{pid}/settings", **SETTINGS, name="Attacker Program")
    return pid


def test_a_look_alike_program_cannot_take_roles_in_another(app, client, two_programs):
    pid = two_programs
    before = _memberships(app, VICTIM)
    for name in LOOK_ALIKES:
        page = upload(client, f"/programs/{pid}/import", "file", "program.toml",
                      _program_file(name)).get_data(as_text=True)
        assert "another program on this site is already called" in page, name
    for name, what in INVISIBLE:
        page = upload(client, f"/programs/{pid}/import", "file", "program.toml",
                      _program_file(name)).get_data(as_text=True)
        assert "program.name" in page and what in page, name

    # Whatever the attacker's program is called, a role they grant lands in it, and only it.
    response = post_form(client, f"/programs/{pid}/people", email="accomplice@example.org",
                         name="Ace Complice", role="program_director")
    assert response.status_code == 200          # the temporary password page
    assert _memberships(app, VICTIM) == before
    assert ("accomplice@example.org", "program_director") in _memberships(
        app, "Attacker Program")
    with app.app_context():
        assert [p.name for p in db.session.scalars(select(Program).order_by(Program.id))] == [
            VICTIM, "Attacker Program"]


def test_the_settings_page_normalises_the_name_and_refuses_a_look_alike(
        app, client, two_programs):
    pid = two_programs
    settings = f"/programs/{pid}/settings"
    fields = SETTINGS
    for name in LOOK_ALIKES:
        page = post_form(client, settings, name=name, **fields).get_data(as_text=True)
        assert f"another program is already called &#39;{VICTIM}&#39;" in page, name
    page = post_form(client, settings, name="Duke\u200bRadiology", **fields
                     ).get_data(as_text=True)
    assert "holds an invisible or control character (U+200B zero width space)" in page

    response = post_form(client, settings, name="\u00a0Durham\u3000 IR\u00a0", **fields)
    assert response.status_code == 302
    with app.app_context():
        program = db.session.get(Program, pid)
        assert (program.name, program.name_key) == ("Durham IR", "durham ir")


def test_set_up_forms_keep_codes_and_ids_normalised(app, client, two_programs):
    pid = two_programs
    response = post_form(client, f"/programs/{pid}/rotations/new", code="ＩＲ\u00a0",
                         name="Interventional\u00a0 Radiology", min="0", min_present="0",
                         vacation="y")
    assert response.status_code == 302
    page = post_form(client, f"/programs/{pid}/rotations/new", code="D\u200dR", min="0",
                     min_present="0").get_data(as_text=True)
    assert "U+200D zero width joiner" in page
    response = post_form(client, f"/programs/{pid}/residents/new", key="ash\u00a0",
                         name=" Ash\u00a0Pellow ", level="R1", track="IR")
    assert response.status_code == 302
    with app.app_context():
        rotation = db.session.scalar(select(Rotation).where(Rotation.program_id == pid))
        resident = db.session.scalar(select(Resident).where(Resident.program_id == pid))
        assert (rotation.code, rotation.name) == ("IR", "Interventional Radiology")
        assert (resident.key, resident.name) == ("ash", "Ash Pellow")


def test_a_roster_csv_with_an_invisible_character_names_the_row_and_column(
        app, client, two_programs):
    pid = two_programs
    roster = "id,name,level,track\nash,Ash Pellow,R1,IR\nbe\u200ba,Bea Moranti,R1,IR\n"
    page = upload(client, f"/programs/{pid}/residents/import", "file", "roster.csv", roster,
                  f"/programs/{pid}/residents").get_data(as_text=True)
    assert "row 3: id holds an invisible or control character (U+200B" in page
    with app.app_context():
        assert db.session.scalar(select(Resident.id).where(Resident.program_id == pid)) is None


def test_the_database_refuses_two_programs_whose_names_differ_only_in_case(app):
    with app.app_context():
        db.session.add(Program(name="Duke IR"))
        db.session.commit()
        db.session.add(Program(name="DUKE\u00a0ir"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_command_line_finds_the_program_a_look_alike_names(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args):
        return CliRunner().invoke(main, list(args), env={
            "RESIDENCY_SQLALCHEMY_DATABASE_URI": url})

    assert run("init-db").exit_code == 0
    password = ["--password", "correct horse battery"]
    first = run("create-user", "ada@example.org", "--program", "Duke IR", "--role", "chief",
                *password)
    assert "(new program)" in first.output
    again = run("create-user", "bo@example.org", "--program", "duke\u00a0IR ", "--role",
                "faculty", *password)
    assert again.exit_code == 0 and "faculty in Duke IR" in again.output
    assert "(new program)" not in again.output
    refused = run("create-user", "cy@example.org", "--program", "Duke\nIR", "--role",
                  "faculty", *password)
    assert refused.exit_code == 1 and "a line break" in refused.output
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT name FROM program")).scalars().all() == ["Duke IR"]


def test_the_migration_cleans_and_separates_look_alike_names(app):
    with app.app_context():
        downgrade(revision="365392354be7")
        with db.engine.begin() as conn:
            for name in ("Duke IR", "Duke IR\u00a0", "Tiny\u200b IR", "duke ir"):
                conn.execute(text("INSERT INTO program (name, created_at, calendar, levels, "
                                  "tracks, vacation_weeks, max_vacation_weeks_per_block, "
                                  "change_weight, count_unverified) VALUES (:name, "
                                  "CURRENT_TIMESTAMP, 'months', '[]', '[]', 0, 1, 1, true)"),
                             {"name": name})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT name, name_key FROM program ORDER BY id")).all()
    assert rows == [("Duke IR", "duke ir"), ("Duke IR (2)", "duke ir (2)"),
                    ("Tiny IR", "tiny ir"), ("duke ir (3)", "duke ir (3)")]

